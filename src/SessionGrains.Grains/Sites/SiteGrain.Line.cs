using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Telemetry;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's waiting line (<see cref="FullSitePolicy.Queue"/>): newcomers on a full site join its end, every seat
/// that frees is held for the first in line (before each write, so no newcomer can take it first), and the holder
/// claims it by asking again within the site's claim time. A timer a second sends away tickets that lapsed. The line
/// is stored with the site, so a restart keeps its order and held seats; polls are not stored, so after a restart
/// every ticket gets a full timeout to ask again.
/// </summary>
public sealed partial class SiteGrain
{
    /// <summary>Tickets that left the line without their holder's say, remembered so that a late poll learns why.</summary>
    private const int EndedTicketsKept = 10_000;

    private readonly ReleaseRate _releases = new();
    private readonly Dictionary<SessionId, TicketEndReason> _endedTickets = [];
    private readonly Queue<SessionId> _endedTicketOrder = new();
    private IGrainTimer? _lineTimer;

    public async Task<TicketAnswer> PollTicketAsync(SessionId ticketId)
    {
        EnsureValidSiteId();
        var now = clock.GetUtcNow();
        ExpireLeases(now);
        if (!Line.TryGet(ticketId, out var ticket))
        {
            await WriteAsync();
            if (_endedTickets.TryGetValue(ticketId, out var ended))
            {
                return new TicketEnded { Reason = ended };
            }

            // Claimed already (the session has the ticket's id), but the answer may never have reached the user (a
            // database fault after the write): asking again gets the same session, as a retried sign-in does.
            // "Unknown" is said only from state shown to be current, like a session's (SiteGrain.Leases.cs).
            if (!Sessions.TryGet(ticketId, out var claimed))
            {
                await _site.ConfirmCurrentAsync();
                if (!Sessions.TryGet(ticketId, out claimed))
                {
                    return TicketUnknown.Instance;
                }
            }

            return new TicketAdmitted { Session = SiteAnswers.Admitted(claimed, Sessions.Counted, Settings) };
        }

        if (ticket.SeatHeldUntil is { } heldUntil)
        {
            if (heldUntil <= now)
            {
                EndTicket(ticket, TicketEndReason.ClaimExpired);
                await WriteAsync();
                return new TicketEnded { Reason = TicketEndReason.ClaimExpired };
            }

            var admitted = ClaimSeat(ticket, now);
            await WriteAsync();
            return new TicketAdmitted { Session = admitted };
        }

        WaitingLine.Polled(ticket, now);
        await WriteAsync();
        return Waiting(ticket, now);
    }

    public async Task<bool> LeaveLineAsync(SessionId ticketId)
    {
        EnsureValidSiteId();
        var left = Line.Leave(ticketId);
        if (left)
        {
            _pendingMetrics.Line("left");
            Usage.Left(clock.GetUtcNow());
        }

        await WriteAsync();
        return left;
    }

    /// <summary>
    /// A newcomer's ticket: the one they hold already (a user waits once: asking again is polling, and claims a seat held
    /// for it), or a new one at the end of the line.
    /// </summary>
    private OpenSessionResult JoinLine(OpenSessionRequest request, DateTimeOffset now)
    {
        if (Line.OfUser(request.UserId) is { SeatHeldUntil: { } heldUntil } holder && heldUntil > now)
        {
            return ClaimSeat(holder, now);
        }

        var ticket = Line.OfUser(request.UserId);
        if (ticket is null)
        {
            ticket = Line.Join(SessionId.New(), request with { Resumes = null }, now);
            _pendingMetrics.Line("joined");
            Usage.Joined(now);
        }

        WaitingLine.Polled(ticket, now);
        KeepLineMoving();
        return new SessionQueued { Ticket = Waiting(ticket, now) };
    }

    /// <summary>The seat held for <paramref name="ticket"/> becomes its session, with the ticket's id, exactly as an admission.</summary>
    private SessionAdmitted ClaimSeat(WaitingTicket ticket, DateTimeOffset now)
    {
        var settings = Settings;
        Line.Leave(ticket.Id);
        var session = LiveSession.Admit(ticket.Request, exempt: false, now, settings.IdleTimeout, ticket.Id);
        Sessions.Add(session);
        _pendingMetrics.Admitted(exempt: false);
        _pendingMetrics.Line("admitted");
        Usage.Admitted(now, now - ticket.JoinedAt);
        Usage.Started(now, ticket.Request.UserId);
        LogAdmitted(SiteId, session.SessionId, session.Exempt, Sessions.Counted, settings.Limit);
        return SiteAnswers.Admitted(session, Sessions.Counted, settings);
    }

    private TicketWaiting Waiting(WaitingTicket ticket, DateTimeOffset now)
    {
        var settings = Settings;
        var position = Line.PositionOf(ticket);

        // Those ahead with a seat held need no seat to free: the wait is for the rest.
        var estimate = _releases.Estimate(Math.Max(1, position - Line.SeatsHeld), now);
        var pollAfter = Min(settings.TicketTimeout / 4, settings.ClaimTime / 2);
        return new TicketWaiting
        {
            TicketId = ticket.Id,
            Position = position,
            ShortestWait = estimate?.Shortest,
            LongestWait = estimate?.Longest,
            PollAfter = pollAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : pollAfter,
        };
    }

    /// <summary>
    /// Holds every free seat for the next in line, or sends the line away if the site closed. Runs before every write,
    /// in the turn that freed the seat, so a newcomer deciding after it finds the seat taken.
    /// </summary>
    private void ServeLine()
    {
        if (Line.Count == 0)
        {
            return;
        }

        var settings = Settings;
        var now = clock.GetUtcNow();
        if (settings.Limit == SiteSettings.Closed)
        {
            foreach (var ticket in Line.InOrder().ToList())
            {
                EndTicket(ticket, TicketEndReason.SiteClosed);
            }

            return;
        }

        var free = settings.Limit == SiteSettings.Unlimited ? Line.Count : settings.Limit - Sessions.Counted - Line.SeatsHeld;
        if (free > 0)
        {
            Line.HoldSeats(free, now + settings.ClaimTime);
        }
    }

    /// <summary>Every write of the site goes through here: the line takes the seats freed since the last one first.</summary>
    private Task WriteAsync()
    {
        ServeLine();
        return _site.WriteAsync();
    }

    private void EndTicket(WaitingTicket ticket, TicketEndReason reason)
    {
        if (!Line.Leave(ticket.Id))
        {
            return;
        }

        if (_endedTicketOrder.Count >= EndedTicketsKept && _endedTicketOrder.TryDequeue(out var oldest))
        {
            _endedTickets.Remove(oldest);
        }

        if (reason is TicketEndReason.TicketExpired or TicketEndReason.ClaimExpired)
        {
            Usage.Expired(clock.GetUtcNow());
        }
        else
        {
            Usage.Left(clock.GetUtcNow());
        }

        _endedTickets[ticket.Id] = reason;
        _pendingMetrics.Line(SiteMetrics.Snake(reason.ToString()));
        _endedTicketOrder.Enqueue(ticket.Id);
        LogTicketEnded(SiteId, ticket.Id, reason);
    }

    /// <summary>While the line holds tickets, a timer a second sends away those that lapsed; it stops when the line is empty.</summary>
    private void KeepLineMoving()
    {
        if (Line.Count > 0 && _lineTimer is null)
        {
            _lineTimer = this.RegisterGrainTimer(OnLineTimerAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });
        }
    }

    private async Task OnLineTimerAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var (ticket, reason) in Line.Lapsed(now, Settings.TicketTimeout))
        {
            EndTicket(ticket, reason);
        }

        ExpireLeases(now);
        try
        {
            await WriteAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Already logged; the next tick tries again.
            return;
        }

        if (Line.Count == 0)
        {
            _lineTimer?.Dispose();
            _lineTimer = null;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
