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

    /// <summary>The most live sessions a site may hold, exempt ones included.</summary>
    public int MaxSessions { get; set; } = SiteSettings.DefaultMaxSessions;

    public SiteSettings ToSettings() => new()
    {
        Limit = Limit,
        IdleTimeout = IdleTimeout,
        OnFull = OnFull,
        PerUserLimit = PerUserLimit,
        ExemptRoles = [.. ExemptRoles],
        Message = Message,
        ClosedMessage = ClosedMessage,
        MaxSessions = MaxSessions,
    };
}
