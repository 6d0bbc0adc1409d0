namespace SessionGrains.Server.Admin;

/// <summary>One live session as the site page lists it, with its idle deadline as its own grain knows it.</summary>
public sealed record SessionRow(SessionInfo Session, DateTimeOffset IdleExpiresAt, bool Ending);

/// <summary>
/// What the site page shows: the site's status, one page of its live sessions (<see cref="SessionPage.DefaultSize"/>,
/// oldest first), its 24-hour chart, and the sign-in guard's blocks.
/// </summary>
/// <param name="Cursor">Where the listed page starts (<see cref="SessionPage.NextCursor"/> of the page before); null on the first.</param>
public sealed record SitePage(SiteStatus Status, IReadOnlyList<SessionRow> Sessions, HistoryChart Chart, IReadOnlyList<SignInBlock> Blocks, DateTimeOffset Now, string? Cursor)
{
    /// <summary>Every live session, exempt ones included; the page lists one page of them (oldest first).</summary>
    public int LiveSessions => Status.Summary.Active + Status.Summary.Exempt;

    /// <summary>The site has more live sessions than one page: the page links to the others.</summary>
    public bool Paged => Cursor is not null || Status.NextCursor is not null;

    public SiteLoad Load => SitesTable.LoadOf(Status.Summary.Settings.Limit, Status.Summary.Active);

    /// <summary>Loads the page of sessions that starts at <paramref name="cursor"/>; one the site did not give is refused with <see cref="InvalidRequestException"/>.</summary>
    public static async Task<SitePage> LoadAsync(IGrainFactory grains, string siteId, TimeProvider clock, string? cursor = null)
    {
        var site = grains.GetSiteGrain(siteId);
        SiteStatus status;
        Task<SiteHistory> historyCall;
        if (cursor is null)
        {
            historyCall = site.GetHistoryAsync();
            status = await site.GetStatusAsync();
        }
        else
        {
            // The cursor first: a refused one asks nothing else.
            var page = await site.GetSessionsAsync(cursor, SessionPage.DefaultSize);
            historyCall = site.GetHistoryAsync();
            status = new SiteStatus { Summary = await site.GetSummaryAsync(), Sessions = page.Sessions, NextCursor = page.NextCursor };
        }

        var blocksCall = grains.GetSignInGuard(siteId).GetBlocksAsync();
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

        return new SitePage(status, rows, HistoryChart.Draw(history, status.Summary.Settings.Limit), await blocksCall, clock.GetUtcNow(), cursor);
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
