using SessionGrains.Benchmarks.Harness;
using SessionGrains.Benchmarks.Peers;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// The three operations every contender offers, each set up on fresh sites and returned as the operation the load
/// loops call (with a worker number and a running count). The same operation serves the closed loop (maximum
/// throughput) and the open loop (latency at a fixed rate).
/// </summary>
public sealed class Operations(Sizes sizes)
{
    private static readonly TimeSpan LongIdle = TimeSpan.FromMinutes(30);
    private static int _round;

    /// <summary>
    /// Admission decisions with one hot site already full and <see cref="Sizes.HalfFullSites"/> sites half full:
    /// nine requests in ten ask the hot site for a seat (refused); the tenth asks a half-full site (admitted, and
    /// signed out at once, so it stays half full). Each counts as one decision; the sign-out is extra work.
    /// </summary>
    public async Task<Func<int, long, ValueTask>> AdmissionsAsync(ISessionLimiter limiter)
    {
        var round = Interlocked.Increment(ref _round);
        var hot = $"hot-{round}";
        await limiter.CreateSiteAsync(hot, sizes.HotSiteLimit, LongIdle, sizes.HotSiteLimit);
        var halfFull = Enumerable.Range(0, sizes.HalfFullSites).Select(i => $"half-{round}-{i}").ToArray();
        foreach (var site in halfFull)
        {
            await limiter.CreateSiteAsync(site, sizes.HalfFullLimit, LongIdle, sizes.HalfFullLimit / 2);
        }

        return async (worker, n) =>
        {
            if (n % 10 != 9)
            {
                if (await limiter.OpenAsync(hot, Workload.UserId(n)) is not null)
                {
                    throw new InvalidOperationException($"{limiter.Name} admitted a session to a full site.");
                }

                return;
            }

            var site = halfFull[(int)((worker + (n * 7)) % halfFull.Length)];
            var admitted = await limiter.OpenAsync(site, Workload.UserId(n))
                ?? throw new InvalidOperationException($"{limiter.Name} refused a session on a half-full site.");
            await limiter.EndAsync(site, admitted);
        };
    }

    /// <summary>Refusals alone: every request asks one site that is already full (<see cref="Sizes.HotSiteLimit"/> sessions).</summary>
    public async Task<Func<int, long, ValueTask>> RefusalsAsync(ISessionLimiter limiter)
    {
        var hot = $"full-{Interlocked.Increment(ref _round)}";
        await limiter.CreateSiteAsync(hot, sizes.HotSiteLimit, LongIdle, sizes.HotSiteLimit);
        return async (worker, n) =>
        {
            if (await limiter.OpenAsync(hot, Workload.UserId(n)) is not null)
            {
                throw new InvalidOperationException($"{limiter.Name} admitted a session to a full site.");
            }
        };
    }

    /// <summary>New sessions spread over <paramref name="sites"/> fresh sites with room for all of them.</summary>
    public static async Task<Func<int, long, ValueTask>> NewSessionsAsync(ISessionLimiter limiter, int sites)
    {
        var round = Interlocked.Increment(ref _round);
        string[] fresh = [.. Enumerable.Range(0, sites).Select(i => $"new-{round}-{i}")];
        foreach (var site in fresh)
        {
            await limiter.CreateSiteAsync(site, 10_000_000, LongIdle, 0);
        }

        return async (worker, n) =>
        {
            var site = fresh[(int)((worker + (n * 7)) % fresh.Length)];
            if (await limiter.OpenAsync(site, Workload.UserId(n)) is null)
            {
                throw new InvalidOperationException($"{limiter.Name} refused a session on a site with room.");
            }
        };
    }

    /// <summary>Touches on live sessions picked across <see cref="Sizes.TouchSites"/> sites.</summary>
    public async Task<Func<int, long, ValueTask>> TouchesAsync(ISessionLimiter limiter)
    {
        var round = Interlocked.Increment(ref _round);
        var all = new List<(string Site, string Session)>();
        for (var i = 0; i < sizes.TouchSites; i++)
        {
            var site = $"touch-{round}-{i}";
            foreach (var session in await limiter.CreateSiteAsync(site, sizes.SessionsPerTouchSite, LongIdle, sizes.SessionsPerTouchSite))
            {
                all.Add((site, session));
            }
        }

        var sessions = all.ToArray();
        return (worker, n) =>
        {
            var (site, session) = sessions[(int)(((worker * 7919L) + (n * 104729L)) % sessions.Length)];
            return limiter.TouchAsync(site, session);
        };
    }

    /// <summary>
    /// Sign-ins to one site holding <paramref name="sessions"/> sessions, full, whose policy ends its idlest session to
    /// admit a newcomer: every sign-in is admitted and evicts one, so the site stays full from run to run.
    /// </summary>
    public static async Task<Func<int, long, ValueTask>> EvictionsAsync(ISessionLimiter limiter, IGrainFactory grains, int sessions)
    {
        var site = $"evicting-{Interlocked.Increment(ref _round)}";
        await limiter.CreateSiteAsync(site, sessions, LongIdle, sessions);
        await grains.GetSiteGrain(site).UpdateSettingsAsync(new SiteSettingsUpdate { OnFull = FullSitePolicy.EvictIdlest });
        return async (worker, n) =>
        {
            if (await limiter.OpenAsync(site, Workload.UserId(n)) is null)
            {
                throw new InvalidOperationException($"{limiter.Name} refused a session on a full site that evicts.");
            }
        };
    }

    /// <summary>Maximum throughput of an operation set up afresh before the warm-up and before every run.</summary>
    public async Task<IReadOnlyList<double>> MeasureAsync(Func<Task<Func<int, long, ValueTask>>> setUp)
    {
        await ClosedLoop.RunAsync(sizes.Workers, sizes.WarmUp, await setUp());
        var runs = new List<double>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            runs.Add(await ClosedLoop.RunAsync(sizes.Workers, sizes.RunLength, await setUp()));
        }

        return runs;
    }
}
