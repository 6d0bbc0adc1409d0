namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// SessionGrains' waiting line through a co-hosted silo's grain factory: joins go through <see cref="SiteAdmissions"/>,
/// as the HTTP API's and the library's sign-ins do; polls call the site grain, as the ticket endpoint does.
/// </summary>
public sealed class GrainWaitingLine(IGrainFactory grains, string name) : IWaitingLinePeer
{
    private readonly SiteAdmissions _admissions = new(grains);
    private long _next;

    public string Name => name;

    public async Task CreateSiteAsync(string siteId)
    {
        var site = grains.GetSiteGrain(siteId);
        await site.UpdateSettingsAsync(new SiteSettingsUpdate
        {
            Limit = 1,
            IdleTimeout = LineSettings.SeatHeld,
            OnFull = FullSitePolicy.Queue,
            TicketTimeout = LineSettings.TicketTimeout,
        });
        if (await site.OpenSessionAsync(Workload.Request(0) with { UserId = "seat-holder" }) is not SessionAdmitted)
        {
            throw new InvalidOperationException($"Setting up {siteId}: its one seat was refused.");
        }
    }

    public async ValueTask<string> JoinAsync(string siteId, string userId)
    {
        var result = await _admissions.OpenSessionAsync(siteId, Workload.Request(Interlocked.Increment(ref _next)) with { UserId = userId });
        return result is SessionQueued queued
            ? queued.Ticket.TicketId.ToString()
            : throw new InvalidOperationException($"{userId} on {siteId} got {result.GetType().Name}, not a ticket.");
    }

    public async ValueTask<int> PollAsync(string siteId, string ticket) =>
        await grains.GetSiteGrain(siteId).PollTicketAsync(SessionId.Parse(ticket)) is TicketWaiting waiting
            ? waiting.Position
            : throw new InvalidOperationException($"Ticket {ticket} of {siteId} is no longer waiting.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
