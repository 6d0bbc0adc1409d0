namespace SessionGrains.Grains.Guard;

/// <summary>One tracked address or user: its failures in the current window, and its block. Times are UTC ticks.</summary>
internal struct GuardEntry
{
    public int Failures;
    public long WindowStart;
    public long BlockedUntil;

    /// <summary>When the entry came in, for evicting the oldest first (<see cref="GuardTable{TKey}"/>).</summary>
    public long Sequence;
}

/// <summary>
/// The guard's counting rules, one address or user at a time. A window starts at a failure and lasts the site's window;
/// the failures in it add up, and the one that reaches the limit blocks (and the count starts afresh, so after the block
/// the next failures are counted anew). A success forgets everything (<see cref="GuardTable{TKey}.Remove"/>).
/// </summary>
internal static class GuardRules
{
    /// <summary>The end of the block in force, or null. An attempt while blocked restarts the block when <paramref name="extend"/>.</summary>
    public static long? Check(ref GuardEntry entry, long now, TimeSpan block, bool extend)
    {
        if (entry.BlockedUntil <= now)
        {
            return null;
        }

        if (extend)
        {
            entry.BlockedUntil = now + block.Ticks;
        }

        return entry.BlockedUntil;
    }

    /// <summary>Counts a failure; true when it blocked (or, while blocked, restarted the block).</summary>
    public static bool Fail(ref GuardEntry entry, long now, int maxFailures, TimeSpan block, TimeSpan window, bool extend)
    {
        if (entry.BlockedUntil > now)
        {
            // Reported although the check said blocked: an attempt like any other while blocked.
            if (extend)
            {
                entry.BlockedUntil = now + block.Ticks;
            }

            return extend;
        }

        if (entry.Failures == 0 || now - entry.WindowStart >= window.Ticks)
        {
            entry.Failures = 0;
            entry.WindowStart = now;
        }

        entry.Failures++;
        if (entry.Failures < maxFailures)
        {
            return false;
        }

        entry.BlockedUntil = now + block.Ticks;
        entry.Failures = 0;
        return true;
    }

    /// <summary>Whether the entry still says anything: a block in force, or failures within their window.</summary>
    public static bool IsLive(in GuardEntry entry, long now, TimeSpan window) =>
        entry.BlockedUntil > now || (entry.Failures > 0 && now - entry.WindowStart < window.Ticks);
}
