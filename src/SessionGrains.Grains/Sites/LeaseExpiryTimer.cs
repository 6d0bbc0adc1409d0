namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's timer at its earliest lease end, so a runaway lease (its session's grain is gone or late) ends on time
/// even if nobody calls the site. It dies with the site's silo; <see cref="BackstopReminder"/> covers that.
/// </summary>
internal sealed class LeaseExpiryTimer(IGrainBase site, Func<DateTimeOffset?> nextExpiry, Func<CancellationToken, Task> onExpiring)
{
    private readonly IGrainTimer _timer = site.RegisterGrainTimer(
        onExpiring,
        new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });

    /// <summary>Sets the timer to the earliest lease end now; at once if one already ran out, off if none is held.</summary>
    public void Schedule(DateTimeOffset now)
    {
        var due = nextExpiry() is { } at ? (at > now ? at - now : TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }
}
