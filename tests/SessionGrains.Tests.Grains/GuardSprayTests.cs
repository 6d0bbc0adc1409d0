using System.Diagnostics;
using SessionGrains.Grains.Guard;
using SessionGrains.Persistence;
using Xunit.Abstractions;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A site under a spray of a million distinct addresses, one failure each: the guard keeps a bounded number of them,
/// its memory stays within a bound, and a client that keeps failing is still blocked.
/// </summary>
public sealed class GuardSprayTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Addresses = 1_000_000;

    // The bound of 262,144 addresses at about 100 bytes each is 25 MiB; the rest is slack for the runtime's own growth.
    private const long MemoryBound = 64L * 1024 * 1024;

    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(StorageKind.Sqlite);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_million_addresses_fill_the_guard_to_its_bound_and_no_further()
    {
        var siteId = Sites.NewId();
        await _silo.Grains.GetSiteGrain(siteId).UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 5 });
        var guard = _silo.Grains.GetSignInGuard(siteId);
        await guard.GetTrackingAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();

        await Parallel.ForAsync(0, Addresses, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await guard.ReportAsync(new SignInAttempt { ClientIp = AddressOf(i), UserId = $"user-{i % 1000}" }, succeeded: false));

        var elapsed = Stopwatch.GetElapsedTime(started);
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        var tracking = await guard.GetTrackingAsync();
        Measurements.Report(output, $"Guard spray: {Addresses:N0} addresses, one failure each, in {elapsed.TotalSeconds:F1} s in-process; {tracking.Addresses:N0} tracked (the bound), heap +{grown / (1024.0 * 1024):F1} MiB, {grown / Math.Max(1, tracking.Addresses + tracking.Users)} bytes per tracked address or user.");
        Assert.Equal(GuardShards.CapacityPerSite, tracking.Addresses, tolerance: GuardShards.CapacityPerSite / 100);
        Assert.Equal(1000, tracking.Users);
        Assert.True(grown < MemoryBound, $"The guard grew the heap by {grown / (1024 * 1024)} MiB for {tracking.Addresses} addresses.");

        // A client that keeps trying after the spray is counted and blocked as ever.
        for (var i = 0; i < 4; i++)
        {
            await guard.ReportAsync(new SignInAttempt { ClientIp = "192.0.2.200", UserId = "ann" }, succeeded: false);
        }

        Assert.IsType<SignInBlocked>(await guard.CheckAsync(new SignInAttempt { ClientIp = "192.0.2.200", UserId = "ann" }));
    }

    private static string AddressOf(int i) => $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
}
