using System.Globalization;
using System.Text;

namespace SessionGrains.Benchmarks.Harness;

/// <summary>
/// Draws the throughput figures ("/s") as a standalone SVG: one group of horizontal bars per scenario, one bar per
/// contender, on a log10 scale so that a thousand and a million per second are both visible.
/// </summary>
/// <remarks>
/// The SVG has no scripts, stylesheets or web fonts (GitHub shows it as an image) and its text is laid out by
/// estimating character widths, so the output depends only on the figures: same figures, same bytes.
/// </remarks>
public static class SvgChart
{
    private const double Width = 900;
    private const double Margin = 16;
    private const double NameFontSize = 13;
    private const double NameCharWidth = 7.2;
    private const double NameColumnMax = 300;
    private const double ValueCharWidth = 6.9;
    private const double HeadingHeight = 28;
    private const double RowHeight = 24;
    private const double BarHeight = 16;
    private const double TargetLabelHeight = 12;
    private const double GroupGap = 10;
    private const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private enum ContenderKind
    {
        SessionGrains,
        Redis,
        PostgreSql,
        Other,
    }

    /// <summary>The SVG document (UTF-8 text, no XML declaration needed).</summary>
    /// <param name="figures">All figures; only those with unit "/s" are drawn, grouped by scenario in order of first appearance.</param>
    public static string Render(IReadOnlyList<Figure> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);

        var groups = MarkdownReport.GroupByScenario(figures.Where(figure => figure.Unit == "/s"));
        var bars = groups.SelectMany(group => group.Figures).ToList();

        // Layout: a name column sized to the longest contender name, the plot, and room for the value after a bar.
        var longestName = bars.Count == 0 ? 0 : bars.Max(figure => figure.Contender.Length);
        var longestValue = bars.Count == 0 ? 0 : bars.Max(figure => ValueLabel(figure).Length);
        var plotLeft = Margin + Math.Clamp(longestName * NameCharWidth, 100, NameColumnMax) + 12;
        var plotRight = Width - Margin - Math.Clamp((longestValue * ValueCharWidth) + 8, 60, 140);
        var (axisLow, axisHigh) = AxisRange(bars);
        double X(double value) =>
            plotLeft + ((Math.Log10(value) - axisLow) / (axisHigh - axisLow) * (plotRight - plotLeft));

        var body = new StringBuilder();
        var y = 24.0;
        Text(body, Margin, y, "Throughput per scenario", 16, "#111827", bold: true);
        y += 18;
        Text(body, Margin, y, "Operations per second, log scale: longer is better.", 12, "#4b5563");
        y += 20;
        y = Legend(body, bars, y);

        if (bars.Count == 0)
        {
            y += 24;
            Text(body, Margin, y, "No throughput figures in this run.", 13, "#4b5563");
            return Document(body, y + Margin, groups);
        }

        // Tick labels above the plot; the grid is drawn once the plot's height is known.
        y += 22;
        var ticks = Enumerable.Range((int)axisLow, (int)axisHigh - (int)axisLow + 1).ToList();
        foreach (var power in ticks)
        {
            Text(body, X(Math.Pow(10, power)), y, TickLabel(power), 11, "#4b5563", anchor: "middle");
        }

        y += 8;
        var plotTop = y;
        var plot = new StringBuilder();
        foreach (var (scenario, group) in groups)
        {
            Text(plot, Margin, y + 19, scenario, 13, "#111827", bold: true, halo: true);
            y += HeadingHeight;
            foreach (var figure in group)
            {
                y = Bar(plot, figure, y, plotLeft, X);
            }

            y += GroupGap;
        }

        var plotBottom = y - GroupGap + 4;
        var grid = new StringBuilder();
        foreach (var power in ticks)
        {
            var x = Fixed(X(Math.Pow(10, power)));
            grid.Append(Invariant, $"""  <line x1="{x}" y1="{Fixed(plotTop)}" x2="{x}" y2="{Fixed(plotBottom)}" stroke="#e5e7eb" stroke-width="1"/>""").Append('\n');
        }

        y = plotBottom + 16;
        foreach (var power in ticks)
        {
            Text(grid, X(Math.Pow(10, power)), y, TickLabel(power), 11, "#4b5563", anchor: "middle");
        }

        body.Append(grid).Append(plot);
        return Document(body, y + Margin - 4, groups);
    }

    /// <summary>One contender's row: its name, the bar, the value at the bar's end, and the target if it has one.</summary>
    private static double Bar(StringBuilder svg, Figure figure, double y, double plotLeft, Func<double, double> x)
    {
        var target = KindOf(figure) == ContenderKind.SessionGrains && figure.Target is { } t && t > 0 ? t : (double?)null;
        if (target is not null)
        {
            y += TargetLabelHeight;
        }

        var barTop = y + ((RowHeight - BarHeight) / 2);
        var baseline = barTop + BarHeight - 4;
        Text(svg, plotLeft - 8, baseline, Shorten(figure.Contender), NameFontSize, "#1f2937", anchor: "end");

        var median = figure.Median;
        var end = plotLeft;
        if (double.IsFinite(median) && median > 0)
        {
            end = Math.Max(plotLeft + 1, x(median));
            svg.Append(Invariant, $"""  <rect x="{Fixed(plotLeft)}" y="{Fixed(barTop)}" width="{Fixed(end - plotLeft)}" height="{Fixed(BarHeight)}" rx="2" fill="{Colour(KindOf(figure))}"/>""").Append('\n');
        }

        // The value goes after the bar, or after the target tick when the tick would run through it.
        var label = ValueLabel(figure);
        var labelX = end + 6;
        if (target is { } goal)
        {
            var goalX = x(goal);
            var tx = Fixed(goalX);
            svg.Append(Invariant, $"""  <line x1="{tx}" y1="{Fixed(y - 1)}" x2="{tx}" y2="{Fixed(y + RowHeight)}" stroke="#111827" stroke-width="1.5" stroke-dasharray="3 2"/>""").Append('\n');
            Text(svg, goalX, y - 3, "target", 10, "#111827", anchor: "middle");
            if (goalX >= end - 2 && goalX < labelX + (label.Length * ValueCharWidth) + 2)
            {
                labelX = goalX + 6;
            }
        }

        Text(svg, labelX, baseline, label, 12, "#111827", halo: true);
        return y + RowHeight;
    }

    private static double Legend(StringBuilder svg, List<Figure> bars, double y)
    {
        var x = Margin;
        foreach (var kind in Enum.GetValues<ContenderKind>())
        {
            var names = bars.Where(figure => KindOf(figure) == kind).Select(figure => figure.Contender)
                .Distinct(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                continue;
            }

            var label = names.Count == 1 ? names[0]
                : kind switch
                {
                    ContenderKind.SessionGrains => "SessionGrains",
                    ContenderKind.Redis => "Redis",
                    ContenderKind.PostgreSql => "PostgreSQL",
                    _ => "Other",
                };
            svg.Append(Invariant, $"""  <rect x="{Fixed(x)}" y="{Fixed(y - 10)}" width="12" height="12" rx="2" fill="{Colour(kind)}"/>""").Append('\n');
            Text(svg, x + 18, y, label, 12, "#1f2937");
            x += 18 + (label.Length * ValueCharWidth) + 22;
        }

        return y;
    }

    /// <summary>The axis from 100/s (or the power of ten below the smallest value) to the power of ten above the largest.</summary>
    private static (double Low, double High) AxisRange(List<Figure> bars)
    {
        var values = bars.Select(figure => figure.Median)
            .Concat(bars.Where(figure => KindOf(figure) == ContenderKind.SessionGrains && figure.Target is not null)
                .Select(figure => figure.Target!.Value))
            .Where(value => double.IsFinite(value) && value > 0)
            .ToList();
        if (values.Count == 0)
        {
            return (2, 6);
        }

        var low = Math.Min(2, Math.Floor(Math.Log10(values.Min())));
        var high = Math.Max(low + 1, Math.Ceiling(Math.Log10(values.Max())));
        return (low, high);
    }

    private static string Document(StringBuilder body, double height, List<(string Scenario, List<Figure> Figures)> groups)
    {
        var h = Fixed(Math.Ceiling(height));
        var contenders = groups.SelectMany(group => group.Figures).Select(figure => figure.Contender)
            .Distinct(StringComparer.Ordinal).ToList();
        var summary = groups.Count == 0
            ? "Throughput chart: no throughput figures in this run."
            : string.Create(Invariant, $"Horizontal bar chart, log scale: throughput in operations per second of {string.Join(", ", contenders)} in {groups.Count} scenario{(groups.Count == 1 ? "" : "s")}; longer is better.");
        var description = string.Join(" ", groups.Select(group =>
            group.Scenario + ": " + string.Join(", ", group.Figures.Select(figure => figure.Contender + " " + ValueLabel(figure)))
            + "."));

        var svg = new StringBuilder();
        svg.Append(Invariant, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Fixed(Width)}" height="{h}" viewBox="0 0 {Fixed(Width)} {h}" role="img" aria-label="{Escape(summary)}" font-family="{Escape(FontFamily)}">""").Append('\n');
        svg.Append("  <title>SessionGrains throughput benchmarks</title>\n");
        if (description.Length > 0)
        {
            svg.Append("  <desc>").Append(Escape(description)).Append("</desc>\n");
        }

        svg.Append(Invariant, $"""  <rect width="100%" height="100%" fill="#ffffff"/>""").Append('\n');
        svg.Append(body);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Text(
        StringBuilder svg,
        double x,
        double y,
        string text,
        double size,
        string colour,
        bool bold = false,
        string anchor = "start",
        bool halo = false)
    {
        svg.Append(Invariant, $"""  <text x="{Fixed(x)}" y="{Fixed(y)}" font-size="{Fixed(size)}" fill="{colour}" """);
        if (bold)
        {
            svg.Append("""font-weight="600" """);
        }

        if (anchor != "start")
        {
            svg.Append(Invariant, $"""text-anchor="{anchor}" """);
        }

        if (halo)
        {
            // A white outline under the glyphs keeps text readable where it crosses a grid or target line.
            svg.Append("""stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke" """);
        }

        svg.Length--;
        svg.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>A contender name that fits the name column, cut with an ellipsis if it would not.</summary>
    private static string Shorten(string name)
    {
        var fits = (int)(NameColumnMax / NameCharWidth);
        return name.Length <= fits ? name : name[..(fits - 1)].TrimEnd() + "…";
    }

    private static string ValueLabel(Figure figure) => MarkdownReport.FormatValue(figure.Median, figure.Unit);

    private static string TickLabel(int power) => power switch
    {
        < 0 => Math.Pow(10, power).ToString("0.##########", Invariant),
        < 3 => Math.Pow(10, power).ToString("0", Invariant),
        < 6 => Math.Pow(10, power - 3).ToString("0", Invariant) + "k",
        < 9 => Math.Pow(10, power - 6).ToString("0", Invariant) + "M",
        _ => Math.Pow(10, power - 9).ToString("0", Invariant) + "G",
    };

    private static ContenderKind KindOf(Figure figure) =>
        MarkdownReport.IsSessionGrains(figure.Contender) ? ContenderKind.SessionGrains
        : figure.Contender.Contains("Redis", StringComparison.OrdinalIgnoreCase) ? ContenderKind.Redis
        : figure.Contender.Contains("Postgre", StringComparison.OrdinalIgnoreCase) ? ContenderKind.PostgreSql
        : ContenderKind.Other;

    private static string Colour(ContenderKind kind) => kind switch
    {
        ContenderKind.SessionGrains => "#2563eb",
        ContenderKind.Redis => "#dc2626",
        ContenderKind.PostgreSql => "#16a34a",
        _ => "#6b7280",
    };

    /// <summary>A coordinate with at most one decimal, invariant: "12", "12.5".</summary>
    private static string Fixed(double value) => Math.Round(value, 1).ToString("0.#", Invariant);

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => escaped.Append("&amp;"),
                '<' => escaped.Append("&lt;"),
                '>' => escaped.Append("&gt;"),
                '"' => escaped.Append("&quot;"),
                '\'' => escaped.Append("&apos;"),
                _ when char.IsControl(c) && c is not '\n' and not '\t' => escaped.Append(' '),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
