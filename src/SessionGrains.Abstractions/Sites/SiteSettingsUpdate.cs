namespace SessionGrains;

/// <summary>A partial change of a site's settings: fields left null stay as they are.</summary>
[GenerateSerializer, Immutable]
public sealed record SiteSettingsUpdate
{
    [Id(0)]
    public int? Limit { get; init; }

    [Id(1)]
    public TimeSpan? IdleTimeout { get; init; }

    [Id(2)]
    public FullSitePolicy? OnFull { get; init; }

    /// <summary>-1 removes the per-user limit.</summary>
    [Id(3)]
    public int? PerUserLimit { get; init; }

    [Id(4)]
    public IReadOnlyList<string>? ExemptRoles { get; init; }

    [Id(5)]
    public string? Message { get; init; }

    /// <summary>The most live sessions the site may hold, exempt ones included.</summary>
    [Id(6)]
    public int? MaxSessions { get; init; }

    [Id(7)]
    public string? ClosedMessage { get; init; }

    [Id(8)]
    public GuardSettingsUpdate? Guard { get; init; }

    [Id(9)]
    public int? MaxQueueLength { get; init; }

    [Id(10)]
    public TimeSpan? ClaimTime { get; init; }

    [Id(11)]
    public TimeSpan? TicketTimeout { get; init; }

    [Id(12)]
    public string? UserLimitMessage { get; init; }

    public SiteSettings ApplyTo(SiteSettings current) => current with
    {
        Limit = Limit ?? current.Limit,
        IdleTimeout = IdleTimeout ?? current.IdleTimeout,
        OnFull = OnFull ?? current.OnFull,
        PerUserLimit = PerUserLimit ?? current.PerUserLimit,
        ExemptRoles = ExemptRoles ?? current.ExemptRoles,
        Message = Message ?? current.Message,
        MaxSessions = MaxSessions ?? current.MaxSessions,
        ClosedMessage = ClosedMessage ?? current.ClosedMessage,
        Guard = Guard?.ApplyTo(current.Guard) ?? current.Guard,
        MaxQueueLength = MaxQueueLength ?? current.MaxQueueLength,
        ClaimTime = ClaimTime ?? current.ClaimTime,
        TicketTimeout = TicketTimeout ?? current.TicketTimeout,
        UserLimitMessage = UserLimitMessage ?? current.UserLimitMessage,
    };
}
