namespace SessionGrains.Grains.Sites;

/// <summary>
/// A full site's waiting line in memory: its tickets by id and by user, in the order they joined (<see cref="LineOrder"/>),
/// the seats held for those at its head, and what changed since the last write (<see cref="TakeChanges"/>), so a write
/// carries those tickets alone. Seats are held in order, so the tickets holding one are always the first in line.
/// </summary>
internal sealed class WaitingLine
{
    private readonly Dictionary<SessionId, WaitingTicket> _tickets = [];
    private readonly Dictionary<string, SessionId> _byUser = new(StringComparer.Ordinal);
    private readonly LineOrder _order = new();
    private readonly HashSet<SessionId> _changed = [];
    private readonly HashSet<SessionId> _removed = [];

    /// <summary>
    /// The line as stored. Polls are not stored (they would cost a write each), so every ticket counts as asked about
    /// at <paramref name="now"/>: after a restart each gets its full timeout to ask again.
    /// </summary>
    public WaitingLine(IEnumerable<WaitingTicket> stored, DateTimeOffset now)
    {
        foreach (var ticket in stored)
        {
            ticket.LastPolledAt = now;
            _tickets.Add(ticket.Id, ticket);
            _byUser[ticket.Request.UserId] = ticket.Id;
            _order.Insert(ticket.Sequence, ticket.Id);
            SeatsHeld += ticket.SeatHeldUntil is null ? 0 : 1;
        }
    }

    public int Count => _tickets.Count;

    /// <summary>Seats held for the tickets at the head of the line: taken, for anyone else.</summary>
    public int SeatsHeld { get; private set; }

    public bool HasChanges => _changed.Count > 0 || _removed.Count > 0;

    public bool TryGet(SessionId id, out WaitingTicket ticket) => _tickets.TryGetValue(id, out ticket!);

    /// <summary>The ticket <paramref name="userId"/> holds, if any: a user waits in a site's line once.</summary>
    public WaitingTicket? OfUser(string userId) =>
        _byUser.TryGetValue(userId, out var id) ? _tickets[id] : null;

    /// <summary>Puts a newcomer at the end of the line.</summary>
    public WaitingTicket Join(SessionId id, OpenSessionRequest request, DateTimeOffset now)
    {
        if (_byUser.ContainsKey(request.UserId))
        {
            throw new InvalidOperationException($"User {request.UserId} is in the line already.");
        }

        var ticket = new WaitingTicket
        {
            Id = id,
            Request = request,
            Sequence = _order.NextSequence,
            JoinedAt = now,
            LastPolledAt = now,
        };
        _order.Append(id);
        _tickets.Add(id, ticket);
        _byUser[request.UserId] = id;
        Changed(id);
        return ticket;
    }

    /// <summary>Where <paramref name="ticket"/> stands: 1 is the head. O(log n).</summary>
    public int PositionOf(WaitingTicket ticket) => _order.PositionOf(ticket.Sequence);

    /// <summary>The ticket asked again: it stays in the line for another ticket timeout. Memory only.</summary>
    public static void Polled(WaitingTicket ticket, DateTimeOffset now) => ticket.LastPolledAt = now;

    /// <summary>Holds up to <paramref name="free"/> seats, until <paramref name="until"/>, for the next tickets in line that hold none; returns them.</summary>
    public IReadOnlyList<WaitingTicket> HoldSeats(int free, DateTimeOffset until)
    {
        var held = new List<WaitingTicket>();
        while (held.Count < free && _order.At(SeatsHeld + 1) is { } next)
        {
            var ticket = _tickets[next];
            ticket.SeatHeldUntil = until;
            SeatsHeld++;
            Changed(ticket.Id);
            held.Add(ticket);
        }

        return held;
    }

    /// <summary>Takes a ticket out of the line (admitted, lapsed or withdrawn); false if it was not in it.</summary>
    public bool Leave(SessionId id)
    {
        if (!_tickets.Remove(id, out var ticket))
        {
            return false;
        }

        _order.Remove(ticket.Sequence);
        _byUser.Remove(ticket.Request.UserId);
        SeatsHeld -= ticket.SeatHeldUntil is null ? 0 : 1;
        _changed.Remove(id);
        _removed.Add(id);
        return true;
    }

    /// <summary>
    /// The tickets that lapsed by <paramref name="now"/>: a held seat not claimed in time, or no poll within
    /// <paramref name="ticketTimeout"/>. They stay in the line until <see cref="Leave"/>. A sweep of the whole line,
    /// which the site runs at most about once a second.
    /// </summary>
    public IReadOnlyList<(WaitingTicket Ticket, TicketEndReason Reason)> Lapsed(DateTimeOffset now, TimeSpan ticketTimeout)
    {
        List<(WaitingTicket, TicketEndReason)>? lapsed = null;
        foreach (var ticket in _tickets.Values)
        {
            if (ticket.SeatHeldUntil is { } until && until <= now)
            {
                (lapsed ??= []).Add((ticket, TicketEndReason.ClaimExpired));
            }
            else if (ticket.SeatHeldUntil is null && ticket.LastPolledAt + ticketTimeout <= now)
            {
                (lapsed ??= []).Add((ticket, TicketEndReason.TicketExpired));
            }
        }

        return lapsed ?? [];
    }

    /// <summary>The tickets from the head on.</summary>
    public IEnumerable<WaitingTicket> InOrder() => _order.InOrder().Select(id => _tickets[id]);

    /// <summary>
    /// The first <paramref name="count"/> tickets, from the head: O(count · log n) however many left the head before
    /// them (<see cref="InOrder"/> walks past the places they left until the order is rebuilt).
    /// </summary>
    public IReadOnlyList<WaitingTicket> Head(int count)
    {
        var head = new List<WaitingTicket>(Math.Min(count, Count));
        for (var position = 1; position <= count && _order.At(position) is { } id; position++)
        {
            head.Add(_tickets[id]);
        }

        return head;
    }

    /// <summary>The tickets that joined or changed, and those that left, since the last call; copies, for the write.</summary>
    public (IReadOnlyList<WaitingTicket> Upserts, IReadOnlyList<SessionId> Removals) TakeChanges()
    {
        IReadOnlyList<WaitingTicket> upserts = [.. _changed.Select(id => _tickets[id] with { })];
        IReadOnlyList<SessionId> removals = [.. _removed];
        _changed.Clear();
        _removed.Clear();
        return (upserts, removals);
    }

    private void Changed(SessionId id)
    {
        _changed.Add(id);
        _removed.Remove(id);
    }
}
