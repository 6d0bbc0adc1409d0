using SessionGrains.Benchmarks.Infrastructure;
using SessionGrains.Benchmarks.Peers;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// The sign-in guard's work: sign-in attempts from a pool of addresses and users, each a check and, when allowed, a
/// report (one in four a failure); and the memory one tracked address costs.
/// </summary>
public sealed class GuardOperations(int addresses, int users)
{
    private static int _round;

    /// <summary>One attempt per call: a check, then (when allowed) the report of how the password check went.</summary>
    public async Task<Func<int, long, ValueTask>> AttemptsAsync(ISignInGuardPeer guard)
    {
        var site = $"guard-{Interlocked.Increment(ref _round)}";
        await guard.CreateSiteAsync(site);
        return async (worker, n) =>
        {
            var i = (n * 1024) + worker;
            var clientIp = AddressOf(i % addresses);
            var userId = $"user-{i % users}";
            if (await guard.CheckAsync(site, clientIp, userId))
            {
                await guard.ReportAsync(site, clientIp, userId, succeeded: n % 4 != 3);
            }
        };
    }

    /// <summary>Managed heap per address a co-hosted silo's guard tracks: one failure from each of <paramref name="tracked"/> addresses.</summary>
    public static async Task<double> GrainBytesPerAddressAsync(int tracked)
    {
        await using var silo = await CoHostedSilo.StartOnSqliteAsync();
        await using var guard = new GrainSignInGuard(silo.Grains, "SessionGrains");
        var site = $"guard-memory-{Interlocked.Increment(ref _round)}";
        await guard.CreateSiteAsync(site);

        // Every shard active and holding one entry before the baseline: only the entries are measured.
        await FailFromAsync(guard, site, 0, 1024);
        var before = LiveHeap();
        await FailFromAsync(guard, site, 1024, tracked);
        var after = LiveHeap();
        return (after - before) / (double)tracked;
    }

    /// <summary>Bytes Redis holds per address its guard tracks: one failure from each of <paramref name="tracked"/> addresses.</summary>
    public static async Task<double> RedisBytesPerAddressAsync(RedisSignInGuard guard, int tracked)
    {
        var site = $"guard-memory-{Interlocked.Increment(ref _round)}";
        var before = await guard.UsedMemoryAsync();
        await FailFromAsync(guard, site, 0, tracked);
        return (await guard.UsedMemoryAsync() - before) / (double)tracked;
    }

    // One user for all: the user's counter is one entry, whatever the count of addresses.
    private static Task FailFromAsync(ISignInGuardPeer guard, string site, int first, int count) =>
        Parallel.ForAsync(first, first + count, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await guard.ReportAsync(site, AddressOf(i), "someone", succeeded: false));

    private static string AddressOf(long i) => $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";

    private static long LiveHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
