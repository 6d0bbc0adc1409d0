namespace SessionGrains;

/// <summary>
/// The head of a site's waiting line for operators (<see cref="ISiteGrain.GetLineAsync"/>): its first tickets in order,
/// and how many wait in all, so a page can say "the first 100 of 10,000" without the site sending the whole line.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LinePage
{
    public const int DefaultSize = 100;
    public const int MaxSize = 1000;

    /// <summary>From the head (position 1) on.</summary>
    [Id(0)]
    public required IReadOnlyList<TicketInfo> Tickets { get; init; }

    /// <summary>Every ticket in the line, listed or not.</summary>
    [Id(1)]
    public required int Waiting { get; init; }
}
