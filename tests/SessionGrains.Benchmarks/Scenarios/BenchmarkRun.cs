using System.Diagnostics;
using SessionGrains.Benchmarks.Harness;
using SessionGrains.Benchmarks.Infrastructure;
using SessionGrains.Benchmarks.Peers;
using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Scenarios;

/// <summary>Every measurement of the report, in order, each contender at the same client concurrency.</summary>
/// <param name="only">Parts to run (admissions, new, touches, http, evictions, durable, memory, expiry, guard, queue); all when empty.</param>
public sealed class BenchmarkRun(Sizes sizes, IReadOnlySet<string> only, Action<string> log)
{
    public const string SessionGrains = "SessionGrains";
    private const string Redis = "Redis sorted-set semaphore";
    private const string DurableRedis = "Redis sorted-set semaphore, fsync always";
    private const string RedisNote = "Over loopback TCP (StackExchange.Redis); Redis cannot be co-hosted. In memory only: an admission it answered is lost if Redis stops.";
    private const string DurableRedisNote = "The same semaphore on a Redis whose append-only file is fsynced before it answers (appendonly yes, appendfsync always): durable, as SessionGrains' admissions are.";
    private const string PostgreSql = "PostgreSQL sessions table";

    private readonly List<Figure> _figures = [];
    private readonly Operations _operations = new(sizes);

    public IReadOnlyList<Figure> Figures => _figures;

    public Dictionary<string, string> Versions { get; } = [];

    public async Task RunAsync()
    {
        log("Starting Redis, PostgreSQL, the server (Release) and a co-hosted silo...");
        await using var redisProcess = await RedisProcess.StartAsync();
        await using var durableRedisProcess = await RedisProcess.StartAsync(durable: true);
        await using var postgres = await PostgresServer.StartDurableAsync();
        Versions["Redis"] = redisProcess.Version;
        Versions["PostgreSQL"] = postgres.Version;

        if (Runs("admissions") || Runs("new") || Runs("touches") || Runs("http"))
        {
            await AgainstPeersAsync(redisProcess, durableRedisProcess, postgres);
        }

        if (Runs("new"))
        {
            await NewSessionsWithoutStorageAsync();
        }

        if (Runs("evictions"))
        {
            await EvictionsAsync();
        }

        if (Runs("durable"))
        {
            await DurableAsync(postgres, await PostgresSessionTable.CreateAsync(await DatabaseAsync(postgres, "peer_durable")), durableRedisProcess);
        }

        if (Runs("memory"))
        {
            await MemoryAsync();
        }

        if (Runs("expiry"))
        {
            await ExpiryAsync();
        }

        if (Runs("guard"))
        {
            await GuardAsync(redisProcess);
        }

        if (Runs("queue"))
        {
            await QueueAsync(redisProcess);
        }
    }

    /// <summary>
    /// The waiting line against one people build on a Redis sorted set: joins until a full site's line is long, polls
    /// on that long line, and polls on a long line against a short one, which shows whether a poll costs more as the
    /// line grows.
    /// </summary>
    private async Task QueueAsync(RedisProcess redisProcess)
    {
        var lines = new LineOperations(sizes);
        var (length, shortLength) = (sizes.LineLength, sizes.ShortLineLength);
        const string RedisLine = "Redis sorted-set line";
        const string SiteNote = "One full site (one seat, taken) whose policy is queue, ticket timeout a day, so no ticket lapses during the run.";

        // A rush on a full site is what the line is for: the per-site sign-in rate limit (100/s by default) would time
        // itself instead of the line, so it is raised, as a site expecting a rush would raise it.
        await using var server = await BenchmarkServer.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__RateLimits__SiteOpensPerSecond"] = "1000000",
            ["SessionGrains__RateLimits__SiteOpenBurst"] = "1000000",
        });
        await using var silo = await CoHostedSilo.StartOnSqliteAsync();
        await using var coHosted = new GrainWaitingLine(silo.Grains, SessionGrains);
        await using var http = new HttpWaitingLine(server.Address, server.AdminKey, sizes.Workers);
        await using var redis = await RedisWaitingLine.CreateAsync(redisProcess.ConnectionString);
        const string RedisNote = "Over loopback TCP (StackExchange.Redis): a join and a poll are one Lua script each (ZADD with an INCR sequence, a poll ZRANK), in memory only; it does not decide that the site is full, hold seats or estimate the wait.";

        var joins = $"Waiting-line joins until {length:N0} wait";
        var joinsNote = $"{SiteNote} {sizes.Workers} workers fill a fresh line with {length:N0} distinct users, timed from the first join to the last; each join is a sign-in answered with a ticket, acknowledged once the ticket is stored (SQLite, group commit).";
        log($"{joins}: SessionGrains co-hosted...");
        var coHostedJoins = await lines.JoinsAsync(coHosted, length);
        log($"{joins}: SessionGrains over HTTP...");
        var httpJoins = await lines.JoinsAsync(http, length);
        log($"{joins}: Redis...");
        var redisJoins = new Figure($"{joins}, co-hosted", RedisLine, "/s", await lines.JoinsAsync(redis, length), Note: RedisNote);
        _figures.Add(new($"{joins}, co-hosted", SessionGrains, "/s", coHostedJoins, Note: $"The load calls the grains in the silo's own process. {joinsNote}"));
        _figures.Add(redisJoins);
        _figures.Add(new($"{joins}, over HTTP", SessionGrains, "/s", httpJoins,
            Note: $"{sizes.Workers} keep-alive connections to the server's HTTP API with the site's key: POST sessions answered 202 with the ticket's location, the per-site sign-in rate limit raised (its default, 100/s, would be measured instead). Redis, for comparison, over its own protocol."));
        _figures.Add(redisJoins with { Scenario = $"{joins}, over HTTP", Note = null });

        var pollsNote = $"{SiteNote} Each poll asks about a ticket picked by a stride through the line (head, middle and tail alike) and checks its position.";
        var longPolls = new Dictionary<string, Figure>();
        var lengths = new List<Figure>();
        foreach (var (peer, where, note) in new (IWaitingLinePeer, string, string)[]
        {
            (coHosted, "co-hosted", "The load calls the site grain in the silo's own process."),
            (http, "over HTTP", $"{sizes.Workers} keep-alive connections to the server's HTTP API: GET on the ticket's location with the site's key."),
        })
        {
            log($"Waiting-line polls, {length:N0} and {shortLength:N0} waiting: SessionGrains {where}...");
            var (longRuns, shortRuns) = await lines.PollsSideBySideAsync(peer, length, shortLength);
            longPolls[where] = new($"Waiting-line polls, {length:N0} waiting, {where}", SessionGrains, "/s", longRuns, Note: $"{note} {pollsNote}");
            var against = $"Waiting-line polls, {length:N0} against {shortLength:N0} waiting, {where}";
            lengths.Add(longPolls[where] with { Scenario = against, Contender = $"{SessionGrains}, {length:N0} waiting", Note = null });
            lengths.Add(new(against, $"{SessionGrains}, {shortLength:N0} waiting", "/s", shortRuns,
                Note: $"The same polls on a line of {shortLength:N0}, measured in turn with those on the long line (one run each, alternately first), so a slower moment of the machine weighs on both. The ratio is polls per second on the long line over those on the short one: 1× means a poll costs the same however long the line."));
        }

        log($"Waiting-line polls, {length:N0} waiting: Redis...");
        var redisPolls = await lines.PollsAsync(redis, length);
        var redisFigure = new Figure($"Waiting-line polls, {length:N0} waiting, co-hosted", RedisLine, "/s", await lines.MeasureAsync(redisPolls), Note: RedisNote);
        _figures.Add(longPolls["co-hosted"]);
        _figures.Add(redisFigure);
        _figures.Add(longPolls["over HTTP"]);
        _figures.Add(redisFigure with { Scenario = longPolls["over HTTP"].Scenario, Note = null });
        _figures.AddRange(lengths);
    }

    /// <summary>The sign-in guard against the one people build on Redis with INCR and EXPIRE: attempts per second and memory per address.</summary>
    private async Task GuardAsync(RedisProcess redisProcess)
    {
        var operations = new GuardOperations(sizes.GuardAddresses, sizes.GuardUsers);
        var note = $"Sign-in attempts from {sizes.GuardAddresses:N0} addresses for {sizes.GuardUsers:N0} users on one site: each a check and, when allowed, a report (one in four a failure). One attempt counts once.";
        const string RedisGuard = "Redis INCR/EXPIRE guard";
        await using (var server = await BenchmarkServer.StartAsync())
        await using (var silo = await CoHostedSilo.StartOnSqliteAsync())
        await using (var coHosted = new GrainSignInGuard(silo.Grains, SessionGrains))
        await using (var http = new HttpSignInGuard(server.Address, server.AdminKey, sizes.Workers))
        await using (var redis = await RedisSignInGuard.CreateAsync(redisProcess.ConnectionString))
        {
            log("Sign-in guard: SessionGrains co-hosted...");
            var coHostedRuns = await _operations.MeasureAsync(() => operations.AttemptsAsync(coHosted));
            log("Sign-in guard: SessionGrains over HTTP...");
            var httpRuns = await _operations.MeasureAsync(() => operations.AttemptsAsync(http));
            log("Sign-in guard: Redis...");
            var redisRuns = await _operations.MeasureAsync(() => operations.AttemptsAsync(redis));
            var redisFigure = new Figure("Sign-in guard attempts, co-hosted", RedisGuard, "/s", redisRuns,
                Note: "Over loopback TCP (StackExchange.Redis): a check is one MGET, a failure one Lua script (INCR, EXPIRE, SET EX), a success one DEL. In memory only, as the grain's counters are.");
            _figures.Add(new("Sign-in guard attempts, co-hosted", SessionGrains, "/s", coHostedRuns, Note: $"The load calls the guard grain in the silo's own process. {note}"));
            _figures.Add(redisFigure);
            _figures.Add(new("Sign-in guard attempts, over HTTP", SessionGrains, "/s", httpRuns,
                Note: $"{sizes.Workers} keep-alive connections from a .NET client (HttpClient) to the server's HTTP API: a check and a report are two requests. Redis, for comparison, over its own protocol."));
            _figures.Add(redisFigure with { Scenario = "Sign-in guard attempts, over HTTP", Note = null });

            log($"Sign-in guard: memory per tracked address ({sizes.GuardMemoryAddresses:N0} addresses)...");
            var redisBytes = await GuardOperations.RedisBytesPerAddressAsync(redis, sizes.GuardMemoryAddresses);
            _figures.Add(new($"Sign-in guard memory per tracked address, {sizes.GuardMemoryAddresses:N0} addresses", RedisGuard, "bytes", [redisBytes], HigherIsBetter: false,
                Note: "used_memory before and after one failure from each address: a counter key with its time to live."));
        }

        var grainBytes = await GuardOperations.GrainBytesPerAddressAsync(sizes.GuardMemoryAddresses);
        _figures.Add(new($"Sign-in guard memory per tracked address, {sizes.GuardMemoryAddresses:N0} addresses", SessionGrains, "bytes", [grainBytes], HigherIsBetter: false,
            Note: "Live managed heap after a full collection, before and after one failure from each address, in a fresh co-hosted silo (bounded at 262,144 addresses per site)."));
    }

    private bool Runs(string part) => only.Count == 0 || only.Contains(part);

    private async Task AgainstPeersAsync(RedisProcess redisProcess, RedisProcess durableRedisProcess, PostgresServer postgres)
    {
        await using (var server = await BenchmarkServer.StartAsync())
        await using (var silo = await CoHostedSilo.StartOnSqliteAsync())
        await using (var redis = await RedisSemaphore.CreateAsync(redisProcess.ConnectionString))
        await using (var durableRedis = await RedisSemaphore.CreateAsync(durableRedisProcess.ConnectionString))
        await using (var table = await PostgresSessionTable.CreateAsync(await DatabaseAsync(postgres, "peer")))
        await using (var client = await server.ClientAsync())
        {
            var coHosted = silo.Limiter();
            await ThreeOperationsAsync(coHosted, client, redis, durableRedis, table);
        }

        if (Runs("http"))
        {
            _figures.AddRange(await new HttpLoad(sizes, log).MeasureAsync(redisProcess));
        }
    }

    private async Task ThreeOperationsAsync(ISessionLimiter coHosted, ISessionLimiter client, ISessionLimiter redis, ISessionLimiter durableRedis, ISessionLimiter table)
    {
        // Durable: whether the operation writes an admission that must survive a crash, so the durable Redis runs it too.
        // A target above 0 is a rate; below 0, minus a multiple of the in-memory Redis semaphore's median.
        var operations = new (string Part, string Name, Func<ISessionLimiter, Task<Func<int, long, ValueTask>>> SetUp, double? CoHostedTarget, bool Durable, string Note)[]
        {
            ("admissions", "Admission decisions", _operations.AdmissionsAsync, -2, true,
                $"One hot site already full ({sizes.HotSiteLimit} sessions): 9 requests in 10 ask it for a seat and are refused. The 10th asks one of {sizes.HalfFullSites} half-full sites (limit {sizes.HalfFullLimit}) and is admitted, then signed out, so the site stays half full; the pair counts as one decision."),
            ("admissions", "Refusals on a full site", _operations.RefusalsAsync, null, false,
                $"Every request asks the hot site, already full ({sizes.HotSiteLimit} sessions), and is refused: the decision alone, without the admissions and sign-outs of the mix above."),
            ("new", "New sessions", limiter => Operations.NewSessionsAsync(limiter, 100),
                null, true,
                "Sign-ins spread over 100 sites with room for all. SessionGrains' figure includes its site's write to the embedded default storage (SQLite, durable); a session's grain starts on its first touch, which these sign-ins do not make; Redis keeps the set in memory, or fsyncs it; PostgreSQL commits each admission durably."),
            ("touches", "Touches", _operations.TouchesAsync, 250_000, false,
                $"Activity on live sessions picked across {sizes.TouchSites} sites of {sizes.SessionsPerTouchSite} sessions. Nobody stores a touch durably: SessionGrains answers from the session grain's memory (a lease renewal is stored at most once per half idle timeout); Redis runs ZADD XX in memory; PostgreSQL updates the row by primary key."),
        };

        foreach (var (part, name, setUp, target, durable, note) in operations)
        {
            if (!Runs(part))
            {
                continue;
            }

            log($"{name}: SessionGrains co-hosted...");
            var coHostedRuns = await _operations.MeasureAsync(() => setUp(coHosted));
            log($"{name}: SessionGrains through an Orleans client...");
            var clientRuns = await _operations.MeasureAsync(() => setUp(client));
            log($"{name}: Redis...");
            var redisRuns = await _operations.MeasureAsync(() => setUp(redis));
            Figure? durableRedisFigure = null;
            if (durable)
            {
                log($"{name}: Redis, fsync always...");
                durableRedisFigure = new Figure($"{name}, co-hosted", DurableRedis, "/s", await _operations.MeasureAsync(() => setUp(durableRedis)), Note: DurableRedisNote);
            }

            log($"{name}: PostgreSQL...");
            var tableRuns = await _operations.MeasureAsync(() => setUp(table));

            var redisFigure = new Figure($"{name}, co-hosted", Redis, "/s", redisRuns, Note: RedisNote);
            var tableFigure = new Figure($"{name}, co-hosted", PostgreSql, "/s", tableRuns, Note: "Over loopback TCP (Npgsql); fsync on: durable.");
            var coHostedTarget = target < 0 ? -target * redisFigure.Median : target;
            _figures.Add(new($"{name}, co-hosted", SessionGrains, "/s", coHostedRuns, Target: coHostedTarget,
                Note: $"The load calls the grains in the silo's own process. {note}" + (target < 0 ? $" Target: {-target:0.#} times the in-memory Redis semaphore." : "")));
            _figures.Add(redisFigure);
            if (durableRedisFigure is not null)
            {
                _figures.Add(durableRedisFigure);
            }

            _figures.Add(tableFigure);

            var redisMedian = redisFigure.Median;
            _figures.Add(new($"{name}, over loopback TCP", SessionGrains, "/s", clientRuns,
                Target: name == "Admission decisions" ? redisMedian : null,
                Note: "Through an Orleans client in the load's process to the server (Release) in its own: the transport the ASP.NET Core library uses."
                    + (name == "Admission decisions" ? " Target: the in-memory Redis semaphore's rate." : "")));
            _figures.Add(redisFigure with { Scenario = $"{name}, over loopback TCP", Note = null });
            if (durableRedisFigure is not null)
            {
                _figures.Add(durableRedisFigure with { Scenario = $"{name}, over loopback TCP", Note = null });
            }

            _figures.Add(tableFigure with { Scenario = $"{name}, over loopback TCP", Note = null });
        }
    }

    /// <summary>What new sessions cost without any storage: the bound that the grains themselves set.</summary>
    private async Task NewSessionsWithoutStorageAsync()
    {
        log("New sessions: SessionGrains co-hosted, storage discarded...");
        await using var silo = await CoHostedSilo.StartDiscardingStateAsync();
        var limiter = silo.Limiter();
        var runs = await _operations.MeasureAsync(() => Operations.NewSessionsAsync(limiter, 100));
        _figures.Add(new("New sessions, co-hosted, storage discarded (a bound)", SessionGrains, "/s", runs,
            Note: "The co-hosted measurement above with every write of sites discarded instead of stored (not a product setting): what the admission decision and its call cost on their own."));
    }

    /// <summary>What ending the idlest session to admit a newcomer costs on a large full site.</summary>
    private async Task EvictionsAsync()
    {
        log($"Evictions on a full site of {sizes.EvictionSiteSessions:N0} sessions: SessionGrains co-hosted...");
        await using var silo = await CoHostedSilo.StartOnSqliteAsync();
        var evictions = await Operations.EvictionsAsync(silo.Limiter(), silo.Grains, sizes.EvictionSiteSessions);
        var runs = await _operations.MeasureAsync(() => Task.FromResult(evictions));
        _figures.Add(new($"Evictions on a full site of {sizes.EvictionSiteSessions:N0} sessions, co-hosted", SessionGrains, "/s", runs,
            Note: "Sign-ins to a full site whose policy is evict-idlest: each is admitted in place of the site's idlest session, which is ended and its end recorded. The figure includes the site's write (SQLite). The peers have no such policy."));
    }

    /// <summary>A new database for the load: up to 200 connections at once, not reset when returned to the pool.</summary>
    private static async Task<string> DatabaseAsync(PostgresServer postgres, string name) =>
        new Npgsql.NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync(name)) { MaxPoolSize = 200, NoResetOnClose = true }.ConnectionString;

    private async Task DurableAsync(PostgresServer postgres, PostgresSessionTable table, RedisProcess durableRedisProcess)
    {
        await using var peer = table;
        await using var durableRedis = await RedisSemaphore.CreateAsync(durableRedisProcess.ConnectionString);
        await using var silo = await CoHostedSilo.StartOnPostgreSqlAsync(await DatabaseAsync(postgres, "sessiongrains"));
        var sessionGrains = silo.Limiter();
        foreach (var sites in new[] { 1, 100 })
        {
            var scenario = sites == 1 ? "Durable new sessions, one hot site" : "Durable new sessions, 100 sites";
            log($"{scenario}: SessionGrains on PostgreSQL...");
            var runs = await _operations.MeasureAsync(() => Operations.NewSessionsAsync(sessionGrains, sites));
            log($"{scenario}: Redis, fsync always...");
            var redisFigure = new Figure(scenario, DurableRedis, "/s", await _operations.MeasureAsync(() => Operations.NewSessionsAsync(durableRedis, sites)), Note: DurableRedisNote);

            // One hot site: a rate; across 100 sites: twice the durable Redis.
            _figures.Add(new(scenario, SessionGrains, "/s", runs, Target: sites == 1 ? 10_000 : 2 * redisFigure.Median,
                Note: "Co-hosted silo storing in PostgreSQL (fsync on): every admission is acknowledged only after the write that holds it committed; admissions that arrive while a write is in flight go together in the next one."
                    + (sites == 1 ? string.Empty : " Target: twice the durable Redis.")));
            _figures.Add(redisFigure);
            log($"{scenario}: PostgreSQL sessions table...");
            _figures.Add(new(scenario, PostgreSql, "/s", await _operations.MeasureAsync(() => Operations.NewSessionsAsync(peer, sites)), Note: "Over loopback TCP (Npgsql); fsync on: durable."));
        }
    }

    private async Task MemoryAsync()
    {
        foreach (var sessions in sizes.MemorySessionCounts)
        {
            log($"Memory with {sessions:N0} live sessions in use...");
            var bytes = await MemoryPerSession.MeasureAsync(sessions, touched: true);
            _figures.Add(new($"Managed heap per live session in use, {sessions:N0} sessions", SessionGrains, "bytes", [bytes], HigherIsBetter: false,
                Target: sessions >= 1_000_000 ? 2_000 : null,
                Note: "Live managed heap after a full collection, before and after the sessions were opened and touched once each, over 100 sites, in a fresh co-hosted silo: the session grain (its activation, its idle alarm), its seat in the site, and the silo's bookkeeping. One run: the figure barely moves between runs."));
            log($"Memory with {sessions:N0} live sessions not touched yet...");
            bytes = await MemoryPerSession.MeasureAsync(sessions, touched: false);
            _figures.Add(new($"Managed heap per live session not touched yet, {sessions:N0} sessions", SessionGrains, "bytes", [bytes], HigherIsBetter: false,
                Note: "As above, but the sessions were only admitted: a session's grain starts on its first touch, so until then a session is its seat and lease in its site."));
        }
    }

    private async Task ExpiryAsync()
    {
        var idle = sizes.ExpirySessions >= 50_000 ? TimeSpan.FromSeconds(40) : TimeSpan.FromSeconds(10);
        var p50 = new List<double>();
        var p99 = new List<double>();
        ExpiryLag.Result? last = null;
        for (var run = 0; run < sizes.Runs; run++)
        {
            log($"Expiry lag with {sizes.ExpirySessions:N0} sessions, run {run + 1}...");
            last = await ExpiryLag.MeasureAsync(sizes.ExpirySessions, idle);
            p50.Add(last.P50Milliseconds);
            p99.Add(last.P99Milliseconds);
        }

        var note = $"{sizes.ExpirySessions:N0} sessions over 100 sites, opened in one burst of {last!.Burst.TotalSeconds:F1} s and never touched, so they reach their idle deadlines within that time of each other. Lag from each deadline to the seat being free, sampled every {ExpiryLag.SamplingInterval.TotalMilliseconds:F0} ms (so up to that much too high). The peers have no lag by construction: they compare timestamps at each decision, at the cost of counting (or dropping) expired sessions inside every admission.";
        _figures.Add(new("Expiry lag, p50", SessionGrains, "ms", p50, HigherIsBetter: false, Note: note));
        _figures.Add(new("Expiry lag, p99", SessionGrains, "ms", p99, HigherIsBetter: false, Target: 1_000, Note: note));
    }

    public static Dictionary<string, string> Machine()
    {
        string Read(string path, string prefix) =>
            File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', '=')[1].Trim().Trim('"') ?? "?" : "?";
        return new()
        {
            ["CPU"] = Read("/proc/cpuinfo", "model name"),
            ["Cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Memory"] = Read("/proc/meminfo", "MemTotal"),
            ["OS"] = Read("/etc/os-release", "PRETTY_NAME"),
            ["Kernel"] = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?",
            ["Load generator"] = "the same machine: the benchmark's own process; wrk and redis-benchmark for the HTTP rows",
        };
    }

    public static void AddLibraryVersions(Dictionary<string, string> versions)
    {
        versions[".NET"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
        versions["Orleans"] = VersionOf(typeof(Grain));
        versions["Npgsql"] = VersionOf(typeof(Npgsql.NpgsqlConnection));
        versions["StackExchange.Redis"] = VersionOf(typeof(StackExchange.Redis.ConnectionMultiplexer));
        versions["Microsoft.Data.Sqlite"] = VersionOf(typeof(Microsoft.Data.Sqlite.SqliteConnection));
    }

    private static string VersionOf(Type type)
    {
        // Product versions may carry build metadata ("10.4.2+abc", "10.4.2. Commit Hash: abc"): the release is what counts.
        var version = FileVersionInfo.GetVersionInfo(type.Assembly.Location).ProductVersion ?? "?";
        return version.Split('+', ' ')[0].TrimEnd('.');
    }
}
