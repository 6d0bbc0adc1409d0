namespace SessionGrains.Grains.Sessions;

/// <summary>When a session grain renews its lease with its site.</summary>
internal static class LeaseRenewal
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long before its lease runs out a session renews it. A quarter of the idle timeout, at most a minute:
    /// a steadily active session renews about once per idle timeout, and a late timer still has room.
    /// </summary>
    public static TimeSpan Margin(TimeSpan idleTimeout)
    {
        var quarter = idleTimeout / 4;
        return quarter < MaxMargin ? quarter : MaxMargin;
    }
}
