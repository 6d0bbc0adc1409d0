namespace SessionGrains.Grains.Sessions;

/// <summary>
/// What a session grain keeps durably: only how it ended. While it is live, its site's lease is the durable record,
/// so touches never write to storage.
/// </summary>
[GenerateSerializer]
public sealed record SessionState
{
    [Id(0)]
    public SessionEndReason? EndedReason { get; set; }

    [Id(1)]
    public DateTimeOffset? EndedAt { get; set; }
}
