using SessionGrains.Grains.Sites;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// The distinct users' sketch keeps its promise: near exact for small days, within three standard errors (1.6% each)
/// for large ones, and a merge estimates the union, not the sum. The hash is fixed, so these figures are reproducible.
/// </summary>
public sealed class UsageSketchTests
{
    private const double ThreeStandardErrors = 3 * 1.04 / 64;

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void A_small_day_is_counted_near_exactly(int users)
    {
        var sketch = Sketch(0, users);

        Assert.InRange(UserSketch.Estimate(sketch), users - Math.Max(1, users / 100), users + Math.Max(1, users / 100));
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(50_000)]
    [InlineData(500_000)]
    public void A_large_day_is_estimated_within_three_standard_errors(int users)
    {
        var estimate = UserSketch.Estimate(Sketch(0, users));

        Assert.InRange(Math.Abs(estimate - users) / (double)users, 0, ThreeStandardErrors);
    }

    [Fact]
    public void A_month_merges_its_days_into_their_union()
    {
        // Thirty days of 2,000 users each, overlapping by half from one day to the next: 31,000 distinct users.
        var month = UserSketch.Empty();
        for (var day = 0; day < 30; day++)
        {
            UserSketch.Merge(month, Sketch(day * 1_000, 2_000));
        }

        Assert.InRange(Math.Abs(UserSketch.Estimate(month) - 31_000) / 31_000.0, 0, ThreeStandardErrors);
    }

    [Fact]
    public void A_user_seen_again_changes_nothing()
    {
        var sketch = Sketch(0, 50);

        Assert.False(UserSketch.Add(sketch, "user-7"));
        Assert.Equal(UserSketch.Estimate(Sketch(0, 50)), UserSketch.Estimate(sketch));
    }

    [Fact]
    public void Wait_quantiles_are_the_upper_edges_of_their_buckets()
    {
        var waits = WaitHistogram.Empty();
        Assert.Null(WaitHistogram.Quantile(waits, 0.5));
        foreach (var seconds in new[] { 3, 4, 12, 25, 40, 100, 100, 100, 200, 9_000 })
        {
            WaitHistogram.Add(waits, TimeSpan.FromSeconds(seconds));
        }

        Assert.Equal(TimeSpan.FromSeconds(45), WaitHistogram.Quantile(waits, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(7_200), WaitHistogram.Quantile(waits, 0.95));
        Assert.Equal(TimeSpan.FromSeconds(5), WaitHistogram.Quantile(waits, 0.1));
    }

    private static byte[] Sketch(int first, int count)
    {
        var sketch = UserSketch.Empty();
        for (var i = first; i < first + count; i++)
        {
            UserSketch.Add(sketch, $"user-{i}");
        }

        return sketch;
    }
}
