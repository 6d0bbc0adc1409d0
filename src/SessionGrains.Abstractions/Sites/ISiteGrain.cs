namespace SessionGrains;

/// <summary>
/// One per site (key: the site id). Holds the site's settings and its live session set,
/// and decides every admission on its own, one at a time, so concurrent sign-ins can never overshoot the limit.
/// Invalid input throws <see cref="InvalidRequestException"/> and changes nothing.
/// </summary>
public interface ISiteGrain : IGrainWithStringKey
{
    /// <summary>Asks for a seat. The admission is durable before the answer returns.</summary>
    [SiteScoped]
    Task<OpenSessionResult> OpenSessionAsync(OpenSessionRequest request);

    /// <summary>
    /// Asks for several seats in one call, decided one by one in order, exactly as that many <see cref="OpenSessionAsync"/>
    /// calls would be. <see cref="SiteAdmissions"/> sends sign-ins that arrive together this way. If one request is invalid,
    /// none is decided.
    /// </summary>
    [SiteScoped]
    Task<IReadOnlyList<OpenSessionResult>> OpenSessionsAsync(IReadOnlyList<OpenSessionRequest> requests);

    /// <summary>The effective settings: the site's own, or the configured defaults if it has never been configured.</summary>
    [SiteScoped]
    Task<SiteSettings> GetSettingsAsync();

    /// <summary>Changes some settings. A lower limit ends nobody: newcomers are refused until the count falls below it.</summary>
    Task<SiteSettings> UpdateSettingsAsync(SiteSettingsUpdate update);

    /// <summary>The summary and the first page of live sessions.</summary>
    [SiteScoped]
    Task<SiteStatus> GetStatusAsync();

    /// <summary>
    /// A page of live sessions, exempt ones included, oldest first (by start, then id). Start with a null
    /// <paramref name="cursor"/> and pass each page's <see cref="SessionPage.NextCursor"/> to get the next: every session
    /// live all along is on exactly one page, whatever ends in between; sessions admitted meanwhile come on later pages.
    /// <paramref name="limit"/> is 1 to <see cref="SessionPage.MaxSize"/>. A cursor this site did not give is refused
    /// with <see cref="InvalidRequestException"/>.
    /// </summary>
    [SiteScoped]
    Task<SessionPage> GetSessionsAsync(string? cursor, int limit);

    [SiteScoped]
    Task<SiteSummary> GetSummaryAsync();

    /// <summary>Counted sessions and refusals over the last 24 hours, one bucket a minute.</summary>
    [SiteScoped]
    Task<SiteHistory> GetHistoryAsync();

    /// <summary>
    /// Usage per UTC day, per month, or in total from <paramref name="firstDay"/> to <paramref name="lastDay"/> (both included, at most
    /// <see cref="UsageRange.MaxDays"/> days), oldest first; periods without activity have no row. Kept 400 days.
    /// </summary>
    [SiteScoped]
    Task<IReadOnlyList<SiteUsage>> GetUsageAsync(DateOnly firstDay, DateOnly lastDay, UsageGranularity granularity);

    /// <summary>
    /// The user signs out: the seat is free and the end recorded before the answer returns, and the session's next touch
    /// finds it ended. Returns false when the session was not live (idempotent).
    /// </summary>
    [SiteScoped]
    Task<bool> SignOutAsync(SessionId sessionId);

    /// <summary>An operator ends a session. Returns false when the session was not live (idempotent).</summary>
    Task<bool> KickAsync(SessionId sessionId);

    /// <summary>
    /// Asks again about a ticket of the waiting line (<see cref="SessionQueued"/>): its position and the likely wait, or,
    /// once a seat is held for it, the admitted session. Asking keeps the ticket in the line.
    /// </summary>
    [SiteScoped]
    Task<TicketAnswer> PollTicketAsync(SessionId ticketId);

    /// <summary>Takes a ticket out of the line (the user gave up); its place, and a seat held for it, pass on at once. False if it was not in the line.</summary>
    [SiteScoped]
    Task<bool> LeaveLineAsync(SessionId ticketId);

    /// <summary>
    /// The first <paramref name="limit"/> tickets of the waiting line, from the head on, and how many wait in all.
    /// <paramref name="limit"/> is 1 to <see cref="LinePage.MaxSize"/>.
    /// </summary>
    [SiteScoped]
    Task<LinePage> GetLineAsync(int limit);

    /// <summary>
    /// An operator removes a ticket from the line: its holder learns so when they ask again (<see cref="TicketEndReason.Removed"/>),
    /// and its place, and a seat held for it, pass on at once. Returns false when it was not in the line (idempotent).
    /// </summary>
    Task<bool> RemoveTicketAsync(SessionId ticketId);

    /// <summary>
    /// An operator admits the next in line now: a seat is held for the first ticket that holds none, even on a full
    /// site, so the count may pass the limit by that seat once claimed (an operator's override, as an exempt role is).
    /// The ticket claims it as any held seat, by asking again within the claim time. Returns that ticket, or null when
    /// every ticket in the line holds a seat already (or none waits).
    /// </summary>
    Task<TicketInfo?> AdmitNextAsync();

    /// <summary>
    /// Subscribes a web server to this site's ends, or renews its subscription (see <see cref="IEndWatcher"/>). A site
    /// takes at most <see cref="EndWatch.MaxWatchers"/> watchers; one more is refused with <see cref="InvalidRequestException"/>.
    /// </summary>
    [SiteScoped]
    Task WatchEndsAsync(IEndWatcher watcher);

    /// <summary>Ends a web server's subscription (it shuts down); nothing if it had none.</summary>
    [SiteScoped]
    Task UnwatchEndsAsync(IEndWatcher watcher);
}
