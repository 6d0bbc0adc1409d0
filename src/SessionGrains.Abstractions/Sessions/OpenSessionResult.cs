namespace SessionGrains;

/// <summary>The site's answer to <see cref="ISiteGrain.OpenSessionAsync"/>: <see cref="SessionAdmitted"/>, <see cref="SessionRefused"/> or <see cref="SessionQueued"/>.</summary>
[GenerateSerializer, Immutable]
public abstract record OpenSessionResult;

[GenerateSerializer, Immutable]
public sealed record SessionAdmitted : OpenSessionResult
{
    [Id(0)]
    public required SessionId SessionId { get; init; }

    /// <summary>Counted sessions on the site, this one included unless it is exempt.</summary>
    [Id(1)]
    public required int Active { get; init; }

    [Id(2)]
    public required int Limit { get; init; }

    [Id(3)]
    public required DateTimeOffset IdleExpiresAt { get; init; }

    /// <summary>The session holds an exempt role: it is listed but takes no seat.</summary>
    [Id(4)]
    public bool Exempt { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SessionRefused : OpenSessionResult
{
    [Id(0)]
    public required RefusalReason Reason { get; init; }

    [Id(1)]
    public required int Active { get; init; }

    [Id(2)]
    public required int Limit { get; init; }

    /// <summary>The site's refusal message, rendered for this moment; ready to show to the user.</summary>
    [Id(3)]
    public required string Message { get; init; }

    /// <summary>When a seat is expected to free up at the latest, if nobody signs out; null when the site is closed.</summary>
    [Id(4)]
    public TimeSpan? RetryAfter { get; init; }
}

public enum RefusalReason
{
    /// <summary>All seats are taken.</summary>
    SiteFull,

    /// <summary>The site's limit is 0: no new sessions.</summary>
    SiteClosed,

    /// <summary>The user already holds as many sessions as the site allows one user.</summary>
    UserLimit,

    /// <summary>
    /// The cluster could not be asked, or could not save the seat (see <see cref="StorageUnavailableException"/>), so
    /// nobody is admitted for now. The site grain never answers this; clients such as the ASP.NET Core library do,
    /// and then <see cref="SessionRefused.Active"/> and <see cref="SessionRefused.Limit"/> are 0.
    /// </summary>
    Unavailable,

    /// <summary>
    /// The site holds as many live sessions as it may hold at all (<see cref="SiteSettings.MaxSessions"/>), exempt ones
    /// included: nobody more gets in, exempt roles neither, until a session ends.
    /// </summary>
    MaxSessions,
}
