using System.Net;
using System.Net.Http.Headers;

namespace SessionGrains.Tests.Api;

/// <summary>Usage over HTTP: a site's days as JSON or CSV, its range in total, every site's month, and bad ranges refused naming the field.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class UsageApiTests(ApiServer server)
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string ThisMonth => DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_site_key_reads_its_days_as_JSON_and_as_CSV()
    {
        var siteId = await BusySiteAsync();
        using var siteClient = server.Client(await server.IssueKeyAsync(siteId));

        using var response = await siteClient.GetAsync(new Uri($"/api/sites/{siteId}/usage?from={Today}&to={Today}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal(("day", siteId), (report.GetProperty("granularity").GetString(), report.GetProperty("siteId").GetString()));
        var day = Assert.Single(report.GetProperty("periods").EnumerateArray());
        Assert.Equal(Today, day.GetProperty("start").GetString());
        Assert.Equal((1, 1, 1, 1), (day.GetProperty("peakCounted").GetInt32(), day.GetProperty("sessionsStarted").GetInt32(), day.GetProperty("refusedSiteFull").GetInt32(), day.GetProperty("distinctUsers").GetInt32()));
        Assert.True(day.GetProperty("distinctUsersEstimated").GetBoolean());
        Assert.Empty(day.GetProperty("changedLimits").EnumerateArray());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/sites/{siteId}/usage");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await siteClient.SendAsync(request);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("siteId,start,days,peakCounted,minutesAtLimit", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{siteId},{Today},1,1,", Assert.Single(lines[1..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_range_comes_as_one_period_from_its_first_day()
    {
        var siteId = await BusySiteAsync();
        await server.ConfigureSiteAsync(siteId, new { limit = 2 });
        using var admin = server.Admin();
        var from = DateTime.UtcNow.AddDays(-40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await admin.GetAsync(new Uri($"/api/sites/{siteId}/usage?from={from}&granularity=total", UriKind.Relative));

        var report = await response.ReadJsonAsync();
        Assert.Equal("total", report.GetProperty("granularity").GetString());
        var total = Assert.Single(report.GetProperty("periods").EnumerateArray());
        Assert.Equal((from, 1, 1), (total.GetProperty("start").GetString(), total.GetProperty("days").GetInt32(), total.GetProperty("refusedSiteFull").GetInt32()));

        // The site's first settings were its only limit until the change to 2, which is listed with its time.
        var change = Assert.Single(total.GetProperty("changedLimits").EnumerateArray());
        Assert.Equal(2, change.GetProperty("limit").GetInt32());
        Assert.InRange(change.GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal((1, 2, 1), (total.GetProperty("limitLowest").GetInt32(), total.GetProperty("limitHighest").GetInt32(), total.GetProperty("limitChanges").GetInt32()));
    }

    [Fact]
    public async Task The_admin_reads_every_site_s_month()
    {
        var siteId = await BusySiteAsync();
        using var admin = server.Admin();

        using var response = await admin.GetAsync(new Uri($"/api/usage?month={ThisMonth}&limit=500", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var month = await response.ReadJsonAsync();
        Assert.Equal(ThisMonth, month.GetProperty("month").GetString());
        var site = month.GetProperty("sites").EnumerateArray().Single(s => s.GetProperty("siteId").GetString() == siteId);
        Assert.Equal(1, site.GetProperty("usage").GetProperty("refusedSiteFull").GetInt32());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/usage?month={ThisMonth}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var csv = await admin.SendAsync(request);
        Assert.Contains($"\r\n{siteId},{ThisMonth}-01,1,1,", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/sites/{site}/usage?from=2026-13-01", "from")]
    [InlineData("/api/sites/{site}/usage?from=2026-02-01&to=2026-01-01", "to")]
    [InlineData("/api/sites/{site}/usage?from=2020-01-01&to=2026-01-01", "from")]
    [InlineData("/api/sites/{site}/usage?granularity=week", "granularity")]
    [InlineData("/api/usage", "month")]
    [InlineData("/api/usage?month=2026-1", "month")]
    [InlineData("/api/usage?month=2026-01&limit=0", "limit")]
    public async Task A_bad_range_is_refused_naming_the_field(string path, string field)
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var admin = server.Admin();

        using var response = await admin.GetAsync(new Uri(path.Replace("{site}", siteId, StringComparison.Ordinal), UriKind.Relative));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    /// <summary>A site with one session started and one sign-in refused for being full.</summary>
    private async Task<string> BusySiteAsync()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(siteId, "ann");
        using var refused = await admin.OpenSessionAsync(siteId, "bob");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        return siteId;
    }
}
