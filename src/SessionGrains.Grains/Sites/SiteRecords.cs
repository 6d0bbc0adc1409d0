using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// What a site keeps durably beside its sessions (<see cref="Storage.ISiteStore"/>): written, when it changed,
/// in the same write as the admissions, renewals and endings it goes with, before any of them is acknowledged.
/// </summary>
[GenerateSerializer]
public sealed record SiteHeader
{
    /// <summary>Null until an operator configures the site: until then the configured defaults apply.</summary>
    [Id(0)]
    public SiteSettings? Settings { get; set; }

    // Id 2 held the sessions the site ended recently; their end records now say why (ISessionEndLog).

    /// <summary>The site is in the <see cref="ISiteDirectoryGrain"/>.</summary>
    [Id(3)]
    public bool Listed { get; set; }

    /// <summary>A copy the store may keep reading while the site goes on changing its own.</summary>
    public SiteHeader Snapshot() => this with { };
}

/// <summary>A seat held by a session, and the lease that keeps it.</summary>
[GenerateSerializer]
public sealed record LiveSession
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

    /// <summary>Exempt sessions are listed but take no seat and are never evicted.</summary>
    [Id(6)]
    public required bool Exempt { get; init; }

    [Id(7)]
    public required DateTimeOffset LastActivityAt { get; set; }

    /// <summary>The lease: the session stops counting at this moment unless renewed.</summary>
    [Id(8)]
    public required DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The idle-ended session this one continues (<see cref="OpenSessionRequest.Resumes"/>).</summary>
    [Id(9)]
    public SessionId? Resumes { get; init; }

    /// <summary>
    /// No activation of the session's grain has asked for this lease since the admission, or since the last one handed
    /// its exact deadline back: nobody is there to tell of an end, and the lease is the idle deadline itself. A session's
    /// grain starts on its first touch, so a session admitted and signed out untouched never has one. Kept in memory
    /// only: a session read from storage may have a grain, so it counts as having one.
    /// </summary>
    internal bool NoGrain
    {
        get => _noGrain;
        private set => _noGrain = value;
    }

    /// <summary>
    /// The activation of the session's grain the site heard from last (in memory only; none known after a load). Only
    /// that one may hand back an exact deadline and leave the session without a grain to tell (<see cref="LetGo"/>).
    /// </summary>
    internal ActivationId Activation => _activation;

    [NonSerialized]
    private bool _noGrain;

    [NonSerialized]
    private ActivationId _activation;

    /// <summary>An activation of the session's grain asked for or renewed the lease: it is there to be told of an end.</summary>
    internal void HeardFrom(ActivationId activation)
    {
        _noGrain = false;
        _activation = activation;
    }

    /// <summary>
    /// An activation going away hands back its exact deadline, for activity up to <paramref name="lastActivityAt"/>. True,
    /// and no grain is left to tell, when it is the one the site heard from last, or when the site has heard from none
    /// since it loaded and this one saw all the activity the site knows of. False for any other: for a moment after a
    /// silo stops or dies a session can have two activations, and the one going away may be the stale one, while the
    /// other goes on answering touches from memory within a lease that must keep its headroom, and must be told of an end.
    /// </summary>
    internal bool LetGo(ActivationId activation, DateTimeOffset lastActivityAt)
    {
        var lastHeardFrom = _activation.IsDefault ? lastActivityAt >= LastActivityAt : activation == _activation;
        if (!lastHeardFrom)
        {
            return false;
        }

        _noGrain = true;
        _activation = default;
        return true;
    }

    /// <summary>
    /// A session the site admits now for <paramref name="request"/>. Its grain starts on its first touch; until then the
    /// site alone tracks it, so its lease ends exactly at its idle deadline.
    /// </summary>
    /// <param name="id">The session's id: new, or the id of the ticket whose seat it takes.</param>
    public static LiveSession Admit(OpenSessionRequest request, bool exempt, DateTimeOffset now, TimeSpan idleTimeout, SessionId? id = null) => new()
    {
        SessionId = id ?? SessionId.New(),
        UserId = request.UserId,
        Roles = request.Roles.Count == 0 ? [] : [.. request.Roles],
        ClientIp = RequestRules.CanonicalClientIp(request.ClientIp),
        UserAgent = request.UserAgent,
        StartedAt = now,
        Exempt = exempt,
        LastActivityAt = now,
        ExpiresAt = LeaseTerms.ExpiresAt(now, idleTimeout, exact: true),
        Resumes = request.Resumes,
        NoGrain = true,
    };

    /// <summary>Orders sessions idlest first: the oldest known activity, then the earliest start among equals.</summary>
    internal (long ActivityTicks, long StartedTicks) IdleRank => (LastActivityAt.UtcTicks, StartedAt.UtcTicks);

    public SessionLease LeaseFor(TimeSpan idleTimeout) => new()
    {
        LastActivityAt = LastActivityAt,
        IdleTimeout = idleTimeout,
        ExpiresAt = ExpiresAt,
    };

    public SessionInfo ToInfo(TimeSpan idleTimeout) => new()
    {
        SessionId = SessionId,
        UserId = UserId,
        Roles = Roles,
        ClientIp = ClientIp,
        UserAgent = UserAgent,
        StartedAt = StartedAt,
        LastActivityAt = LastActivityAt,
        IdleExpiresAt = LastActivityAt + idleTimeout,
        Exempt = Exempt,
    };
}
