namespace SessionGrains;

/// <summary>One ticket of a site's waiting line as its site sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketInfo
{
    /// <summary>1 is the head.</summary>
    [Id(0)]
    public required int Position { get; init; }

    [Id(1)]
    public required SessionId TicketId { get; init; }

    [Id(2)]
    public required string UserId { get; init; }

    [Id(3)]
    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>When the ticket was last asked about (since the site's last restart: asking is not stored).</summary>
    [Id(4)]
    public required DateTimeOffset LastPolledAt { get; init; }

    /// <summary>Set while a seat is held for the ticket: it must be claimed by then.</summary>
    [Id(5)]
    public DateTimeOffset? SeatHeldUntil { get; init; }
}
