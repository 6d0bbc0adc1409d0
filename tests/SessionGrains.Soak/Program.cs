using System.Diagnostics;
using System.Globalization;
using SessionGrains.Soak;
using SessionGrains.Testing;

// Three servers on PostgreSQL under a randomized crowd, with faults, then every acknowledged operation checked.
//   dotnet run -c Release --project tests/SessionGrains.Soak [-- <minutes>] [--out <file.md>]
// A run of 30 minutes or more (the default is 30) writes docs/soak.md and docs/images/soak.svg; a shorter one (CI runs
// 2 minutes) writes to a temporary folder unless --out says otherwise. Exits 1 if any rule was broken.
var minutes = args.Length > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given > 0 ? given : 30;
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length
    ? Path.GetFullPath(args[outIndex + 1])
    : minutes >= 30
        ? Path.Combine(Repository.Root, "docs", "soak.md")
        : Path.Combine(Path.GetTempPath(), $"sessiongrains-soak-{Environment.ProcessId}", "soak.md");

var startedAt = DateTimeOffset.UtcNow;
var wall = Stopwatch.StartNew();
void Log(string line) => Console.WriteLine($"[{wall.Elapsed:mm\\:ss}] {line}");

var plan = SoakPlan.For(TimeSpan.FromMinutes(minutes));
var cluster = new ServerCluster
{
    // Every admission and end in the servers' output, with the time, for explaining a broken rule.
    ExtraSettings = new Dictionary<string, string>
    {
        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        ["Logging__LogLevel__SessionGrains.Grains.Sites.SiteGrain"] = "Debug",
        ["Logging__LogLevel__SessionGrains.Grains.Sessions.SessionGrain"] = "Debug",
    },
};
Log("Starting PostgreSQL and three servers");
await cluster.InitializeAsync();
try
{
    var sites = new List<SoakSite>();
    foreach (var site in plan.Sites)
    {
        var (siteId, key) = await cluster.NewSiteAsync(new { limit = site.Limit, idleTimeoutSeconds = site.IdleTimeoutSeconds, onFull = site.OnFull });
        sites.Add(site with { SiteId = siteId, Key = key });
    }

    var clients = sites.ToDictionary(s => s.SiteId, s => ServerCluster.Http(s.Key), StringComparer.Ordinal);
    using var admin = ServerCluster.Admin();
    var journal = new Journal();
    var gateway = new Gateway(cluster, journal);
    var visitors = Enumerable.Range(0, plan.Visitors).Select(i => new Visitor(i, sites, clients, gateway, journal)).ToList();
    var samplers = new Samplers(cluster, admin, gateway, journal, sites);

    Log($"Soaking for {minutes} min: {plan.Visitors} visitors on {sites.Count} sites, {plan.Faults.Count} faults");
    using var stop = new CancellationTokenSource(plan.Length);
    using var stopSampling = new CancellationTokenSource();
    var processes = Task.Run(() => samplers.ProcessesAsync(TimeSpan.FromSeconds(Math.Max(2, plan.Length.TotalSeconds / 400)), stopSampling.Token));
    var work = new List<Task>
    {
        Task.Run(() => samplers.CountsAsync(stop.Token)),
        Task.Run(() => new Provider(sites, admin, gateway, journal).RunAsync(stop.Token)),
        Task.Run(() => new FaultInjector(cluster, plan, journal, Log).RunAsync(stop.Token)),
    };

    // Arriving over ten seconds rather than all in the same instant.
    work.AddRange(visitors.Select((visitor, i) => Task.Run(async () =>
    {
        await Pause.ForAsync(TimeSpan.FromSeconds(10.0 * i / visitors.Count), stop.Token);
        await visitor.RunAsync(stop.Token);
    })));
    var progress = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            await Pause.ForAsync(TimeSpan.FromMinutes(1), stop.Token);
            Log($"{journal.Sessions.Count:N0} sessions admitted so far, {journal.Violations.Count} broken rules");
        }
    });
    await Task.WhenAll([.. work, progress]);

    Log("Stopped; touching every session still in use");
    await Task.WhenAll(visitors.Select(v => v.FinishAsync()));
    await stopSampling.CancelAsync();
    await processes;

    var checks = new Checks(journal);
    checks.CountsWithinLimits(sites);
    checks.AdmissionsWithinLimits();
    await checks.DatabaseAgreesAsync(cluster.ConnectionString);
    var recoveries = Recovery.Of(journal);

    const string chartPath = "images/soak.svg";
    var folder = Path.GetDirectoryName(output)!;
    Directory.CreateDirectory(Path.Combine(folder, "images"));
    await File.WriteAllTextAsync(Path.Combine(folder, chartPath), TimeSeriesChart.Render([.. journal.Processes], [.. journal.Faults], plan.Length.TotalSeconds));
    var report = SoakReport.Render(plan, journal, sites, recoveries, checks.Checked, startedAt, cluster.Database.Version, chartPath);
    await File.WriteAllTextAsync(output, report);
    Console.WriteLine(report);
    Console.WriteLine($"Written to {output}");

    // Beside a temporary report, or in a temporary folder of its own: never into docs/.
    var logs = Path.Combine(minutes >= 30 && outIndex < 0 ? Path.Combine(Path.GetTempPath(), $"sessiongrains-soak-{Environment.ProcessId}") : folder, "servers.log");
    Directory.CreateDirectory(Path.GetDirectoryName(logs)!);
    await File.WriteAllTextAsync(logs, cluster.AllOutput);
    Console.WriteLine($"The servers' output: {logs}");
    foreach (var client in clients.Values)
    {
        client.Dispose();
    }

    return journal.Violations.Count == 0 ? 0 : 1;
}
finally
{
    await cluster.DisposeAsync();
}
