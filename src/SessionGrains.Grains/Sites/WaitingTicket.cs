namespace SessionGrains.Grains.Sites;

/// <summary>
/// One user waiting in a full site's line: what they asked for, where they stand (<see cref="Sequence"/>, the order they
/// joined in), when they last asked again, and, once a seat is held for them, until when. Stored with the site, one
/// record per ticket, so a write carries only the tickets that changed.
/// </summary>
[GenerateSerializer]
public sealed record WaitingTicket
{
    /// <summary>Unguessable; the session's id too once the ticket is admitted.</summary>
    [Id(0)]
    public required SessionId Id { get; init; }

    /// <summary>The sign-in that joined the line, admitted as it is when the seat is claimed.</summary>
    [Id(1)]
    public required OpenSessionRequest Request { get; init; }

    /// <summary>The order of joining: lower is earlier.</summary>
    [Id(2)]
    public required long Sequence { get; init; }

    [Id(3)]
    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>A ticket not asked about for the site's ticket timeout leaves the line.</summary>
    [Id(4)]
    public required DateTimeOffset LastPolledAt { get; set; }

    /// <summary>Set while a freed seat is held for this ticket: the seat passes on if not claimed by then.</summary>
    [Id(5)]
    public DateTimeOffset? SeatHeldUntil { get; set; }
}
