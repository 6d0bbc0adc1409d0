namespace SessionGrains.Server.Api.Contracts;

/// <summary>Body of <c>PUT /api/sites/{siteId}</c>: fields left out (or null) stay as they are.</summary>
public sealed record SiteSettingsChange
{
    /// <summary>-1: unlimited; 0: closed to new sessions; N: at most N counted sessions.</summary>
    public int? Limit { get; init; }

    public int? IdleTimeoutSeconds { get; init; }

    public FullSitePolicy? OnFull { get; init; }

    /// <summary>-1: no per-user limit.</summary>
    public int? PerUserLimit { get; init; }

    public IReadOnlyList<string>? ExemptRoles { get; init; }

    /// <summary>
    /// Shown to users refused because the site is full: <c>{active}</c> and <c>{limit}</c> become the current figures,
    /// <c>{active|one|other}</c> the words for 1 or for any other number.
    /// </summary>
    public string? Message { get; init; }

    /// <summary>Shown to users refused because the site is closed (limit 0); the same placeholders.</summary>
    public string? ClosedMessage { get; init; }

    /// <summary>
    /// Shown to a user refused because they hold <c>perUserLimit</c> sessions already: <c>{active}</c> becomes their
    /// sessions, <c>{limit}</c> the per-user limit.
    /// </summary>
    public string? UserLimitMessage { get; init; }

    /// <summary>The most live sessions the site may hold, exempt ones included (1 or more).</summary>
    public int? MaxSessions { get; init; }

    /// <summary>With onFull <c>queue</c>: the most tickets in the waiting line (beyond it, newcomers are refused as with <c>deny</c>).</summary>
    public int? MaxQueueLength { get; init; }

    /// <summary>How long a seat freed for the head of the line is held for it before it passes on.</summary>
    public int? ClaimSeconds { get; init; }

    /// <summary>A ticket not asked about for this long leaves the line.</summary>
    public int? TicketTimeoutSeconds { get; init; }

    /// <summary>The sign-in guard; fields left out stay as they are.</summary>
    public GuardSettingsChange? Guard { get; init; }

    /// <summary>
    /// The change for the site grain, which checks every field of the result at once. Any number of seconds fits a
    /// <see cref="TimeSpan"/>, so an idle timeout out of range goes to the grain too, to be named with the rest.
    /// </summary>
    public SiteSettingsUpdate ToUpdate()
    {
        return new SiteSettingsUpdate
        {
            Limit = Limit,
            IdleTimeout = IdleTimeoutSeconds is { } idle ? TimeSpan.FromSeconds(idle) : null,
            OnFull = OnFull,
            PerUserLimit = PerUserLimit,
            ExemptRoles = ExemptRoles,
            Message = Message,
            ClosedMessage = ClosedMessage,
            UserLimitMessage = UserLimitMessage,
            MaxSessions = MaxSessions,
            Guard = Guard?.ToUpdate(),
            MaxQueueLength = MaxQueueLength,
            ClaimTime = ClaimSeconds is { } claim ? TimeSpan.FromSeconds(claim) : null,
            TicketTimeout = TicketTimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : null,
        };
    }

    /// <summary>The grain's refusal in the API's words: its idle timeout is <c>idleTimeoutSeconds</c> here.</summary>
    public static InvalidRequestException InApiTerms(InvalidRequestException refusal) =>
        new([.. refusal.Errors.Select(error => error.Field == "idleTimeout"
            ? new RequestError
            {
                Field = "idleTimeoutSeconds",
                Message = $"The idle timeout is between {RequestRules.MinIdleTimeout.TotalSeconds} and {RequestRules.MaxIdleTimeout.TotalSeconds} seconds (30 days).",
            }
            : error)]);
}

/// <summary>The <c>guard</c> of <c>PUT /api/sites/{siteId}</c>: fields left out (or null) stay as they are.</summary>
public sealed record GuardSettingsChange
{
    public bool? Enabled { get; init; }

    public int? MaxFailures { get; init; }

    public int? BlockSeconds { get; init; }

    public int? WindowSeconds { get; init; }

    public bool? ExtendWhileBlocked { get; init; }

    /// <summary>0: failures per user are not counted.</summary>
    public int? PerUserMaxFailures { get; init; }

    public string? AddressMessage { get; init; }

    public string? UserMessage { get; init; }

    public GuardSettingsUpdate ToUpdate() => new()
    {
        Enabled = Enabled,
        MaxFailures = MaxFailures,
        Block = BlockSeconds is { } block ? TimeSpan.FromSeconds(block) : null,
        Window = WindowSeconds is { } window ? TimeSpan.FromSeconds(window) : null,
        ExtendWhileBlocked = ExtendWhileBlocked,
        PerUserMaxFailures = PerUserMaxFailures,
        AddressMessage = AddressMessage,
        UserMessage = UserMessage,
    };
}
