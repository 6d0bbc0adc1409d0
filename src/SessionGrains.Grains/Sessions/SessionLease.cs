namespace SessionGrains.Grains.Sessions;

/// <summary>
/// The site's promise to count a session until <see cref="ExpiresAt"/>, which is never before the session's idle
/// deadline. The session's grain renews it when a touch moves the deadline past it; if the grain vanishes,
/// the lease simply runs out.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionLease
{
    /// <summary>The latest activity the site has been told of.</summary>
    [Id(0)]
    public required DateTimeOffset LastActivityAt { get; init; }

    [Id(1)]
    public required TimeSpan IdleTimeout { get; init; }

    /// <summary><see cref="LastActivityAt"/> + <see cref="IdleTimeout"/>, plus headroom for touches not reported yet.</summary>
    [Id(2)]
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>What the site knows of a session: its lease while live, else why it ended (if it still remembers).</summary>
[GenerateSerializer, Immutable]
public sealed record LeaseLookup
{
    [Id(0)]
    public SessionLease? Lease { get; init; }

    [Id(1)]
    public SessionEndReason? EndedReason { get; init; }

    public static LeaseLookup Unknown { get; } = new();

    public static LeaseLookup Held(SessionLease lease) => new() { Lease = lease };

    public static LeaseLookup Ended(SessionEndReason reason) => new() { EndedReason = reason };
}

/// <summary>The latest activity a session grain saw.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionActivity
{
    [Id(0)]
    public required SessionId SessionId { get; init; }

    [Id(1)]
    public required DateTimeOffset LastActivityAt { get; init; }

    /// <summary>The activation that saw it.</summary>
    [Id(2)]
    public required ActivationId Activation { get; init; }
}
