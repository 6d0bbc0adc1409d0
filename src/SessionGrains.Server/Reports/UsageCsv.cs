using System.Globalization;
using System.Text;

namespace SessionGrains.Server.Reports;

/// <summary>
/// Usage as CSV for a spreadsheet (RFC 4180, comma, invariant culture): a header, then a row per site and period, with
/// the same names as the API's JSON fields. The API and the operator's usage page write the same columns.
/// </summary>
internal static class UsageCsv
{
    public const string ContentType = "text/csv";

    private static readonly string Header = string.Join(
        ',',
        "siteId",
        "start",
        "days",
        "peakCounted",
        "minutesAtLimit",
        "sessionsStarted",
        "distinctUsers",
        "distinctUsersEstimated",
        "refusedSiteFull",
        "refusedSiteClosed",
        "refusedUserLimit",
        "refusedMaxSessions",
        "refused",
        "guardBlocks",
        "lineJoined",
        "lineAdmitted",
        "lineLeft",
        "lineExpired",
        "waitMedianSeconds",
        "waitP95Seconds",
        "limit",
        "limitLowest",
        "limitHighest",
        "limitChanges");

    /// <summary>True when the caller asks for CSV rather than JSON.</summary>
    public static bool Wanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase));

    public static IResult Of(IEnumerable<(string SiteId, SiteUsage Usage)> rows) =>
        Results.Text(Write(rows), ContentType + "; charset=utf-8", Encoding.UTF8);

    public static string Write(IEnumerable<(string SiteId, SiteUsage Usage)> rows)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var (siteId, u) in rows)
        {
            csv.AppendJoin(
                ',',
                Text(siteId),
                u.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Number(u.Days),
                Number(u.PeakCounted),
                Number(u.MinutesAtLimit),
                Number(u.SessionsStarted),
                Number(u.DistinctUsers),
                u.DistinctUsersEstimated ? "true" : "false",
                Number(u.RefusedSiteFull),
                Number(u.RefusedSiteClosed),
                Number(u.RefusedUserLimit),
                Number(u.RefusedMaxSessions),
                Number(u.Refused),
                Number(u.GuardBlocks),
                Number(u.LineJoined),
                Number(u.LineAdmitted),
                Number(u.LineLeft),
                Number(u.LineExpired),
                Seconds(u.WaitMedian),
                Seconds(u.WaitP95),
                Number(u.Limit),
                Number(u.LimitLowest),
                Number(u.LimitHighest),
                Number(u.LimitChanges));
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Seconds(TimeSpan? wait) => wait is { } value ? Number((int)value.TotalSeconds) : string.Empty;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Site ids are [A-Za-z0-9._-]: nothing to quote, but one starting with '-' could be read as a formula.
    private static string Text(string value) => value.StartsWith('-') ? "'" + value : value;
}
