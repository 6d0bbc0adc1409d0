using System.Diagnostics;

namespace SessionGrains.Benchmarks.Harness;

/// <summary>Latency at a fixed offered rate, measured from each request's scheduled start (so a stall counts in full).</summary>
public static class OpenLoop
{
    public sealed record Result(double OfferedPerSecond, double AchievedPerSecond, double P50Milliseconds, double P99Milliseconds, long Errors);

    /// <summary>Starts <paramref name="operation"/> <paramref name="perSecond"/> times a second for <paramref name="duration"/>.</summary>
    public static async Task<Result> RunAsync(double perSecond, TimeSpan duration, Func<long, ValueTask> operation)
    {
        var total = (long)(perSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var tasks = new List<Task>((int)Math.Min(total, 1_000_000));
        long errors = 0;
        var stopwatch = Stopwatch.StartNew();
        var interval = 1.0 / perSecond;
        for (long i = 0; i < total; i++)
        {
            var scheduled = i * interval;
            var wait = scheduled - stopwatch.Elapsed.TotalSeconds;
            if (wait > 0.002)
            {
                // Timer resolution is about a millisecond: requests due within it go out together, on time.
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }

            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await operation(index);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[index] = (stopwatch.Elapsed.TotalSeconds - scheduled) * 1000;
            }));
        }

        await Task.WhenAll(tasks);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new Result(perSecond, total / elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99), errors);
    }

    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
