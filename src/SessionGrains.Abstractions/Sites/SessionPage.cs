namespace SessionGrains;

/// <summary>
/// One page of a site's live sessions (<see cref="ISiteGrain.GetSessionsAsync"/>), oldest first, so a large site never
/// sends all its sessions in one message.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionPage
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;

    [Id(0)]
    public required IReadOnlyList<SessionInfo> Sessions { get; init; }

    /// <summary>Asks for the page after this one; null on the last page. Opaque: pass it back as it is.</summary>
    [Id(1)]
    public string? NextCursor { get; init; }
}
