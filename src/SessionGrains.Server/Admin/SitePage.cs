namespace SessionGrains.Server.Admin;

/// <summary>One live session as the site page lists it, with its idle deadline as its own grain knows it.</summary>
public sealed record SessionRow(SessionInfo Session, DateTimeOffset IdleExpiresAt, bool Ending);

/// <summary>What the site page shows: the site's status, its live sessions and its 24-hour chart.</summary>
public sealed record SitePage(SiteStatus Status, IReadOnlyList<SessionRow> Sessions, HistoryChart Chart, DateTimeOffset Now)
{
    /// <summary>Every live session, exempt ones included; the page lists the first page of them (oldest first).</summary>
    public int LiveSessions => Status.Summary.Active + Status.Summary.Exempt;

    public SiteLoad Load => SitesTable.LoadOf(Status.Summary.Settings.Limit, Status.Summary.Active);

    public static async Task<SitePage> LoadAsync(IGrainFactory grains, string siteId, TimeProvider clock)
    {
        var site = grains.GetSiteGrain(siteId);
        var statusCall = site.GetStatusAsync();
        var historyCall = site.GetHistoryAsync();
        var status = await statusCall;
        var history = await historyCall;

        // The site hears of activity only when a lease is renewed; the session grain knows the exact deadline.
        var listed = status.Sessions;
        var peeks = await Task.WhenAll(listed.Select(s => PeekAsync(grains.GetSessionGrain(siteId, s.SessionId))));
        var rows = listed.Select((session, i) => peeks[i] switch
        {
            SessionActive active => new SessionRow(session, active.IdleExpiresAt, Ending: false),
            null => new SessionRow(session, session.IdleExpiresAt, Ending: false),
            _ => new SessionRow(session, session.IdleExpiresAt, Ending: true),
        }).ToList();

        return new SitePage(status, rows, HistoryChart.Draw(history, status.Summary.Settings.Limit), clock.GetUtcNow());
    }

    /// <summary>The session's own answer, or null if it could not give one: the page then shows the site's view.</summary>
    private static async Task<TouchResult?> PeekAsync(ISessionGrain session)
    {
        try
        {
            return await session.PeekAsync();
        }
        catch (Exception ex) when (ex is TimeoutException or Orleans.Runtime.SiloUnavailableException || ClusterFaults.IsStorageFailure(ex))
        {
            return null;
        }
    }
}
