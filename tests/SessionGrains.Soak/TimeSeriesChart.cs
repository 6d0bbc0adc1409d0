using System.Globalization;
using System.Text;

namespace SessionGrains.Soak;

/// <summary>
/// Each server's resident memory and CPU use over the soak as a standalone SVG (two panels, one line per server,
/// the faults as dashed lines), with no scripts or fonts of its own, so GitHub shows it as an image.
/// </summary>
public static class TimeSeriesChart
{
    private const double Width = 900;
    private const double PanelHeight = 190;
    private const double Left = 64;
    private const double Right = 16;
    private const double Top = 40;
    private const double Gap = 56;
    private static readonly string[] Colors = ["#2563eb", "#db2777", "#059669"];
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<ProcessSample> samples, IReadOnlyList<FaultRecord> faults, double length)
    {
        var body = new StringBuilder();
        Text(body, Left, 22, "Each server's memory and CPU over the soak (dashed: K killed, S stopped, D database restarted)", 14, "start", bold: true);
        Panel(body, samples, faults, length, Top, "resident memory, MB", s => s.ResidentMegabytes);
        Panel(body, samples, faults, length, Top + PanelHeight + Gap, "CPU, % of one core", s => s.CpuPercent);
        var height = Top + (2 * PanelHeight) + Gap + 44;
        for (var server = 0; server < Colors.Length; server++)
        {
            var x = Left + (server * 110);
            body.Append(Invariant, $"<rect x=\"{x:0.#}\" y=\"{height - 18:0.#}\" width=\"14\" height=\"4\" fill=\"{Colors[server]}\"/>");
            Text(body, x + 20, height - 13, $"server {server}", 12, "start");
        }

        return string.Create(Invariant, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width:0}\" height=\"{height:0}\" viewBox=\"0 0 {Width:0} {height:0}\" font-family=\"system-ui, sans-serif\">")
            + $"<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>{body}</svg>\n";
    }

    private static void Panel(StringBuilder body, IReadOnlyList<ProcessSample> samples, IReadOnlyList<FaultRecord> faults, double length, double top, string title, Func<ProcessSample, double> value)
    {
        var plotWidth = Width - Left - Right;
        var high = NiceCeiling(samples.Count == 0 ? 1 : samples.Max(value));
        double X(double at) => Left + (at / Math.Max(length, 1) * plotWidth);
        double Y(double v) => top + PanelHeight - (v / high * PanelHeight);

        Text(body, Left, top - 8, title, 12, "start");
        body.Append(Invariant, $"<rect x=\"{Left:0.#}\" y=\"{top:0.#}\" width=\"{plotWidth:0.#}\" height=\"{PanelHeight:0.#}\" fill=\"none\" stroke=\"#d1d5db\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var v = high * i / 4;
            body.Append(Invariant, $"<line x1=\"{Left:0.#}\" x2=\"{Left + plotWidth:0.#}\" y1=\"{Y(v):0.#}\" y2=\"{Y(v):0.#}\" stroke=\"#f3f4f6\"/>");
            Text(body, Left - 6, Y(v) + 4, v.ToString("0.#", Invariant), 11, "end");
        }

        var minutes = length / 60;
        var step = minutes <= 5 ? 1 : minutes <= 30 ? 5 : 10;
        for (var minute = 0; minute <= minutes; minute += step)
        {
            Text(body, X(minute * 60), top + PanelHeight + 16, $"{minute} min", 11, "middle");
        }

        foreach (var fault in faults)
        {
            var mark = fault.Kind switch { FaultKind.SiloKilled => "K", FaultKind.SiloStopped => "S", _ => "D" };
            body.Append(Invariant, $"<line x1=\"{X(fault.Began):0.#}\" x2=\"{X(fault.Began):0.#}\" y1=\"{top:0.#}\" y2=\"{top + PanelHeight:0.#}\" stroke=\"#9ca3af\" stroke-dasharray=\"4 3\"/>");
            Text(body, X(fault.Began) + 3, top + 12, mark, 11, "start");
        }

        foreach (var server in samples.GroupBy(s => s.Server).OrderBy(g => g.Key))
        {
            // A gap of more than three sampling periods is a restart: the line breaks there.
            var points = server.OrderBy(s => s.At).ToList();
            var typical = points.Count > 1 ? (points[^1].At - points[0].At) / (points.Count - 1) : 1;
            var path = new StringBuilder();
            for (var i = 0; i < points.Count; i++)
            {
                var move = i == 0 || points[i].At - points[i - 1].At > 3 * typical;
                path.Append(Invariant, $"{(move ? "M" : "L")}{X(points[i].At):0.#},{Y(value(points[i])):0.#} ");
            }

            body.Append(Invariant, $"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{Colors[server.Key % Colors.Length]}\" stroke-width=\"1.5\"/>");
        }
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(value, 1e-9))));
        foreach (var factor in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (factor * magnitude >= value)
            {
                return factor * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static void Text(StringBuilder body, double x, double y, string text, double size, string anchor, bool bold = false) =>
        body.Append(Invariant, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"{size:0.#}\" text-anchor=\"{anchor}\" fill=\"#111827\"{(bold ? " font-weight=\"600\"" : "")}>{System.Security.SecurityElement.Escape(text)}</text>");
}
