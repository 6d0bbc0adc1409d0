using System.Globalization;
using System.Text;

namespace SessionGrains.Server.Admin;

/// <summary>
/// The geometry of a site's 24-hour chart, drawn as SVG by <c>Pages/_HistoryChart.cshtml</c>: counted sessions as a
/// step line over the limit (dashed), the tickets waiting in the line as a second step line on the same scale (people
/// are people, seated or waiting), refusals as bars in a band of their own below with the attempts the sign-in guard
/// refused stacked on them, hour marks every three hours.
/// </summary>
public sealed record HistoryChart
{
    public const int Width = 720;
    public const int Height = 230;
    public const int Left = 44;
    public const int Right = Width - 8;
    public const int ActiveTop = 12;
    public const int ActiveBottom = 142;
    public const int RefusalTop = 162;
    public const int RefusalBottom = 202;
    public const int LabelBaseline = 222;

    public required string ActivePoints { get; init; }

    /// <summary>The waiting line's length; null when nobody waited in the 24 hours, so a site that never queues draws no second line.</summary>
    public required string? WaitingPoints { get; init; }

    public required IReadOnlyList<ChartBar> RefusalBars { get; init; }

    /// <summary>The attempts the sign-in guard refused, each bar on top of its minute's refusal bar.</summary>
    public required IReadOnlyList<ChartBar> GuardBars { get; init; }

    /// <summary>Where the limit line runs, when the site has a limit of seats.</summary>
    public required string? LimitY { get; init; }

    public required int ActiveScale { get; init; }

    public required int RefusalScale { get; init; }

    public required IReadOnlyList<ChartTick> Ticks { get; init; }

    /// <summary>What the chart shows, in words, for screen readers and as its tooltip.</summary>
    public required string Summary { get; init; }

    public static HistoryChart Draw(SiteHistory history, int limit)
    {
        var buckets = history.Active.Count;
        var peak = history.Active.DefaultIfEmpty(0).Max();
        var waiting = history.Waiting.Count == buckets ? history.Waiting : new int[buckets];
        var waitingPeak = waiting.DefaultIfEmpty(0).Max();
        var activeScale = Math.Max(1, Math.Max(Math.Max(peak, waitingPeak), limit > 0 ? limit : 0));
        var guard = history.GuardRefusals.Count == buckets ? history.GuardRefusals : new int[buckets];
        var refusalScale = Math.Max(1, history.Refusals.Select((refused, i) => refused + guard[i]).DefaultIfEmpty(0).Max());
        var step = (double)(Right - Left) / Math.Max(1, buckets);

        return new HistoryChart
        {
            ActivePoints = StepLine(history.Active, step, activeScale),
            WaitingPoints = waitingPeak > 0 ? StepLine(waiting, step, activeScale) : null,
            RefusalBars = Bars(history.Refusals, new int[buckets], step, refusalScale),
            GuardBars = Bars(guard, history.Refusals, step, refusalScale),
            LimitY = limit > 0 ? Svg.Number(ActiveY(limit, activeScale)) : null,
            ActiveScale = activeScale,
            RefusalScale = refusalScale,
            Ticks = HourTicks(history.From, buckets, step),
            Summary = string.Create(
                CultureInfo.InvariantCulture,
                $"Counted sessions and refusals over the last 24 hours (UTC), one bucket a minute: peak {peak}{(limit > 0 ? $" of {limit}" : string.Empty)}, {(waitingPeak > 0 ? $"at most {waitingPeak} waiting, " : string.Empty)}{history.Refusals.Sum()} refused, {guard.Sum()} sign-in attempts blocked."),
        };
    }

    private static string StepLine(IReadOnlyList<int> values, double step, int scale)
    {
        // A point only where the count changes: a quiet day is a handful of points, not 1,440.
        var points = new StringBuilder();
        var previous = -1;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] == previous)
            {
                continue;
            }

            var x = Left + (i * step);
            if (previous >= 0)
            {
                Append(points, x, ActiveY(previous, scale));
            }

            Append(points, x, ActiveY(values[i], scale));
            previous = values[i];
        }

        Append(points, Right, ActiveY(Math.Max(previous, 0), scale));
        return points.ToString().TrimEnd();
    }

    /// <summary>A bar per minute with a value, standing on <paramref name="below"/> (the series under it, or zeros).</summary>
    private static List<ChartBar> Bars(IReadOnlyList<int> values, IReadOnlyList<int> below, double step, int scale)
    {
        var bars = new List<ChartBar>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] > 0)
            {
                var bottom = RefusalBottom - ((RefusalBottom - RefusalTop) * below[i] / (double)scale);
                var height = Math.Max(1.0, (RefusalBottom - RefusalTop) * values[i] / (double)scale);
                bars.Add(new ChartBar(Svg.Number(Left + (i * step)), Svg.Number(bottom - height), Svg.Number(Math.Max(step, 1.5)), Svg.Number(height)));
            }
        }

        return bars;
    }

    private static List<ChartTick> HourTicks(DateTimeOffset from, int buckets, double step)
    {
        var ticks = new List<ChartTick>();
        var firstHour = new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        for (var hour = firstHour; hour < from.AddMinutes(buckets); hour = hour.AddHours(1))
        {
            if (hour.Hour % 3 == 0)
            {
                var x = Left + ((hour - from).TotalMinutes * step);
                ticks.Add(new ChartTick(Svg.Number(x), hour.ToString("HH:mm", CultureInfo.InvariantCulture)));
            }
        }

        return ticks;
    }

    private static double ActiveY(int value, int scale) =>
        Svg.Round(ActiveBottom - ((ActiveBottom - ActiveTop) * value / (double)scale));

    private static void Append(StringBuilder points, double x, double y) =>
        points.Append(CultureInfo.InvariantCulture, $"{Svg.Round(x)},{Svg.Round(y)} ");
}

/// <summary>One refusal bar, in SVG user units.</summary>
public sealed record ChartBar(string X, string Y, string Width, string Height);

/// <summary>An hour mark on the time axis, in SVG user units.</summary>
public sealed record ChartTick(string X, string Label);
