namespace SessionGrains;

/// <summary>
/// What a hosting provider sold a site: how many sessions may count at once and how they are counted.
/// Nothing stops an instance from being invalid: every entry point checks it with <see cref="RequestRules.EnsureValid(SiteSettings)"/>
/// before it is used or stored.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiteSettings
{
    public const int Unlimited = -1;
    public const int Closed = 0;
    public const int DefaultMaxSessions = 10_000;
    public const string DefaultMessage = "Sorry, there {active|is|are} already {active} {active|user|users} working on this site. Please try again later.";
    public const string DefaultClosedMessage = "Sorry, this site is closed to new users right now. Please try again later.";
    public const string DefaultUserLimitMessage = "Sorry, you already have {active} {active|session|sessions} on this site, as many as one user may have. Please close one, or try again later.";
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(60);
    public const int DefaultMaxQueueLength = 10_000;
    public static readonly TimeSpan DefaultClaimTime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultTicketTimeout = TimeSpan.FromSeconds(60);

    /// <summary>-1: unlimited; 0: closed to new sessions; N &gt; 0: at most N counted sessions.</summary>
    [Id(0)]
    public int Limit { get; init; } = Unlimited;

    /// <summary>A session with no activity for this long stops counting.</summary>
    [Id(1)]
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    [Id(2)]
    public FullSitePolicy OnFull { get; init; } = FullSitePolicy.Deny;

    /// <summary>-1: no per-user limit; N &gt; 0: at most N counted sessions per user id.</summary>
    [Id(3)]
    public int PerUserLimit { get; init; } = Unlimited;

    /// <summary>Sessions opened with one of these roles are admitted even when the site is full or closed, and take no seat.</summary>
    [Id(4)]
    public IReadOnlyList<string> ExemptRoles { get; init; } = [];

    /// <summary>The text for users refused because the site is full (or holds all the sessions it may); see <see cref="MessageTemplate"/>.</summary>
    [Id(5)]
    public string Message { get; init; } = DefaultMessage;

    /// <summary>
    /// The most live sessions the site may hold at all, exempt ones included: a bound on what one site can cost the
    /// cluster, whatever its limit and its exempt roles. A site stored before it had one gets <see cref="DefaultMaxSessions"/>.
    /// </summary>
    [Id(6)]
    public int MaxSessions { get; init; } = DefaultMaxSessions;

    /// <summary>
    /// The text for users refused because the site is closed (limit 0); see <see cref="MessageTemplate"/>. A site stored
    /// before it had one gets <see cref="DefaultClosedMessage"/>.
    /// </summary>
    [Id(7)]
    public string ClosedMessage { get; init; } = DefaultClosedMessage;

    /// <summary>The sign-in guard: failed sign-ins that block an address or a user. A site stored before it had one gets the defaults.</summary>
    [Id(8)]
    public GuardSettings Guard { get; init; } = new();

    /// <summary>With <see cref="FullSitePolicy.Queue"/>: the most tickets in the line; beyond it newcomers are refused as with <see cref="FullSitePolicy.Deny"/>.</summary>
    [Id(9)]
    public int MaxQueueLength { get; init; } = DefaultMaxQueueLength;

    /// <summary>How long a seat freed for the head of the line is held for it before it passes to the next.</summary>
    [Id(10)]
    public TimeSpan ClaimTime { get; init; } = DefaultClaimTime;

    /// <summary>A ticket not asked about for this long leaves the line.</summary>
    [Id(11)]
    public TimeSpan TicketTimeout { get; init; } = DefaultTicketTimeout;

    /// <summary>
    /// The text for a user refused because they have <see cref="PerUserLimit"/> sessions already; see
    /// <see cref="MessageTemplate"/>, with <c>{active}</c> the user's own sessions and <c>{limit}</c> the per-user limit.
    /// A site stored before it had one gets <see cref="DefaultUserLimitMessage"/>.
    /// </summary>
    [Id(12)]
    public string UserLimitMessage { get; init; } = DefaultUserLimitMessage;

    public static SiteSettings Default { get; } = new();

    public bool IsExempt(IReadOnlyList<string> roles)
    {
        foreach (var role in roles)
        {
            if (ExemptRoles.Contains(role, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What a user refused for <paramref name="reason"/> reads, with the figures filled in: the site's counted sessions
    /// and its limit, or for <see cref="RefusalReason.UserLimit"/> the user's own and the per-user limit.
    /// </summary>
    public string RenderMessage(RefusalReason reason, int active, int userActive) => reason switch
    {
        RefusalReason.SiteClosed => MessageTemplate.Render(ClosedMessage, active, Limit),
        RefusalReason.UserLimit => MessageTemplate.Render(UserLimitMessage, userActive, PerUserLimit),
        _ => MessageTemplate.Render(Message, active, Limit),
    };
}
