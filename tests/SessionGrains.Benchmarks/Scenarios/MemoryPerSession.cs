using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Benchmarks.Infrastructure;
using SessionGrains.Benchmarks.Peers;
using SessionGrains.Grains.Sessions;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// Managed heap per live session: a fresh co-hosted silo, its live heap after a full collection, then again once the
/// sessions are live. In use, each was touched once, so it has its grain and idle alarm beside its seat in its site;
/// untouched, a session is its seat and lease alone.
/// </summary>
public static class MemoryPerSession
{
    private const int Sites = 100;

    public static async Task<double> MeasureAsync(int sessions, bool touched)
    {
        await using var silo = await CoHostedSilo.StartOnSqliteAsync();
        var local = silo.Services.GetRequiredService<LocalSessions>();

        // Everything that exists once per silo or per site (code, caches, the sites themselves) is in the baseline.
        var perSite = sessions / Sites;
        for (var i = 0; i < Sites; i++)
        {
            await silo.Grains.GetSiteGrain($"mem-{i}").UpdateSettingsAsync(new SiteSettingsUpdate { Limit = perSite, IdleTimeout = TimeSpan.FromHours(1) });
        }

        await OpenAsync(silo.Grains, Sites, 1, 0, touched);
        await WaitForAsync(() => local.Count == (touched ? Sites : 0));
        var before = LiveHeap();

        await OpenAsync(silo.Grains, Sites, perSite - 1, Sites, touched);
        await WaitForAsync(() => local.Count == (touched ? Sites * perSite : 0));
        var after = LiveHeap();
        return (after - before) / (double)(Sites * (perSite - 1));
    }

    private static async Task OpenAsync(IGrainFactory grains, int sites, int perSite, long firstUser, bool touched)
    {
        await Parallel.ForAsync(0L, (long)sites * perSite, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (n, _) =>
        {
            var siteId = $"mem-{n % sites}";
            if (await grains.GetSiteGrain(siteId).OpenSessionAsync(Workload.Request(firstUser + n)) is not SessionAdmitted admitted)
            {
                throw new InvalidOperationException("A session was refused while filling the memory benchmark's sites.");
            }

            if (touched && await grains.GetSessionGrain(siteId, admitted.SessionId).TouchAsync() is not SessionActive)
            {
                throw new InvalidOperationException("A session just admitted did not answer its touch as active.");
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
