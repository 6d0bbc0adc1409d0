using System.Globalization;
using System.Text;

namespace SessionGrains.Benchmarks.Harness;

/// <summary>Writes <c>docs/benchmarks.md</c>: how the figures were taken, the targets, and every figure with its runs.</summary>
/// <remarks>
/// The output ends after the per-scenario figures; the caller appends its own prose. The text is deterministic: the
/// same input gives the same output, so the committed report only changes when the figures do.
/// </remarks>
public static class MarkdownReport
{
    /// <summary>The contender name that <see cref="Figure"/>s of SessionGrains itself use.</summary>
    public const string SessionGrains = "SessionGrains";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The full text of the report.</summary>
    /// <param name="info">Where and how the figures were taken.</param>
    /// <param name="figures">All figures, grouped by <see cref="Figure.Scenario"/> in order of first appearance.</param>
    /// <param name="chartRelativePath">The chart's path relative to the report, e.g. <c>images/benchmarks.svg</c>.</param>
    public static string Render(RunInfo info, IReadOnlyList<Figure> figures, string chartRelativePath)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(chartRelativePath);

        var text = new StringBuilder();
        WriteIntroduction(text, info);
        WriteMachine(text, info);
        WriteSummary(text, figures, chartRelativePath);
        WriteFigures(text, figures);
        return text.ToString();
    }

    /// <summary>
    /// A value as the report shows it: "312,450/s", "1.23 ms", "2,310 bytes", otherwise three significant digits and
    /// the unit; "n/a" when the value is not a finite number.
    /// </summary>
    public static string FormatValue(double value, string unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var number = FormatNumber(value, unit);
        return !double.IsFinite(value) || unit.Length == 0 ? number
            : unit.StartsWith('/') || unit == "%" ? number + unit
            : number + " " + unit;
    }

    /// <summary>The number part of <see cref="FormatValue"/>, without the unit.</summary>
    public static string FormatNumber(double value, string unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return !double.IsFinite(value) ? "n/a"
            : unit is "/s" or "bytes" ? value.ToString("N0", Invariant)
            : unit == "ms" ? FormatMilliseconds(value)
            : Significant(value, 3);
    }

    /// <summary>Whether a contender is SessionGrains (or a variant of it, e.g. "SessionGrains (remote silo)").</summary>
    internal static bool IsSessionGrains(string contender) =>
        contender.StartsWith(SessionGrains, StringComparison.Ordinal);

    /// <summary>The scenarios in order of first appearance, each with its figures in list order.</summary>
    internal static List<(string Scenario, List<Figure> Figures)> GroupByScenario(IEnumerable<Figure> figures)
    {
        var groups = new List<(string Scenario, List<Figure> Figures)>();
        foreach (var figure in figures)
        {
            var index = groups.FindIndex(group => string.Equals(group.Scenario, figure.Scenario, StringComparison.Ordinal));
            if (index < 0)
            {
                groups.Add((figure.Scenario, [figure]));
            }
            else
            {
                groups[index].Figures.Add(figure);
            }
        }

        return groups;
    }

    /// <summary>A value rounded to <paramref name="digits"/> significant digits, with thousands separators.</summary>
    internal static string Significant(double value, int digits)
    {
        if (!double.IsFinite(value))
        {
            return "n/a";
        }

        if (value == 0)
        {
            return "0";
        }

        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var decimals = digits - 1 - magnitude;
        if (decimals > 15)
        {
            return value.ToString("G" + digits.ToString(Invariant), Invariant);
        }

        double rounded;
        if (decimals >= 0)
        {
            rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        }
        else
        {
            var scale = Math.Pow(10, -decimals);
            rounded = Math.Round(value / scale, MidpointRounding.AwayFromZero) * scale;
        }

        // 9.996 rounds to 10.00; it has one digit more before the point, so one fewer after it.
        if (rounded != 0 && (int)Math.Floor(Math.Log10(Math.Abs(rounded))) > magnitude)
        {
            decimals--;
        }

        return rounded.ToString("N" + Math.Max(0, decimals).ToString(Invariant), Invariant);
    }

    private static string FormatMilliseconds(double value)
    {
        var size = Math.Abs(value);
        return Math.Round(size, 2) < 10 ? value.ToString("N2", Invariant)
            : Math.Round(size, 1) < 100 ? value.ToString("N1", Invariant)
            : value.ToString("N0", Invariant);
    }

    private static void WriteIntroduction(StringBuilder text, RunInfo info)
    {
        text.Append("# Benchmarks\n\n");
        var intro = $"""
            SessionGrains measured against what users would build instead: a Redis sorted-set counting semaphore (admission
            is one Lua script), in memory and, where admissions must survive a crash, on a Redis that fsyncs its
            append-only file before it answers, and a PostgreSQL sessions table with a per-site row lock. All contenders
            run on the same machine in the same run; the HTTP rows are driven by wrk, and Redis beside them by
            redis-benchmark, both C load generators with the same threads and connections. Run it with `./tests/benchmarks.sh`; `./tests/benchmarks.sh --quick` is the short
            version that CI runs to keep the harness working, without thresholds. Each figure is the median of
            {Plural(info.Runs, "run")} of {FormatDuration(info.RunLength)} each after a warm-up, with
            {Plural(info.Workers, "concurrent client worker")} unless a note says otherwise. A ratio above 1× means
            SessionGrains did better than that contender; below 1×, worse.
            """;
        text.Append(intro.ReplaceLineEndings(" ")).Append("\n\n");

        if (info.Quick)
        {
            text.Append("> **Warning: quick mode.** These figures come from `./tests/benchmarks.sh --quick` (short runs, ");
            text.Append("small sizes). They show that the harness works; they are not the reference figures.\n\n");
        }
    }

    private static void WriteMachine(StringBuilder text, RunInfo info)
    {
        text.Append("## Machine and versions\n\n");
        text.Append(Invariant, $"Taken on {info.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant)} UTC; ");
        text.Append(Invariant, $"the whole run took {FormatDuration(info.Elapsed)}.\n\n");

        var rows = info.Machine.Concat(info.Versions).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        text.Append("| | |\n|---|---|\n");
        foreach (var (name, value) in rows)
        {
            text.Append(Invariant, $"| {Cell(name)} | {Cell(value)} |\n");
        }

        text.Append('\n');
    }

    private static void WriteSummary(StringBuilder text, IReadOnlyList<Figure> figures, string chartRelativePath)
    {
        text.Append("## Summary\n\n");
        text.Append(Invariant, $"![Throughput of SessionGrains, Redis and PostgreSQL per scenario, log scale]({chartRelativePath})\n\n");

        var targeted = figures.Where(figure => IsSessionGrains(figure.Contender) && figure.Target is not null).ToList();
        if (targeted.Count == 0)
        {
            text.Append("No SessionGrains figure has a target.\n\n");
            return;
        }

        var met = targeted.Count(figure => figure.MeetsTarget == true);
        text.Append(Invariant, $"{met} of {Plural(targeted.Count, "target")} met.\n\n");
        text.Append("| Scenario | SessionGrains | Target | Result |\n|---|---:|---:|---|\n");
        foreach (var figure in targeted)
        {
            var scenario = string.Equals(figure.Contender, SessionGrains, StringComparison.Ordinal)
                ? figure.Scenario
                : $"{figure.Scenario} ({figure.Contender})";
            var bound = figure.HigherIsBetter ? "≥" : "≤";
            var verdict = figure.MeetsTarget == true ? "met" : "not met";
            text.Append(Invariant, $"| {Cell(scenario)} | {FormatValue(figure.Median, figure.Unit)} | ");
            text.Append(Invariant, $"{bound} {FormatValue(figure.Target!.Value, figure.Unit)} | {verdict} |\n");
        }

        text.Append('\n');
    }

    private static void WriteFigures(StringBuilder text, IReadOnlyList<Figure> figures)
    {
        text.Append("## Figures\n");
        foreach (var (scenario, group) in GroupByScenario(figures))
        {
            text.Append(Invariant, $"\n### {scenario}\n\n");
            text.Append("| Contender | Median | Runs | Ratio |\n|---|---:|---:|---:|\n");

            var reference = group.Find(figure => string.Equals(figure.Contender, SessionGrains, StringComparison.Ordinal))
                ?? group.Find(figure => IsSessionGrains(figure.Contender));
            foreach (var figure in group)
            {
                var runs = string.Join("; ", figure.Runs.Select(run => FormatNumber(run, figure.Unit)));
                var ratio = ReferenceEquals(figure, reference) ? "—" : Ratio(reference, figure);
                text.Append(Invariant, $"| {Cell(figure.Contender)} | {FormatValue(figure.Median, figure.Unit)} | ");
                text.Append(Invariant, $"{Cell(runs)} | {ratio} |\n");
            }

            foreach (var note in Notes(group))
            {
                text.Append('\n').Append(note).Append('\n');
            }
        }
    }

    /// <summary>How much better SessionGrains is than <paramref name="other"/>: above 1 is better, whatever the unit.</summary>
    private static string Ratio(Figure? reference, Figure other)
    {
        if (reference is null)
        {
            return "—";
        }

        var ratio = other.HigherIsBetter ? reference.Median / other.Median : other.Median / reference.Median;
        if (!double.IsFinite(ratio) || ratio <= 0)
        {
            return "n/a";
        }

        var shown = ratio >= 9.95 ? ratio.ToString("N0", Invariant)
            : ratio >= 0.995 ? ratio.ToString("N1", Invariant)
            : Significant(ratio, 2);
        return shown + "×";
    }

    /// <summary>Each distinct note once, prefixed with the contenders it belongs to unless SessionGrains' own.</summary>
    private static IEnumerable<string> Notes(List<Figure> group)
    {
        var notes = new List<(string Note, List<string> Contenders, bool Own)>();
        foreach (var figure in group)
        {
            if (string.IsNullOrWhiteSpace(figure.Note))
            {
                continue;
            }

            var note = figure.Note.Trim();
            var index = notes.FindIndex(entry => string.Equals(entry.Note, note, StringComparison.Ordinal));
            if (index < 0)
            {
                notes.Add((note, [figure.Contender], IsSessionGrains(figure.Contender)));
            }
            else
            {
                var entry = notes[index];
                if (!entry.Contenders.Contains(figure.Contender, StringComparer.Ordinal))
                {
                    entry.Contenders.Add(figure.Contender);
                }

                notes[index] = entry with { Own = entry.Own || IsSessionGrains(figure.Contender) };
            }
        }

        return notes.Select(entry => entry.Own ? entry.Note : $"{JoinNames(entry.Contenders)}: {entry.Note}");
    }

    private static string JoinNames(List<string> names) => names.Count switch
    {
        1 => names[0],
        2 => $"{names[0]} and {names[1]}",
        _ => string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1],
    };

    /// <summary>Text made safe for a table cell: no pipes that would split it, no line breaks that would end the row.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private static string Plural(int count, string noun) =>
        count.ToString("N0", Invariant) + " " + noun + (count == 1 ? "" : "s");

    /// <summary>"45 s", "12 min 5 s", "1 h 3 min", "500 ms".</summary>
    internal static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = duration.Negate();
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            return Math.Round(duration.TotalMilliseconds).ToString("N0", Invariant) + " ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            var seconds = Math.Round(duration.TotalSeconds, 1);
            return seconds.ToString(seconds % 1 == 0 ? "N0" : "N1", Invariant) + " s";
        }

        var total = TimeSpan.FromSeconds(Math.Round(duration.TotalSeconds));
        if (total < TimeSpan.FromHours(1))
        {
            return total.Seconds == 0
                ? string.Create(Invariant, $"{total.Minutes} min")
                : string.Create(Invariant, $"{total.Minutes} min {total.Seconds} s");
        }

        var hours = (int)total.TotalHours;
        return total.Minutes == 0
            ? string.Create(Invariant, $"{hours} h")
            : string.Create(Invariant, $"{hours} h {total.Minutes} min");
    }
}
