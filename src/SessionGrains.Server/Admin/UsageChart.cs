using System.Globalization;
using System.Text;

namespace SessionGrains.Server.Admin;

/// <summary>
/// The geometry of a site's 90-day usage chart, drawn as SVG by <c>Pages/_UsageChart.cshtml</c>: each day's peak of
/// counted sessions as a bar against the limit in force at the day's end (a dashed step line, broken on days without a
/// limit of seats), refusals as bars in a band of their own below with the sign-ins the guard blocked stacked on them,
/// and the first of each month marked.
/// </summary>
public sealed record UsageChart
{
    public const int Days = 90;
    public const int Width = HistoryChart.Width;
    public const int Height = HistoryChart.Height;
    public const int Left = HistoryChart.Left;
    public const int Right = HistoryChart.Right;
    public const int PeakTop = HistoryChart.ActiveTop;
    public const int PeakBottom = HistoryChart.ActiveBottom;
    public const int RefusalTop = HistoryChart.RefusalTop;
    public const int RefusalBottom = HistoryChart.RefusalBottom;
    public const int LabelBaseline = HistoryChart.LabelBaseline;

    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    public required IReadOnlyList<ChartBar> PeakBars { get; init; }

    /// <summary>An SVG path of the limit, a step per day; null when no day had a limit of seats.</summary>
    public required string? LimitPath { get; init; }

    public required IReadOnlyList<ChartBar> RefusalBars { get; init; }

    public required IReadOnlyList<ChartBar> GuardBars { get; init; }

    public required int PeakScale { get; init; }

    public required int RefusalScale { get; init; }

    public required IReadOnlyList<ChartTick> Ticks { get; init; }

    /// <summary>What the chart shows, in words, for screen readers and as its tooltip.</summary>
    public required string Summary { get; init; }

    /// <summary>True when no day of the range had any activity: the page says so instead of drawing an empty chart.</summary>
    public bool Empty => PeakBars.Count == 0 && RefusalBars.Count == 0 && GuardBars.Count == 0;

    /// <param name="days">The site's usage per day within <paramref name="from"/> to <paramref name="to"/>; days without activity have none.</param>
    public static UsageChart Draw(IReadOnlyList<SiteUsage> days, DateOnly from, DateOnly to)
    {
        var count = to.DayNumber - from.DayNumber + 1;
        var byIndex = new SiteUsage?[count];
        foreach (var day in days.Where(day => day.Start >= from && day.Start <= to))
        {
            byIndex[day.Start.DayNumber - from.DayNumber] = day;
        }

        // A day without activity kept the limit of the day before; before the first day with activity it is unknown (no line).
        var limits = new int[count];
        var known = SiteSettings.Unlimited;
        for (var i = 0; i < count; i++)
        {
            known = byIndex[i]?.Limit ?? known;
            limits[i] = known;
        }

        var peaks = byIndex.Select(day => day?.PeakCounted ?? 0).ToArray();
        var refused = byIndex.Select(day => day?.Refused ?? 0).ToArray();
        var blocked = byIndex.Select(day => day?.GuardBlocks ?? 0).ToArray();
        var peakScale = Math.Max(1, Math.Max(peaks.DefaultIfEmpty(0).Max(), limits.Where(limit => limit > 0).DefaultIfEmpty(0).Max()));
        var refusalScale = Math.Max(1, refused.Select((r, i) => r + blocked[i]).DefaultIfEmpty(0).Max());
        var step = (double)(Right - Left) / count;

        return new UsageChart
        {
            From = from,
            To = to,
            PeakBars = Bars(peaks, new int[count], step, PeakTop, PeakBottom, peakScale),
            LimitPath = LimitSteps(limits, step, peakScale),
            RefusalBars = Bars(refused, new int[count], step, RefusalTop, RefusalBottom, refusalScale),
            GuardBars = Bars(blocked, refused, step, RefusalTop, RefusalBottom, refusalScale),
            PeakScale = peakScale,
            RefusalScale = refusalScale,
            Ticks = MonthTicks(from, count, step),
            Summary = string.Create(
                CultureInfo.InvariantCulture,
                $"Daily peak of counted sessions against the limit, and refusals, {from:yyyy-MM-dd} to {to:yyyy-MM-dd} (UTC): highest peak {peaks.DefaultIfEmpty(0).Max()}, {days.Sum(day => day.MinutesAtLimit)} minutes at the limit, {refused.Sum()} refused, {blocked.Sum()} sign-ins blocked."),
        };
    }

    /// <summary>A bar per day with a value, standing on <paramref name="below"/> (the series under it, or zeros).</summary>
    private static List<ChartBar> Bars(int[] values, int[] below, double step, int top, int bottom, int scale)
    {
        var bars = new List<ChartBar>();
        var gap = step > 4 ? 1.0 : 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > 0)
            {
                var floor = bottom - ((bottom - top) * below[i] / (double)scale);
                var height = Math.Max(1.0, (bottom - top) * values[i] / (double)scale);
                bars.Add(new ChartBar(Svg.Number(Left + (i * step) + (gap / 2)), Svg.Number(floor - height), Svg.Number(step - gap), Svg.Number(height)));
            }
        }

        return bars;
    }

    private static string? LimitSteps(int[] limits, double step, int scale)
    {
        var path = new StringBuilder();
        for (var i = 0; i < limits.Length; i++)
        {
            if (limits[i] <= 0)
            {
                continue;
            }

            // A move where the line starts again or the limit changes; a line across the day.
            var y = Svg.Number(PeakBottom - ((PeakBottom - PeakTop) * limits[i] / (double)scale));
            var startsAgain = i == 0 || limits[i - 1] <= 0;
            path.Append(CultureInfo.InvariantCulture, $"{(startsAgain ? "M" : "L")}{Svg.Number(Left + (i * step))},{y} L{Svg.Number(Left + ((i + 1) * step))},{y} ");
        }

        return path.Length == 0 ? null : path.ToString().TrimEnd();
    }

    private static List<ChartTick> MonthTicks(DateOnly from, int count, double step)
    {
        var ticks = new List<ChartTick>();
        for (var i = 0; i < count; i++)
        {
            var day = from.AddDays(i);
            if (day.Day == 1)
            {
                ticks.Add(new ChartTick(Svg.Number(Left + (i * step)), day.ToString("MMM d", CultureInfo.InvariantCulture)));
            }
        }

        return ticks;
    }
}
