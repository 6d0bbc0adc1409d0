using System.Diagnostics;

namespace SessionGrains.Benchmarks.Harness;

/// <summary>
/// Maximum throughput: a fixed number of workers, each starting its next operation as soon as the last one
/// completes, for a fixed time. Every contender is driven at the same concurrency.
/// </summary>
public static class ClosedLoop
{
    /// <summary>Operations per second completed by <paramref name="workers"/> workers over <paramref name="duration"/>.</summary>
    /// <param name="operation">Called with the worker's number and its own running count; must be safe to call concurrently.</param>
    public static async Task<double> RunAsync(int workers, TimeSpan duration, Func<int, long, ValueTask> operation)
    {
        var stopwatch = Stopwatch.StartNew();
        var deadline = duration.Ticks;
        var counts = new long[workers];
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            tasks[w] = Task.Run(async () =>
            {
                long done = 0;
                while (stopwatch.Elapsed.Ticks < deadline)
                {
                    await operation(worker, done);
                    done++;
                }

                counts[worker] = done;
            });
        }

        await Task.WhenAll(tasks);
        return counts.Sum() / stopwatch.Elapsed.TotalSeconds;
    }
}
