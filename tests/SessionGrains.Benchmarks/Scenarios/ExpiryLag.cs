using System.Diagnostics;
using SessionGrains.Benchmarks.Harness;
using SessionGrains.Benchmarks.Infrastructure;
using SessionGrains.Benchmarks.Peers;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// From idle deadline to free seat, with many sessions going idle together: every session is opened in one burst
/// and never touched, so all of them reach their deadlines within the burst's length. The sites' counts are
/// sampled every few milliseconds; the k-th seat freed is matched with the k-th deadline (both in time order), so
/// each lag is measured to within one sampling interval, never less than it really was.
/// </summary>
public static class ExpiryLag
{
    private const int Sites = 100;
    public static readonly TimeSpan SamplingInterval = TimeSpan.FromMilliseconds(20);

    public sealed record Result(int Sessions, TimeSpan Burst, double P50Milliseconds, double P99Milliseconds, double MaxMilliseconds);

    public static async Task<Result> MeasureAsync(int sessions, TimeSpan idleTimeout)
    {
        await using var silo = await CoHostedSilo.StartOnSqliteAsync();
        var grains = silo.Grains;
        var sites = Enumerable.Range(0, Sites).Select(i => grains.GetSiteGrain($"expiry-{i}")).ToArray();
        foreach (var site in sites)
        {
            await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = sessions, IdleTimeout = idleTimeout });
        }

        var deadlines = new DateTimeOffset[sessions];
        var burst = Stopwatch.StartNew();
        await Parallel.ForAsync(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        {
            var result = await sites[n % Sites].OpenSessionAsync(Workload.Request(n));
            deadlines[n] = result is SessionAdmitted admitted
                ? admitted.IdleExpiresAt
                : throw new InvalidOperationException("A session was refused while filling the expiry benchmark's sites.");
        });
        var burstLength = burst.Elapsed;
        Array.Sort(deadlines);
        if (DateTimeOffset.UtcNow >= deadlines[0])
        {
            throw new InvalidOperationException($"Opening {sessions} sessions took {burstLength}, longer than the idle timeout {idleTimeout}.");
        }

        // Samples: when, and how many seats had been freed by then.
        var freedAt = new List<(DateTimeOffset At, int Freed)>();
        var giveUpAt = deadlines[^1] + TimeSpan.FromMinutes(2);
        var freed = 0;
        while (freed < sessions && DateTimeOffset.UtcNow < giveUpAt)
        {
            await Task.Delay(SamplingInterval);
            var counts = await Task.WhenAll(sites.Select(site => site.GetSummaryAsync()));
            freed = sessions - counts.Sum(c => c.Active);
            freedAt.Add((DateTimeOffset.UtcNow, freed));
        }

        if (freed < sessions)
        {
            throw new TimeoutException($"{sessions - freed} of {sessions} seats were still taken two minutes after the last deadline.");
        }

        var lags = new double[sessions];
        var sample = 0;
        for (var k = 0; k < sessions; k++)
        {
            while (freedAt[sample].Freed < k + 1)
            {
                sample++;
            }

            lags[k] = Math.Max(0, (freedAt[sample].At - deadlines[k]).TotalMilliseconds);
        }

        Array.Sort(lags);
        return new Result(sessions, burstLength, Percentiles.Of(lags, 0.50), Percentiles.Of(lags, 0.99), lags[^1]);
    }
}
