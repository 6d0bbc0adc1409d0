using System.Diagnostics;
using SessionGrains.Benchmarks.Harness;
using SessionGrains.Benchmarks.Scenarios;
using SessionGrains.Testing;

// SessionGrains against what users would build instead, on this machine, in one run.
//   dotnet run -c Release --project tests/SessionGrains.Benchmarks [-- --quick] [--out <file.md>] [--only new,touches,...]
// The reference run writes docs/benchmarks.md and docs/images/benchmarks.svg; --quick (small sizes, short runs,
// what CI runs to keep this working) writes to a temporary folder unless --out says otherwise.
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length
    ? Path.GetFullPath(args[outIndex + 1])
    : quick
        ? Path.Combine(Path.GetTempPath(), $"sessiongrains-benchmarks-{Environment.ProcessId}", "benchmarks.md")
        : Path.Combine(Repository.Root, "docs", "benchmarks.md");

var onlyIndex = Array.IndexOf(args, "--only");
var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length
    ? args[onlyIndex + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
    : [];
var sizes = quick ? Sizes.Quick : Sizes.Reference;
var startedAt = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
var run = new BenchmarkRun(sizes, only, line => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {line}"));
await run.RunAsync();

BenchmarkRun.AddLibraryVersions(run.Versions);
var info = new RunInfo(startedAt, clock.Elapsed, quick, sizes.Workers, sizes.RunLength, sizes.Runs, BenchmarkRun.Machine(), run.Versions);
const string chartPath = "images/benchmarks.svg";
var folder = Path.GetDirectoryName(output)!;
Directory.CreateDirectory(Path.Combine(folder, "images"));
await File.WriteAllTextAsync(Path.Combine(folder, chartPath), SvgChart.Render(run.Figures));
var report = MarkdownReport.Render(info, run.Figures, chartPath)
    + Environment.NewLine + "What makes these figures, and what bounds those that miss their targets: [performance.md](performance.md)." + Environment.NewLine;
await File.WriteAllTextAsync(output, report);

Console.WriteLine(report);
Console.WriteLine($"Written to {output}");
