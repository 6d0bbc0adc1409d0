namespace SessionGrains.Server.Admin;

/// <summary>One live session as the site page lists it, with its idle deadline as its own grain knows it.</summary>
public sealed record SessionRow(SessionInfo Session, DateTimeOffset IdleExpiresAt, bool Ending);

/// <summary>
/// What the site page shows: the site's status, one page of its live sessions (<see cref="SessionPage.DefaultSize"/>,
/// oldest first), the head of its waiting line, its 24-hour chart, and the sign-in guard's blocks.
/// </summary>
/// <param name="Line">The first <see cref="LinePage.DefaultSize"/> tickets of the waiting line; null when the site does not queue and nobody waits.</param>
/// <param name="Cursor">Where the listed page starts (<see cref="SessionPage.NextCursor"/> of the page before); null on the first.</param>
public sealed record SitePage(SiteStatus Status, IReadOnlyList<SessionRow> Sessions, LinePage? Line, HistoryChart Chart, IReadOnlyList<SignInBlock> Blocks, DateTimeOffset Now, string? Cursor)
{
    /// <summary>Every live session, exempt ones included; the page lists one page of them (oldest first).</summary>
    public int LiveSessions => Status.Summary.Active + Status.Summary.Exempt;

    /// <summary>The site has more live sessions than one page: the page links to the others.</summary>
    public bool Paged => Cursor is not null || Status.NextCursor is not null;

    public SiteLoad Load => SitesTable.LoadOf(Status.Summary.Settings.Limit, Status.Summary.Active);

    /// <summary>The first listed ticket that holds no seat: the one "admit next" would let in, if it is listed.</summary>
    public TicketInfo? NextToAdmit => Line?.Tickets.FirstOrDefault(ticket => ticket.SeatHeldUntil is null);

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
        var summary = status.Summary;
        var lineCall = summary.Settings.OnFull == FullSitePolicy.Queue || summary.Waiting > 0 ? site.GetLineAsync(LinePage.DefaultSize) : null;
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

        var line = lineCall is null ? null : await lineCall;
        return new SitePage(status, rows, line, HistoryChart.Draw(history, status.Summary.Settings.Limit), await blocksCall, clock.GetUtcNow(), cursor);
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
