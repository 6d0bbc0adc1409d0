namespace SessionGrains;

/// <summary>One live session as its site sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionInfo
{
    [Id(0)]
    public required SessionId SessionId { get; init; }

    [Id(1)]
    public required string UserId { get; init; }

    [Id(2)]
    public required IReadOnlyList<string> Roles { get; init; }

    [Id(3)]
    public string? ClientIp { get; init; }

    [Id(4)]
    public string? UserAgent { get; init; }

    [Id(5)]
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The latest activity the site has heard of; the session may have been touched since (see docs/architecture.md).</summary>
    [Id(6)]
    public required DateTimeOffset LastActivityAt { get; init; }

    [Id(7)]
    public required DateTimeOffset IdleExpiresAt { get; init; }

    [Id(8)]
    public required bool Exempt { get; init; }
}
