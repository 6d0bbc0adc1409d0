namespace SessionGrains.Benchmarks.Harness;

/// <summary>One measured figure: what was measured, for which contender, and the value of each run.</summary>
/// <param name="Scenario">The measurement, e.g. "Admission decisions, co-hosted"; figures of one scenario are compared with each other.</param>
/// <param name="Contender">"SessionGrains", "Redis sorted-set semaphore", "PostgreSQL sessions table", …</param>
/// <param name="Unit">"/s", "ms", "bytes", …</param>
/// <param name="Runs">The measured runs (after the warm-up); the figure is their median.</param>
/// <param name="HigherIsBetter">Throughput: true; latency and memory: false.</param>
/// <param name="Target">The goal for this figure, if there is one (SessionGrains only).</param>
/// <param name="Note">What the reader needs to know to read the figure (the workload, a bound).</param>
public sealed record Figure(
    string Scenario,
    string Contender,
    string Unit,
    IReadOnlyList<double> Runs,
    bool HigherIsBetter = true,
    double? Target = null,
    string? Note = null)
{
    public double Median => MedianOf(Runs);

    /// <summary>The median of <paramref name="runs"/>: the middle one, or the mean of the middle two.</summary>
    public static double MedianOf(IEnumerable<double> runs)
    {
        var sorted = runs.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Null when there is no target; otherwise whether the median meets it.</summary>
    public bool? MeetsTarget => Target is { } target ? (HigherIsBetter ? Median >= target : Median <= target) : null;
}

/// <summary>What the report says about where and how the figures were taken.</summary>
public sealed record RunInfo(
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    bool Quick,
    int Workers,
    TimeSpan RunLength,
    int Runs,
    IReadOnlyDictionary<string, string> Machine,
    IReadOnlyDictionary<string, string> Versions);
