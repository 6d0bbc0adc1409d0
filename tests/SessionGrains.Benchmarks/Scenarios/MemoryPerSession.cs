using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Benchmarks.Infrastructure;
using SessionGrains.Benchmarks.Peers;
using SessionGrains.Grains.Sessions;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// Managed heap per live session: a fresh co-hosted silo, its live heap after a full collection, then again once
/// <paramref name="sessions"/> sessions are live (each with its grain, idle alarm and seat in its site).
/// </summary>
public static class MemoryPerSession
{
    private const int Sites = 100;

    public static async Task<double> MeasureAsync(int sessions)
    {
        await using var silo = await CoHostedSilo.StartOnSqliteAsync();
        var local = silo.Services.GetRequiredService<LocalSessions>();

        // Everything that exists once per silo or per site (code, caches, the sites themselves) is in the baseline.
        var perSite = sessions / Sites;
        for (var i = 0; i < Sites; i++)
        {
            await silo.Grains.GetSiteGrain($"mem-{i}").UpdateSettingsAsync(new SiteSettingsUpdate { Limit = perSite, IdleTimeout = TimeSpan.FromHours(1) });
        }

        await OpenAsync(silo.Grains, Sites, 1, 0);
        await WaitForAsync(() => local.Count == Sites);
        var before = LiveHeap();

        await OpenAsync(silo.Grains, Sites, perSite - 1, Sites);
        await WaitForAsync(() => local.Count == Sites * perSite);
        var after = LiveHeap();
        return (after - before) / (double)(Sites * (perSite - 1));
    }

    private static async Task OpenAsync(IGrainFactory grains, int sites, int perSite, long firstUser)
    {
        await Parallel.ForAsync(0L, (long)sites * perSite, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        {
            var result = await grains.GetSiteGrain($"mem-{n % sites}").OpenSessionAsync(Workload.Request(firstUser + n));
            if (result is not SessionAdmitted)
            {
                throw new InvalidOperationException("A session was refused while filling the memory benchmark's sites.");
            }
        });
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Session grains did not all become live.");
            }

            await Task.Delay(100);
        }
    }

    private static long LiveHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
