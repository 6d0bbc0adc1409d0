using System.Globalization;
using SessionGrains.Grains.Sites;
using SessionGrains.Server.Api.Contracts;
using SessionGrains.Server.Api.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Problems;
using SessionGrains.Server.Reports;

namespace SessionGrains.Server.Api;

/// <summary>
/// Usage for pricing limits: one site's days or months (admin or the site's key), and every site's month (admin), as
/// JSON or, with <c>Accept: text/csv</c>, as CSV for a spreadsheet.
/// </summary>
internal static class UsageEndpoints
{
    private const int DefaultDays = 30;
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;

    public static void Map(RouteGroupBuilder api)
    {
        api = api.MapGroup(string.Empty).WithTags(DocumentFacts.SitesTag);
        api.MapGet("/sites/{siteId}/usage", GetSiteUsageAsync)
            .WithName("GetSiteUsage")
            .RequireAuthorization(AccessPolicies.SiteOrAdmin)
            .Produces<SiteUsageReportView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("A site's usage per UTC day, per month or in total (from, to: yyyy-MM-dd, the last 30 days unless given; granularity: day, month or total); CSV with Accept: text/csv.");

        api.MapGet("/usage", GetMonthAsync)
            .WithName("GetUsageMonth")
            .RequireAuthorization(AccessPolicies.Admin)
            .Produces<UsageMonthView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Every site's usage in one UTC month (month: yyyy-MM), a page of sites at a time; all of them as CSV with Accept: text/csv.");
    }

    private static async Task<IResult> GetSiteUsageAsync(
        string siteId,
        string? from,
        string? to,
        string? granularity,
        HttpRequest request,
        IGrainFactory grains,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider clock)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var last = to is null ? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) : Day(to, "to");
        var first = from is null ? last.AddDays(1 - DefaultDays) : Day(from, "from");
        var grouping = granularity?.ToUpperInvariant() switch
        {
            null or "DAY" => UsageGranularity.Day,
            "MONTH" => UsageGranularity.Month,
            "TOTAL" => UsageGranularity.Total,
            _ => throw new InvalidRequestException("granularity", "The granularity is day, month or total."),
        };

        var periods = await grains.GetSiteGrain(siteId).GetUsageAsync(first, last, grouping);
        if (UsageCsv.Wanted(request))
        {
            return UsageCsv.Of(periods.Select(period => (siteId, period)));
        }

        return TypedResults.Ok(new SiteUsageReportView
        {
            SiteId = siteId,
            From = first,
            To = last,
            Granularity = grouping.ToString().ToLowerInvariant(),
            Periods = [.. periods.Select(SiteUsageView.From)],
        });
    }

    private static async Task<IResult> GetMonthAsync(
        string? month,
        string? cursor,
        int? limit,
        HttpRequest request,
        IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        if (month is null || !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            throw new InvalidRequestException("month", "The month is required, as yyyy-MM.");
        }

        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            throw new InvalidRequestException("limit", $"A page holds 1 to {MaxPageSize} sites.");
        }

        var siteIds = (await grains.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).ListAsync()).Order(StringComparer.Ordinal).ToList();
        var csv = UsageCsv.Wanted(request);

        // CSV is the whole month for a spreadsheet; JSON comes a page at a time, after the cursor's site id.
        var page = csv ? siteIds : [.. siteIds.Where(id => cursor is null || string.CompareOrdinal(id, cursor) > 0).Take(size + 1)];
        var more = !csv && page.Count > size;
        if (more)
        {
            page.RemoveAt(size);
        }

        var usages = await grains.GetUsageTotalsAsync(page, start, start.AddMonths(1).AddDays(-1), cancellationToken);
        if (csv)
        {
            return UsageCsv.Of(page.Zip(usages).Where(row => row.Second is not null).Select(row => (row.First, row.Second!)));
        }

        return TypedResults.Ok(new UsageMonthView
        {
            Month = start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            Sites = [.. page.Select((siteId, i) => new SiteMonthView { SiteId = siteId, Usage = usages[i] is { } usage ? SiteUsageView.From(usage) : null })],
            NextCursor = more ? page[^1] : null,
        });
    }

    private static DateOnly Day(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new InvalidRequestException(field, "A day is written yyyy-MM-dd.");
}
