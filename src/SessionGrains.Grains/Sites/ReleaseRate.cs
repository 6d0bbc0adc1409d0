namespace SessionGrains.Grains.Sites;

/// <summary>
/// How fast a site's seats free up, for the waiting line's estimate: an exponentially weighted mean of the time between
/// seat releases and of its spread, each new interval weighing <see cref="Weight"/>. The wait for position p is about
/// p mean intervals less the time since the last release, give or take √p spreads (the sum of p intervals spreads by
/// √p). Until
/// <see cref="MinimumReleases"/> releases were seen there is no estimate; and while no seat has freed for longer than
/// the mean, that silence counts as the mean, so the estimate grows instead of promising what is not happening.
/// </summary>
internal sealed class ReleaseRate
{
    public const double Weight = 0.2;
    public const int MinimumReleases = 3;

    private DateTimeOffset? _lastRelease;
    private double _meanSeconds;
    private double _varianceSeconds;
    private int _intervals;

    public void Released(DateTimeOffset at)
    {
        if (_lastRelease is { } last && at >= last)
        {
            var interval = (at - last).TotalSeconds;
            if (_intervals == 0)
            {
                _meanSeconds = interval;
            }
            else
            {
                var deviation = interval - _meanSeconds;
                _meanSeconds += Weight * deviation;
                _varianceSeconds = (1 - Weight) * (_varianceSeconds + (Weight * deviation * deviation));
            }

            _intervals++;
        }

        _lastRelease = at;
    }

    /// <summary>The likely wait for the ticket at <paramref name="position"/>, as a range; null when there is too little history.</summary>
    public WaitEstimate? Estimate(int position, DateTimeOffset now)
    {
        if (_intervals < MinimumReleases - 1 || _lastRelease is not { } last)
        {
            return null;
        }

        // Time since the last release is progress toward the next one, up to a mean interval; a silence longer than
        // that stretches the mean itself.
        var silent = (now - last).TotalSeconds;
        var mean = Math.Max(_meanSeconds, silent);
        var expected = Math.Max(0, (position * mean) - Math.Min(silent, _meanSeconds));
        var spread = Math.Sqrt(position * _varianceSeconds);
        return new WaitEstimate(TimeSpan.FromSeconds(Math.Max(0, expected - spread)), TimeSpan.FromSeconds(expected + spread));
    }
}

/// <summary>A wait from <paramref name="Shortest"/> to <paramref name="Longest"/>, as likely as the recent past makes it.</summary>
internal readonly record struct WaitEstimate(TimeSpan Shortest, TimeSpan Longest)
{
    public TimeSpan Middle => (Shortest + Longest) / 2;
}
