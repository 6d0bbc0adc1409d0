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
