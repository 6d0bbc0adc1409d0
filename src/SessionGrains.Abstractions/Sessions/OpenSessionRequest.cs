namespace SessionGrains;

/// <summary>A user asks for a seat on a site.</summary>
[GenerateSerializer, Immutable]
public sealed record OpenSessionRequest
{
    [Id(0)]
    public required string UserId { get; init; }

    [Id(1)]
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>
    /// The user's address: IPv4 as four decimal numbers, or IPv6. The site stores it in one canonical form
    /// (<see cref="RequestRules.CanonicalClientIp"/>).
    /// </summary>
    [Id(2)]
    public string? ClientIp { get; init; }

    /// <summary>At most <see cref="RequestRules.MaxUserAgentLength"/> characters, without control characters.</summary>
    [Id(3)]
    public string? UserAgent { get; init; }

    /// <summary>
    /// The same user's session that ended for idleness and that this one continues (if the site still counts it, it
    /// stops). Asking again with the same value (parallel requests after a coffee break, a retry, another web server)
    /// gets the same seat, never a second one.
    /// </summary>
    [Id(4)]
    public SessionId? Resumes { get; init; }
}
