using System.Globalization;
using System.Text;
using SessionGrains.Server.Api.Contracts;

namespace SessionGrains.Server.Api;

/// <summary>
/// Usage as CSV for a spreadsheet (RFC 4180, comma, invariant culture): a header, then a row per site and period, with
/// the same names as the JSON fields.
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

    public static IResult Of(IEnumerable<(string SiteId, SiteUsageView Usage)> rows)
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
                u.WaitMedianSeconds is { } median ? Number(median) : string.Empty,
                u.WaitP95Seconds is { } p95 ? Number(p95) : string.Empty,
                Number(u.Limit),
                Number(u.LimitLowest),
                Number(u.LimitHighest),
                Number(u.LimitChanges));
            csv.Append("\r\n");
        }

        return Results.Text(csv.ToString(), ContentType + "; charset=utf-8", Encoding.UTF8);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Site ids are [A-Za-z0-9._-]: nothing to quote, but one starting with '-' could be read as a formula.
    private static string Text(string value) => value.StartsWith('-') ? "'" + value : value;
}
