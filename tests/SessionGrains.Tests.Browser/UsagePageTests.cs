using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Browser;

/// <summary>
/// The operator's usage pages in headless Chromium, against the real server: every site's last 30 days sorted by who
/// needs a bigger limit, its CSV download, and a site's 90-day chart.
/// </summary>
public sealed class UsagePageTests(ApiServer server, Chromium chromium) : IClassFixture<ApiServer>, IClassFixture<Chromium>
{
    // SessionGrains.Server.Admin.UsageChart.Right: the chart's right edge in SVG units.
    private const double UsageChartRight = 712;

    private Uri Server => server.Process.Address;

    [Fact]
    public async Task The_usage_page_puts_the_site_at_its_limit_first_sorts_by_refusals_and_downloads_as_CSV()
    {
        var (busy, quiet) = await BusyAndQuietSitesAsync();
        var page = await SignedInAsync();
        await page.ClickAsync("#nav-usage");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Usage");

        // By time at the limit, most first: the full site is above the one that never filled.
        var busyRow = page.Locator($"#usage tr[data-site='{busy}']");
        await Expect(busyRow.Locator("td.refused")).ToHaveTextAsync("3");
        await Expect(busyRow.Locator("td.peak")).ToHaveTextAsync("1");
        await Expect(busyRow.Locator("td.at-limit")).Not.ToHaveTextAsync("–");
        await Expect(page.Locator($"#usage tr[data-site='{quiet}'] td.at-limit")).ToHaveTextAsync("–");
        await Expect(page.Locator("#usage-sort-atlimit").Locator("..")).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.True(await RowIndexAsync(page, busy) < await RowIndexAsync(page, quiet));
        await Screenshots.SaveAsync(page, "admin-usage.png");

        // By refusals, most first; once more, fewest first.
        await page.ClickAsync("#usage-sort-refused");
        await Expect(page.Locator("#usage-sort-refused").Locator("..")).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.True(await RowIndexAsync(page, busy) < await RowIndexAsync(page, quiet));
        await page.ClickAsync("#usage-sort-refused");
        await Expect(page.Locator("#usage-sort-refused").Locator("..")).ToHaveAttributeAsync("aria-sort", "ascending");
        Assert.True(await RowIndexAsync(page, quiet) < await RowIndexAsync(page, busy));

        // The download is the API's CSV of the whole range, a row per site with activity, in the table's order.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#usage-csv"));
        Assert.Matches(new Regex(@"^sessiongrains-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$"), download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("siteId,start,days,peakCounted,minutesAtLimit,sessionsStarted,distinctUsers", lines[0], StringComparison.Ordinal);
        var busyLine = Assert.Single(lines, line => line.StartsWith(busy + ",", StringComparison.Ordinal)).Split(',');
        Assert.Equal(("1", "1", "3"), (busyLine[3], busyLine[5], busyLine[12]));
        Assert.True(Array.FindIndex(lines, line => line.StartsWith(quiet + ",", StringComparison.Ordinal)) < Array.FindIndex(lines, line => line.StartsWith(busy + ",", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_site_page_draws_its_last_90_days_of_peaks_against_the_limit_and_refusals()
    {
        var (busy, quiet) = await BusyAndQuietSitesAsync();
        var page = await SignedInAsync();
        await page.GotoAsync(new Uri(Server, "/admin/usage").ToString());
        await page.ClickAsync($"#usage tr[data-site='{busy}'] a");

        var chart = page.Locator("#usage-chart");
        await Expect(chart.Locator("title")).ToHaveTextAsync(new Regex("highest peak 1, [1-9][0-9]* minutes at the limit, 3 refused, 0 sign-ins blocked"));
        await Expect(chart.Locator("rect.peak")).ToHaveCountAsync(1);
        await Expect(chart.Locator("rect.refusal")).ToHaveCountAsync(1);

        // Today is the last of the 90 days: its bar ends at the right edge, and reaches the limit it ran into.
        var bar = chart.Locator("rect.peak");
        var right = Number((await bar.GetAttributeAsync("x"))!) + Number((await bar.GetAttributeAsync("width"))!);
        Assert.InRange(right, UsageChartRight - 1, UsageChartRight);
        // The limit is drawn from the site's first day only (it had none before), at the height of the peak that met it.
        var limit = Regex.Match((await chart.Locator("path.limit").GetAttributeAsync("d"))!, @"^M([\d.]+),([\d.]+) L([\d.]+),([\d.]+)$");
        Assert.True(limit.Success, "The limit is one step, across today only.");
        Assert.InRange(Number(limit.Groups[1].Value), Number((await bar.GetAttributeAsync("x"))!) - 1, Number((await bar.GetAttributeAsync("x"))!));
        Assert.Equal((await bar.GetAttributeAsync("y"), UsageChartRight), (limit.Groups[2].Value, Number(limit.Groups[3].Value)));

        // A site that only ever had one of its five seats taken never touched the limit line.
        await page.GotoAsync(new Uri(Server, $"/admin/sites/{quiet}").ToString());
        await Expect(page.Locator("#usage-chart title")).ToHaveTextAsync(new Regex("highest peak 1, 0 minutes at the limit, 0 refused"));
        await Expect(page.Locator("#usage-chart rect.refusal")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_site_without_activity_in_90_days_says_so_instead_of_an_empty_chart()
    {
        var siteId = await server.NewSiteAsync(new { limit = 3 });
        var page = await SignedInAsync($"/admin/sites/{siteId}");

        await Expect(page.Locator("#usage-empty")).ToHaveTextAsync(new Regex("^No activity from \\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2}\\.$"));
        await Expect(page.Locator("#usage-chart")).ToHaveCountAsync(0);
    }

    /// <summary>A full one-seat site that refused three sign-ins, and a five-seat site with one session.</summary>
    private async Task<(string Busy, string Quiet)> BusyAndQuietSitesAsync()
    {
        var busy = await server.NewSiteAsync(new { limit = 1 });
        var quiet = await server.NewSiteAsync(new { limit = 5 });
        using var api = server.Admin();
        await api.OpenedSessionIdAsync(busy, "ann");
        await api.OpenedSessionIdAsync(quiet, "ann");
        foreach (var user in new[] { "bob", "cat", "dan" })
        {
            using var refused = await api.OpenSessionAsync(busy, user);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        return (busy, quiet);
    }

    private static double Number(string svgNumber) => double.Parse(svgNumber, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> RowIndexAsync(IPage page, string siteId) =>
        await page.Locator("#usage tbody tr").EvaluateAllAsync<int>($"rows => rows.findIndex(row => row.dataset.site === '{siteId}')");

    private Task<IPage> SignedInAsync(string path = "/admin") => chromium.SignedInOperatorAsync(Server, path);
}
