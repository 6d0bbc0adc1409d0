namespace SessionGrains;

/// <summary>
/// A newcomer on a full site whose policy is <see cref="FullSitePolicy.Queue"/>: not a seat yet, a ticket in the
/// site's waiting line. Ask again with <see cref="ISiteGrain.PollTicketAsync"/> before <see cref="TicketWaiting.PollAfter"/>
/// has passed a few times over, or the ticket times out.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionQueued : OpenSessionResult
{
    [Id(0)]
    public required TicketWaiting Ticket { get; init; }
}

/// <summary>The answer to <see cref="ISiteGrain.PollTicketAsync"/>.</summary>
[GenerateSerializer, Immutable]
public abstract record TicketAnswer;

/// <summary>Still in the line.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketWaiting : TicketAnswer
{
    /// <summary>Unguessable; it becomes the session's id once the ticket is admitted.</summary>
    [Id(0)]
    public required SessionId TicketId { get; init; }

    /// <summary>1 is next.</summary>
    [Id(1)]
    public required int Position { get; init; }

    /// <summary>The likely wait, as a range from the recent rate at which seats freed; null while there is too little history.</summary>
    [Id(2)]
    public TimeSpan? ShortestWait { get; init; }

    [Id(3)]
    public TimeSpan? LongestWait { get; init; }

    /// <summary>When to ask again: often enough to claim a seat in time and to keep the ticket.</summary>
    [Id(4)]
    public required TimeSpan PollAfter { get; init; }

    public int Ahead => Position - 1;
}

/// <summary>A seat was held for the ticket and is now its session, exactly as an admission.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketAdmitted : TicketAnswer
{
    [Id(0)]
    public required SessionAdmitted Session { get; init; }
}

/// <summary>The ticket left the line without its holder's say.</summary>
[GenerateSerializer, Immutable]
public sealed record TicketEnded : TicketAnswer
{
    [Id(0)]
    public required TicketEndReason Reason { get; init; }
}

/// <summary>No such ticket on this site (never given, withdrawn, or ended too long ago to remember).</summary>
[GenerateSerializer, Immutable]
public sealed record TicketUnknown : TicketAnswer
{
    public static TicketUnknown Instance { get; } = new();
}
