using System.Globalization;
using System.Text;
using SessionGrains.Benchmarks.Harness;
using SessionGrains.Benchmarks.Infrastructure;
using SessionGrains.Benchmarks.Peers;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>
/// The HTTP rows: the real server driven by wrk (C), the in-memory Redis semaphore by redis-benchmark (C), at the same
/// connections and threads, so neither figure is bounded by a .NET client sharing the machine's two cores.
/// </summary>
public sealed class HttpLoad(Sizes sizes, Action<string> log)
{
    private const string RedisContender = "Redis sorted-set semaphore (redis-benchmark)";
    private const string FloorContender = "ASP.NET Core alone (the same requests, answered at once)";

    /// <summary>The target for p99 at half the maximum rate.</summary>
    private const double HalfRateP99Milliseconds = 5;
    private static readonly TimeSpan LongIdle = TimeSpan.FromHours(1);

    /// <summary>How wrk's answers must look for a run to count: a run that measured something else fails the benchmark.</summary>
    private enum Expect
    {
        AllSuccessful,
        AllRefused,
        Mixed,
    }

    private int _redisPort;
    private HttpFloor? _floor;

    private int Connections => sizes.Workers;

    public async Task<IReadOnlyList<Figure>> MeasureAsync(RedisProcess redisProcess)
    {
        _redisPort = redisProcess.Port;
        var figures = new List<Figure>();
        var folder = Directory.CreateTempSubdirectory("sessiongrains-bench-wrk-");
        try
        {
            // A rush on one site is the scenario, not abuse: the per-site sign-in rate limit (100/s by default) would time
            // itself instead of the admissions, so it is raised, as a site expecting a rush would raise it.
            await using var server = await BenchmarkServer.StartAsync(new Dictionary<string, string>
            {
                ["SessionGrains__RateLimits__SiteOpensPerSecond"] = "1000000",
                ["SessionGrains__RateLimits__SiteOpenBurst"] = "1000000",
            });
            await using var http = server.Http(32);
            await using var redis = await RedisSemaphore.CreateAsync(redisProcess.ConnectionString);
            await using var floor = await HttpFloor.StartAsync();
            _floor = floor;
            var note = $"wrk ({Wrk.Threads} threads, {Connections} keep-alive connections) on the same machine replays prepared requests to the server's HTTP API, each with its site's key; the per-site sign-in rate limit raised. The answer is in memory (a touch) or stored (an admission: SQLite, durable) before it is sent.";

            var mix = await MixAsync(http, Path.Combine(folder.FullName, "mix.tsv"));
            await AddAsync(figures, "Admission decisions", server, mix, Expect.Mixed, signOut: true, redis: null,
                $"{note} One hot site full ({sizes.HotSiteLimit} sessions) gets 9 requests in 10, refused; the 10th asks one of {sizes.HalfFullSites} half-full sites, is admitted, and its session is signed out by the connection's next request. Decisions per second: requests per second × 10/11 (the sign-out is extra work).",
                perRequest: 10.0 / 11);

            var full = await FullSiteAsync(http, Path.Combine(folder.FullName, "full.tsv"));
            await redis.CreateSiteAsync("bench-full", sizes.HotSiteLimit, LongIdle, sizes.HotSiteLimit);
            await AddAsync(figures, "Refusals on a full site", server, full, Expect.AllRefused, signOut: false,
                redis: ["EVALSHA", redis.OpenScriptSha, "3", .. RedisSemaphore.KeysOfSite("bench-full"), "s:__rand_int__"],
                $"{note} Every request asks one full site ({sizes.HotSiteLimit} sessions) for a seat and is refused (429 site_full).");

            var fresh = await NewSessionsAsync(http, Path.Combine(folder.FullName, "new.tsv"));
            await AddAsync(figures, "New sessions", server, fresh, Expect.AllSuccessful, signOut: false, redis: null,
                $"{note} Sign-ins spread over 100 sites with room for all, each acknowledged once stored.");

            var touches = await TouchesAsync(http, Path.Combine(folder.FullName, "touches.tsv"));
            var touchSessions = sizes.TouchSites * sizes.SessionsPerTouchSite;
            await redis.CreateNumberedSiteAsync("bench-touch", touchSessions, LongIdle, touchSessions);
            await AddAsync(figures, "Touches", server, touches, Expect.AllSuccessful, signOut: false,
                redis: ["ZADD", RedisSemaphore.KeysOfSite("bench-touch")[0], "XX", "__rand_int__", "s:__rand_int__"],
                $"{note} Activity on {touchSessions:N0} live sessions across {sizes.TouchSites} sites, answered from the session grains' memory.",
                keySpace: touchSessions);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        return figures;
    }

    /// <summary>Warms up, measures <see cref="Sizes.Runs"/> runs, checks every answer was the one expected, and adds the figures.</summary>
    private async Task AddAsync(
        List<Figure> figures,
        string name,
        BenchmarkServer server,
        string requests,
        Expect expect,
        bool signOut,
        IReadOnlyList<string>? redis,
        string note,
        double perRequest = 1,
        long? keySpace = null)
    {
        log($"{name} over HTTP: wrk...");
        await Wrk.RunAsync(server.Address, requests, Connections, sizes.WarmUp, signOut);
        var runs = new List<Wrk.Result>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            var result = await Wrk.RunAsync(server.Address, requests, Connections, sizes.RunLength, signOut);
            Check(name, result, expect);
            runs.Add(result);
        }

        var scenario = $"{name}, over HTTP";
        var latency = $"{name}, over HTTP, latency at the maximum rate";
        var latencyNote = "wrk --latency at the maximum rate above: every connection sends its next request as soon as the answer is in.";
        var figure = new Figure(scenario, BenchmarkRun.SessionGrains, "/s", [.. runs.Select(r => r.PerSecond * perRequest)], Note: note);
        var p99 = new Figure($"{latency}, p99", BenchmarkRun.SessionGrains, "ms", [.. runs.Select(r => r.P99Milliseconds)], HigherIsBetter: false, Note: latencyNote);
        if (redis is null)
        {
            figures.AddRange([figure, p99]);
            return;
        }

        var redisRuns = await RedisAsync(name, redis, keySpace);
        var redisFigure = new Figure(scenario, RedisContender, "/s", [.. redisRuns.Select(r => r.PerSecond)],
            Note: $"redis-benchmark ({Wrk.Threads} threads, {Connections} connections) sends the same operation over Redis' own binary protocol to the in-memory Redis: no HTTP, no JSON, no key check, nothing stored. Command: {string.Join(' ', redis.Select(part => part.Length > 16 && !part.Contains(':', StringComparison.Ordinal) ? part[..8] + "…" : part))}.");
        var floorRuns = await FloorAsync(name, requests, expect);
        var maximum = Figure.MedianOf(runs.Select(r => r.PerSecond));
        var halfRuns = await HalfRateAsync(name, server.Address, requests, expect, maximum);
        var halfRate = Figure.MedianOf(halfRuns.Select(r => r.PerSecond));
        figures.AddRange(
        [
            figure with { Target = 0.8 * redisFigure.Median, Note = $"{note} Target: 0.8 times Redis." },
            redisFigure,
            new Figure(scenario, FloorContender, "/s", [.. floorRuns.Select(r => r.PerSecond)],
                Note: "The same file of requests, by the same wrk, to a program of ASP.NET Core with its defaults (tests/SessionGrains.Benchmarks.HttpFloor, in its own process like the server) that answers each at once in the server's shape: a touch with a deadline; a sign-in, its body read, with a problem document. No key check, grain, storage or middleware: it bounds what any ASP.NET Core server reaches on this machine."),
            p99,
            new Figure($"{latency}, p99", RedisContender, "ms", [.. redisRuns.Select(r => r.P99Milliseconds)], HigherIsBetter: false),
            new Figure(
                $"{name}, over HTTP, latency at half the maximum rate, p99",
                BenchmarkRun.SessionGrains,
                "ms",
                [.. halfRuns.Select(r => r.P99Milliseconds)],
                HigherIsBetter: false,
                Target: HalfRateP99Milliseconds,
                Note: string.Create(CultureInfo.InvariantCulture, $"wrk --latency, each connection pausing between an answer and its next request so that together they send about half the maximum rate above: {halfRate:N0}/s, {halfRate / maximum:0.00} of {maximum:N0}/s. A request's time starts when it is sent; the pause is not part of it.")),
        ]);
    }

    /// <summary>The same operation on the in-memory Redis, driven by redis-benchmark at the same connections and threads.</summary>
    private async Task<IReadOnlyList<RedisBenchmark.Result>> RedisAsync(string name, IReadOnlyList<string> command, long? keySpace)
    {
        log($"{name} over HTTP: redis-benchmark...");
        var requestsPerRun = Math.Max(20_000, (long)(150_000 * sizes.RunLength.TotalSeconds));
        var runs = new List<RedisBenchmark.Result>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            runs.Add(await RedisBenchmark.RunAsync(_redisPort, Connections, requestsPerRun, keySpace ?? sizes.HotSiteLimit, command));
        }

        return runs;
    }

    /// <summary>The same requests, by the same wrk, to ASP.NET Core alone (<see cref="HttpFloor"/>).</summary>
    private async Task<IReadOnlyList<Wrk.Result>> FloorAsync(string name, string requests, Expect expect)
    {
        log($"{name} over HTTP: wrk against ASP.NET Core alone...");
        var floor = _floor ?? throw new InvalidOperationException("The HTTP floor is not running.");
        await Wrk.RunAsync(floor.Address, requests, Connections, sizes.WarmUp);
        var runs = new List<Wrk.Result>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            var result = await Wrk.RunAsync(floor.Address, requests, Connections, sizes.RunLength);
            Check($"{name} (ASP.NET Core alone)", result, expect);
            runs.Add(result);
        }

        return runs;
    }

    /// <summary>
    /// wrk at about half of <paramref name="maximum"/>: each connection pauses between an answer and its next request. A
    /// first run, at the pause that would give half the rate if answers took no time, measures how long they take at
    /// that pace; the measured runs pause that much less.
    /// </summary>
    private async Task<IReadOnlyList<Wrk.Result>> HalfRateAsync(string name, Uri server, string requests, Expect expect, double maximum)
    {
        log($"{name} over HTTP: wrk at half the maximum rate...");
        var cycle = TimeSpan.FromSeconds(Connections / (maximum / 2));
        var probe = await Wrk.RunAsync(server, requests, Connections, sizes.RunLength, pause: cycle);
        Check(name, probe, expect);
        var answer = TimeSpan.FromSeconds(Connections / probe.PerSecond) - cycle;
        var pause = TimeSpan.FromTicks(Math.Clamp((cycle - answer).Ticks, 0, cycle.Ticks));

        var runs = new List<Wrk.Result>();
        for (var run = 0; run < sizes.Runs; run++)
        {
            var result = await Wrk.RunAsync(server, requests, Connections, sizes.RunLength, pause: pause);
            Check(name, result, expect);
            runs.Add(result);
        }

        return runs;
    }

    private static void Check(string name, Wrk.Result result, Expect expect)
    {
        var fine = result.SocketErrors == 0 && expect switch
        {
            Expect.AllSuccessful => result.NotSuccessful == 0,
            Expect.AllRefused => result.NotSuccessful == result.Requests,

            // 9 refusals in 11 requests: a site that admitted or refused everything would measure something else.
            _ => result.NotSuccessful > result.Requests * 0.7 && result.NotSuccessful < result.Requests * 0.9,
        };
        if (!fine)
        {
            throw new InvalidOperationException($"{name} over HTTP: wrk saw {result.Requests:N0} answers, {result.NotSuccessful:N0} not 2xx, {result.SocketErrors:N0} socket errors; expected {expect}.");
        }
    }

    private async Task<string> MixAsync(HttpSessionLimiter http, string file)
    {
        var hot = $"wrk-hot-{Guid.NewGuid():N}";
        await http.CreateSiteAsync(hot, sizes.HotSiteLimit, LongIdle, sizes.HotSiteLimit);
        var halfFull = new string[sizes.HalfFullSites];
        for (var i = 0; i < halfFull.Length; i++)
        {
            halfFull[i] = $"wrk-half-{Guid.NewGuid():N}";
            await http.CreateSiteAsync(halfFull[i], sizes.HalfFullLimit, LongIdle, sizes.HalfFullLimit / 2);
        }

        return await WriteAsync(file, Lines(n => n % 10 != 9 ? Open(http, hot, n) : Open(http, halfFull[(int)(n / 10 % halfFull.Length)], n)));
    }

    private async Task<string> FullSiteAsync(HttpSessionLimiter http, string file)
    {
        var full = $"wrk-full-{Guid.NewGuid():N}";
        await http.CreateSiteAsync(full, sizes.HotSiteLimit, LongIdle, sizes.HotSiteLimit);
        return await WriteAsync(file, Lines(n => Open(http, full, n)));
    }

    private async Task<string> NewSessionsAsync(HttpSessionLimiter http, string file)
    {
        var sites = new string[100];
        for (var i = 0; i < sites.Length; i++)
        {
            sites[i] = $"wrk-new-{Guid.NewGuid():N}";
            await http.CreateSiteAsync(sites[i], SiteSettings.Unlimited, LongIdle, 0);
        }

        return await WriteAsync(file, Lines(n => Open(http, sites[(int)(n % sites.Length)], n)));
    }

    private async Task<string> TouchesAsync(HttpSessionLimiter http, string file)
    {
        var sessions = new List<(string Site, string Session)>();
        for (var i = 0; i < sizes.TouchSites; i++)
        {
            var site = $"wrk-touch-{Guid.NewGuid():N}";
            sessions.AddRange((await http.CreateSiteAsync(site, sizes.SessionsPerTouchSite, LongIdle, sizes.SessionsPerTouchSite)).Select(id => (site, id)));
        }

        // Shuffled with a fixed seed: every run touches the sessions in the same order, spread over the sites.
        var order = sessions.ToArray();
        new Random(20).Shuffle(order);
        return await WriteAsync(file, order.Select(s => $"POST\t/api/sites/{s.Site}/sessions/{s.Session}/touch\t{http.SiteKey(s.Site)}"));
    }

    /// <summary>As many distinct sign-ins as a reference run sends in about a second, before the file starts again.</summary>
    private IEnumerable<string> Lines(Func<long, string> line)
    {
        var count = sizes.Workers >= 64 ? 100_000 : 10_000;
        for (long n = 0; n < count; n++)
        {
            yield return line(n);
        }
    }

    private static string Open(HttpSessionLimiter http, string siteId, long n) =>
        string.Create(CultureInfo.InvariantCulture, $"POST\t/api/sites/{siteId}/sessions/\t{http.SiteKey(siteId)}\t{{\"userId\":\"wrk-{n}\",\"clientIp\":\"{Workload.ClientIp(n)}\",\"userAgent\":\"{Workload.UserAgent}\"}}");

    private static async Task<string> WriteAsync(string file, IEnumerable<string> lines)
    {
        await File.WriteAllLinesAsync(file, lines, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return file;
    }
}
