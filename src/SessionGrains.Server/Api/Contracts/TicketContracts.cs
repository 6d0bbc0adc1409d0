using System.Text.Json.Serialization;

namespace SessionGrains.Server.Api.Contracts;

/// <summary>A ticket in a full site's waiting line: where it stands and when to ask again (<c>Retry-After</c> says the same).</summary>
public sealed record TicketView
{
    /// <summary>Ask again at <c>GET /api/sites/{siteId}/tickets/{ticketId}</c>; it becomes the session's id once admitted.</summary>
    public required string TicketId { get; init; }

    /// <summary>1 is next.</summary>
    public required int Position { get; init; }

    public required int Ahead { get; init; }

    /// <summary>The likely wait, from the recent rate at which seats freed; null while there is too little history.</summary>
    public int? ShortestWaitSeconds { get; init; }

    public int? LongestWaitSeconds { get; init; }

    /// <summary>When to ask again: often enough to claim a seat in time and to keep the ticket.</summary>
    public required int PollAfterSeconds { get; init; }

    public static TicketView From(TicketWaiting ticket) => new()
    {
        TicketId = ticket.TicketId.ToString(),
        Position = ticket.Position,
        Ahead = ticket.Ahead,
        ShortestWaitSeconds = ticket.ShortestWait is { } shortest ? (int)shortest.TotalSeconds : null,
        LongestWaitSeconds = ticket.LongestWait is { } longest ? (int)Math.Ceiling(longest.TotalSeconds) : null,
        PollAfterSeconds = (int)Math.Ceiling(ticket.PollAfter.TotalSeconds),
    };
}

/// <summary><c>GET /api/sites/{siteId}/tickets</c>: the waiting line from its head, and how many wait in all.</summary>
public sealed record LinePageView
{
    [JsonRequired]
    public IReadOnlyList<LineTicketView> Tickets { get; init; } = [];

    /// <summary>Every ticket in the line, listed or not.</summary>
    public required int Waiting { get; init; }

    public static LinePageView From(LinePage page) => new()
    {
        Tickets = [.. page.Tickets.Select(LineTicketView.From)],
        Waiting = page.Waiting,
    };
}

/// <summary>One ticket of the waiting line, as operators see it.</summary>
public sealed record LineTicketView
{
    /// <summary>1 is the head.</summary>
    public required int Position { get; init; }

    public required string TicketId { get; init; }

    public required string UserId { get; init; }

    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>When the ticket was last asked about (since the site's last restart).</summary>
    public required DateTimeOffset LastPolledAt { get; init; }

    /// <summary>Set while a seat is held for the ticket: it must be claimed by then.</summary>
    public DateTimeOffset? SeatHeldUntil { get; init; }

    public static LineTicketView From(TicketInfo ticket) => new()
    {
        Position = ticket.Position,
        TicketId = ticket.TicketId.ToString(),
        UserId = ticket.UserId,
        JoinedAt = ticket.JoinedAt,
        LastPolledAt = ticket.LastPolledAt,
        SeatHeldUntil = ticket.SeatHeldUntil,
    };
}
