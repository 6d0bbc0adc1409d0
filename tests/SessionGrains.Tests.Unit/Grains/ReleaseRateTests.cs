using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Unit.Grains;

/// <summary>The waiting line's estimate: from the recent rate of seat releases, honest about silence and about no history.</summary>
public sealed class ReleaseRateTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_enough_history_there_is_no_estimate()
    {
        var rate = new ReleaseRate();
        Assert.Null(rate.Estimate(1, Start));
        rate.Released(Start);
        rate.Released(Start.AddSeconds(30));
        Assert.Null(rate.Estimate(1, Start.AddSeconds(30)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    public void On_a_steady_departure_rate_the_estimate_is_within_a_fifth_of_the_actual_wait(double jitter)
    {
        // One seat frees every 30 s, each interval up to `jitter` off; the ticket at position 10 waits for ten releases.
        var random = new Random(7);
        var rate = new ReleaseRate();
        var now = Start;
        for (var i = 0; i < 40; i++)
        {
            now += Interval(random, jitter);
            rate.Released(now);
        }

        var asked = now + TimeSpan.FromSeconds(12);
        var estimate = rate.Estimate(10, asked)!.Value;
        var seated = now;
        for (var i = 0; i < 10; i++)
        {
            seated += Interval(random, jitter);
        }

        var actual = seated - asked;
        Assert.InRange(estimate.Middle.TotalSeconds, actual.TotalSeconds * 0.8, actual.TotalSeconds * 1.2);
        Assert.True(estimate.Shortest <= estimate.Longest);
    }

    [Fact]
    public void A_long_silence_makes_the_estimate_grow()
    {
        var rate = new ReleaseRate();
        for (var i = 0; i <= 5; i++)
        {
            rate.Released(Start.AddSeconds(30 * i));
        }

        var soon = rate.Estimate(3, Start.AddSeconds(160))!.Value;
        var silent = rate.Estimate(3, Start.AddSeconds(150 + 600))!.Value;

        Assert.True(silent.Middle > soon.Middle * 10, $"{silent.Middle} after ten silent minutes, {soon.Middle} before.");
    }

    private static TimeSpan Interval(Random random, double jitter) =>
        TimeSpan.FromSeconds(30 * (1 + (jitter * ((random.NextDouble() * 2) - 1))));
}
