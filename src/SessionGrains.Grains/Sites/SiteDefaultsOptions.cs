namespace SessionGrains.Grains.Sites;

/// <summary>The settings of a site that has never been configured (configuration section <c>SessionGrains:SiteDefaults</c>).</summary>
public sealed class SiteDefaultsOptions
{
    public const string SectionName = "SessionGrains:SiteDefaults";

    public int Limit { get; set; } = SiteSettings.Unlimited;

    public TimeSpan IdleTimeout { get; set; } = SiteSettings.DefaultIdleTimeout;

    public FullSitePolicy OnFull { get; set; } = FullSitePolicy.Deny;

    public int PerUserLimit { get; set; } = SiteSettings.Unlimited;

    public List<string> ExemptRoles { get; set; } = [];

    public string Message { get; set; } = SiteSettings.DefaultMessage;

    public string ClosedMessage { get; set; } = SiteSettings.DefaultClosedMessage;

    public string UserLimitMessage { get; set; } = SiteSettings.DefaultUserLimitMessage;

    /// <summary>The most live sessions a site may hold, exempt ones included.</summary>
    public int MaxSessions { get; set; } = SiteSettings.DefaultMaxSessions;

    /// <summary>The sign-in guard of a site never configured (<c>SessionGrains:SiteDefaults:Guard</c>).</summary>
    public GuardDefaultsOptions Guard { get; set; } = new();

    public int MaxQueueLength { get; set; } = SiteSettings.DefaultMaxQueueLength;

    public TimeSpan ClaimTime { get; set; } = SiteSettings.DefaultClaimTime;

    public TimeSpan TicketTimeout { get; set; } = SiteSettings.DefaultTicketTimeout;

    public SiteSettings ToSettings() => new()
    {
        Limit = Limit,
        IdleTimeout = IdleTimeout,
        OnFull = OnFull,
        PerUserLimit = PerUserLimit,
        ExemptRoles = [.. ExemptRoles],
        Message = Message,
        ClosedMessage = ClosedMessage,
        UserLimitMessage = UserLimitMessage,
        MaxSessions = MaxSessions,
        Guard = Guard.ToSettings(),
        MaxQueueLength = MaxQueueLength,
        ClaimTime = ClaimTime,
        TicketTimeout = TicketTimeout,
    };
}

/// <summary>The sign-in guard of a site never configured; the defaults are <see cref="GuardSettings"/>'s.</summary>
public sealed class GuardDefaultsOptions
{
    private static readonly GuardSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;

    public int MaxFailures { get; set; } = Defaults.MaxFailures;

    public TimeSpan Block { get; set; } = Defaults.Block;

    public TimeSpan Window { get; set; } = Defaults.Window;

    public bool ExtendWhileBlocked { get; set; } = Defaults.ExtendWhileBlocked;

    public int PerUserMaxFailures { get; set; } = Defaults.PerUserMaxFailures;

    public string AddressMessage { get; set; } = Defaults.AddressMessage;

    public string UserMessage { get; set; } = Defaults.UserMessage;

    public GuardSettings ToSettings() => new()
    {
        Enabled = Enabled,
        MaxFailures = MaxFailures,
        Block = Block,
        Window = Window,
        ExtendWhileBlocked = ExtendWhileBlocked,
        PerUserMaxFailures = PerUserMaxFailures,
        AddressMessage = AddressMessage,
        UserMessage = UserMessage,
    };
}
