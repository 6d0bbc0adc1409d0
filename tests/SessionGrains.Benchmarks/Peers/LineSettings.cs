namespace SessionGrains.Benchmarks.Peers;

/// <summary>The waiting-line sites' settings, the same for every contender.</summary>
public static class LineSettings
{
    /// <summary>The one seat stays taken for longer than any run: a freed seat would start admitting the head.</summary>
    public static readonly TimeSpan SeatHeld = TimeSpan.FromMinutes(30);

    /// <summary>The longest ticket timeout a site allows (a day): no ticket lapses while the line is measured.</summary>
    public static readonly TimeSpan TicketTimeout = TimeSpan.FromDays(1);
}
