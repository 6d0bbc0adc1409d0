using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace SessionGrains.Server.Api.Contracts;

/// <summary>A site's settings as the API shows them.</summary>
public record SiteSettingsView
{
    public required string SiteId { get; init; }

    public required int Limit { get; init; }

    public required int IdleTimeoutSeconds { get; init; }

    public required FullSitePolicy OnFull { get; init; }

    public required int PerUserLimit { get; init; }

    public required IReadOnlyList<string> ExemptRoles { get; init; }

    /// <summary>Shown to users refused because the site is full (or holds its <c>maxSessions</c>).</summary>
    public required string Message { get; init; }

    /// <summary>Shown to users refused because the site is closed (limit 0).</summary>
    public required string ClosedMessage { get; init; }

    /// <summary>Shown to a user refused because they hold the per-user limit's sessions already.</summary>
    public required string UserLimitMessage { get; init; }

    /// <summary>The most live sessions the site may hold, exempt ones included.</summary>
    public required int MaxSessions { get; init; }

    /// <summary>With onFull <c>queue</c>: the most tickets in the waiting line.</summary>
    public required int MaxQueueLength { get; init; }

    /// <summary>How long a seat freed for the head of the line is held for it.</summary>
    public required int ClaimSeconds { get; init; }

    /// <summary>A ticket not asked about for this long leaves the line.</summary>
    public required int TicketTimeoutSeconds { get; init; }

    /// <summary>The sign-in guard: failed sign-ins that block an address or a user.</summary>
    public required GuardSettingsView Guard { get; init; }

    public static SiteSettingsView From(string siteId, SiteSettings settings) => new()
    {
        SiteId = siteId,
        Limit = settings.Limit,
        IdleTimeoutSeconds = (int)settings.IdleTimeout.TotalSeconds,
        OnFull = settings.OnFull,
        PerUserLimit = settings.PerUserLimit,
        ExemptRoles = settings.ExemptRoles,
        Message = settings.Message,
        ClosedMessage = settings.ClosedMessage,
        UserLimitMessage = settings.UserLimitMessage,
        MaxSessions = settings.MaxSessions,
        MaxQueueLength = settings.MaxQueueLength,
        ClaimSeconds = (int)settings.ClaimTime.TotalSeconds,
        TicketTimeoutSeconds = (int)settings.TicketTimeout.TotalSeconds,
        Guard = GuardSettingsView.From(settings.Guard),
    };
}

/// <summary>A site's sign-in guard as the API shows it.</summary>
public sealed record GuardSettingsView
{
    public required bool Enabled { get; init; }

    /// <summary>Failures from one address within the window that block it.</summary>
    public required int MaxFailures { get; init; }

    public required int BlockSeconds { get; init; }

    /// <summary>Failures are counted from the first; this long after it they are forgotten.</summary>
    public required int WindowSeconds { get; init; }

    /// <summary>An attempt while blocked restarts the block.</summary>
    public required bool ExtendWhileBlocked { get; init; }

    /// <summary>Failures for one user id, from any address, that block the user; 0: not counted.</summary>
    public required int PerUserMaxFailures { get; init; }

    /// <summary>Shown to a blocked address; <c>{seconds}</c> is the time left.</summary>
    public required string AddressMessage { get; init; }

    /// <summary>Shown to attempts for a blocked user.</summary>
    public required string UserMessage { get; init; }

    public static GuardSettingsView From(GuardSettings guard) => new()
    {
        Enabled = guard.Enabled,
        MaxFailures = guard.MaxFailures,
        BlockSeconds = (int)guard.Block.TotalSeconds,
        WindowSeconds = (int)guard.Window.TotalSeconds,
        ExtendWhileBlocked = guard.ExtendWhileBlocked,
        PerUserMaxFailures = guard.PerUserMaxFailures,
        AddressMessage = guard.AddressMessage,
        UserMessage = guard.UserMessage,
    };
}

/// <summary>One row of <c>GET /api/sites</c>: the settings and the counts.</summary>
public record SiteSummaryView : SiteSettingsView
{
    [SetsRequiredMembers]
    protected SiteSummaryView(SiteSettingsView settings)
        : base(settings)
    {
    }

    /// <summary>Sessions that take a seat.</summary>
    [JsonPropertyOrder(1)]
    public required int Active { get; init; }

    /// <summary>Live sessions with an exempt role (listed, taking no seat).</summary>
    [JsonPropertyOrder(2)]
    public required int Exempt { get; init; }

    /// <summary>Sign-ins refused in the last 60 minutes.</summary>
    [JsonPropertyOrder(2)]
    public required int RefusalsLastHour { get; init; }

    /// <summary>The most sessions counted at once since midnight (UTC).</summary>
    [JsonPropertyOrder(2)]
    public required int PeakToday { get; init; }

    /// <summary>False while the site has no settings of its own (none were ever set): the server's defaults apply.</summary>
    [JsonPropertyOrder(2)]
    public required bool Configured { get; init; }

    /// <summary>Tickets in the site's waiting line (onFull <c>queue</c>).</summary>
    [JsonPropertyOrder(2)]
    public required int Waiting { get; init; }

    public static SiteSummaryView From(SiteSummary summary) => new(SiteSettingsView.From(summary.SiteId, summary.Settings))
    {
        Active = summary.Active,
        Exempt = summary.Exempt,
        RefusalsLastHour = summary.RefusalsLastHour,
        PeakToday = summary.PeakToday,
        Configured = summary.Configured,
        Waiting = summary.Waiting,
    };
}

/// <summary><c>GET /api/sites/{siteId}</c>: the settings, the counts and the first page of live sessions.</summary>
public sealed record SiteDetailsView : SiteSummaryView
{
    [SetsRequiredMembers]
    private SiteDetailsView(SiteSummaryView summary)
        : base(summary)
    {
    }

    /// <summary>The oldest live sessions, at most the default page size.</summary>
    [JsonPropertyOrder(3)]
    [JsonRequired]
    public IReadOnlyList<SessionView> Sessions { get; init; } = [];

    /// <summary>The <c>cursor</c> of <c>GET /api/sites/{siteId}/sessions</c> for the sessions after these; null if none.</summary>
    [JsonPropertyOrder(4)]
    public string? NextCursor { get; init; }

    public static SiteDetailsView From(SiteStatus status) => new(SiteSummaryView.From(status.Summary))
    {
        Sessions = [.. status.Sessions.Select(SessionView.From)],
        NextCursor = status.NextCursor,
    };
}

/// <summary><c>GET /api/sites/{siteId}/sessions</c>: one page of live sessions, oldest first.</summary>
public sealed record SessionPageView
{
    [JsonRequired]
    public IReadOnlyList<SessionView> Sessions { get; init; } = [];

    /// <summary>Pass it as <c>cursor</c> for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }

    public static SessionPageView From(SessionPage page) => new()
    {
        Sessions = [.. page.Sessions.Select(SessionView.From)],
        NextCursor = page.NextCursor,
    };
}

public sealed record SessionView
{
    public required string SessionId { get; init; }

    public required string UserId { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset LastActivityAt { get; init; }

    public required DateTimeOffset IdleExpiresAt { get; init; }

    public required bool Exempt { get; init; }

    public static SessionView From(SessionInfo session) => new()
    {
        SessionId = session.SessionId.ToString(),
        UserId = session.UserId,
        Roles = session.Roles,
        ClientIp = session.ClientIp,
        UserAgent = session.UserAgent,
        StartedAt = session.StartedAt,
        LastActivityAt = session.LastActivityAt,
        IdleExpiresAt = session.IdleExpiresAt,
        Exempt = session.Exempt,
    };
}

/// <summary><c>GET /api/sites/{siteId}/activity</c>: the site's history, the last 24 hours, one bucket a minute, oldest first.</summary>
public sealed record SiteHistoryView
{
    public required string SiteId { get; init; }

    /// <summary>The start of the first bucket.</summary>
    public required DateTimeOffset From { get; init; }

    public required int BucketSeconds { get; init; }

    /// <summary>Per bucket: the most sessions counted at once.</summary>
    public required IReadOnlyList<int> Active { get; init; }

    /// <summary>Per bucket: sign-ins refused.</summary>
    public required IReadOnlyList<int> Refusals { get; init; }

    /// <summary>Per bucket: sign-in attempts the site's guard refused (a blocked address or user).</summary>
    public required IReadOnlyList<int> GuardRefusals { get; init; }

    /// <summary>Per bucket: the most tickets in the site's waiting line at once.</summary>
    public required IReadOnlyList<int> Waiting { get; init; }

    public static SiteHistoryView Of(string siteId, SiteHistory history) => new()
    {
        SiteId = siteId,
        From = history.From,
        BucketSeconds = (int)SiteHistory.BucketSize.TotalSeconds,
        Active = history.Active,
        Refusals = history.Refusals,
        GuardRefusals = history.GuardRefusals,
        Waiting = history.Waiting,
    };
}
