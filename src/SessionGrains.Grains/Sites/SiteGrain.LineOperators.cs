namespace SessionGrains.Grains.Sites;

/// <summary>
/// What operators see of the waiting line and decide on it: the head of the line, <b>remove</b> (a ticket leaves the
/// line by their decision) and <b>admit next</b> (a seat is held for the next ticket now, even on a full site). Both
/// go through <see cref="WriteAsync"/>, so the change is stored before it is acknowledged.
/// </summary>
public sealed partial class SiteGrain
{
    public async Task<LinePage> GetLineAsync(int limit)
    {
        EnsureValidSiteId();
        if (limit is < 1 or > LinePage.MaxSize)
        {
            throw new InvalidRequestException("limit", $"A page holds 1 to {LinePage.MaxSize} tickets.");
        }

        // As the summary does: leases that ran out free their seats, and the line holds them, before anyone looks.
        ExpireLeases(clock.GetUtcNow());
        await WriteAsync();

        // The line keeps its order: the first tickets cost O(page · log n), however long the line.
        var tickets = Line.Head(limit).Select((ticket, i) => Info(ticket, position: i + 1)).ToList();
        return new LinePage { Tickets = tickets, Waiting = Line.Count };
    }

    public async Task<bool> RemoveTicketAsync(SessionId ticketId)
    {
        EnsureValidSiteId();
        var removed = Line.TryGet(ticketId, out var ticket);
        if (removed)
        {
            EndTicket(ticket, TicketEndReason.Removed);
            LogTicketRemoved(SiteId, ticketId);
        }

        // A seat held for it passes on in this write.
        await WriteAsync();
        return removed;
    }

    public async Task<TicketInfo?> AdmitNextAsync()
    {
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);

        // Seats the site would hold anyway go first, so the operator's seat is one more than the line gets by itself.
        ServeLine();
        var held = Line.HoldSeats(1, now + Settings.ClaimTime);
        TicketInfo? admitted = null;
        if (held is [var next])
        {
            admitted = Info(next, Line.PositionOf(next));
            LogAdmittedNext(SiteId, next.Id, Sessions.Counted, Line.SeatsHeld, Settings.Limit);
        }

        await WriteAsync();
        return admitted;
    }

    private static TicketInfo Info(WaitingTicket ticket, int position) => new()
    {
        Position = position,
        TicketId = ticket.Id,
        UserId = ticket.Request.UserId,
        JoinedAt = ticket.JoinedAt,
        LastPolledAt = ticket.LastPolledAt,
        SeatHeldUntil = ticket.SeatHeldUntil,
    };
}
