using System.Globalization;
using System.Net;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The server's metrics in Prometheus' text format: the counters move by exactly what a scenario did, and only the
/// admin key may read them. The counters are the silo's totals, so each test compares readings before and after.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class MetricsTests(ApiServer server)
{
    [Fact]
    public async Task Admissions_refusals_ends_and_the_line_move_the_counters_by_exactly_what_happened()
    {
        using var admin = server.Admin();
        var before = await ScrapeAsync(admin);
        var siteId = await server.NewSiteAsync(new { limit = 2, onFull = "queue" });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var ann = await site.OpenedSessionIdAsync(siteId, "ann");
        await site.OpenedSessionIdAsync(siteId, "bob");
        using (var queued = await site.OpenSessionAsync(siteId, "cat"))
        {
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            (await site.EndSessionAsync(siteId, ann)).Dispose();
            using var admitted = await site.GetAsync(queued.Headers.Location);
            Assert.Equal(HttpStatusCode.Created, admitted.StatusCode);
        }

        await server.ConfigureSiteAsync(siteId, new { onFull = "deny" });
        using (var refused = await site.OpenSessionAsync(siteId, "dan"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        var after = await Eventually.WaitForAsync(() => ScrapeAsync(admin), now => Moved(before, now, "sessiongrains_ends_total", "reason", "logout") >= 1);

        Assert.Equal(3, Moved(before, after, "sessiongrains_admissions_total", "exempt", "false"));
        Assert.Equal(1, Moved(before, after, "sessiongrains_refusals_total", "reason", "site_full"));
        Assert.Equal(1, Moved(before, after, "sessiongrains_ends_total", "reason", "logout"));
        Assert.Equal(1, Moved(before, after, "sessiongrains_line_events_total", "event", "joined"));
        Assert.Equal(1, Moved(before, after, "sessiongrains_line_events_total", "event", "admitted"));
        Assert.True(Moved(before, after, "sessiongrains_admission_duration_seconds_count", null, null) >= 4);
        Assert.True(Sum(after, "sessiongrains_sessions_counted", null, null) >= 2);
        Assert.Contains(after.Keys, name => name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_guard_block_and_the_stores_commits_are_counted()
    {
        using var admin = server.Admin();
        var before = await ScrapeAsync(admin);
        var siteId = await server.NewSiteAsync(new { limit = 5, guard = new { maxFailures = 2 } });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        for (var i = 0; i < 2; i++)
        {
            using var failed = await site.PostAsync(
                new Uri($"/api/sites/{siteId}/sign-in-attempts", UriKind.Relative),
                HttpJson.Json("""{"clientIp": "198.51.100.7", "userId": "mallory", "succeeded": false}"""));
            Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        }

        var after = await ScrapeAsync(admin);

        Assert.Equal(1, Moved(before, after, "sessiongrains_guard_blocks_total", "scope", "address"));
        Assert.Equal(0, Moved(before, after, "sessiongrains_guard_blocks_total", "scope", "user"));
        Assert.True(Moved(before, after, "sessiongrains_storage_commits_total", "outcome", "stored") >= 1);
        Assert.Equal(0, Moved(before, after, "sessiongrains_storage_commits_total", "outcome", "failed"));
    }

    [Fact]
    public async Task The_grafana_dashboard_parses_and_every_query_names_a_metric_the_server_exports()
    {
        using var admin = server.Admin();
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "queue", guard = new { maxFailures = 1 } });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var ann = await site.OpenedSessionIdAsync(siteId, "ann");
        (await site.OpenSessionAsync(siteId, "bob")).Dispose();
        (await site.EndSessionAsync(siteId, ann)).Dispose();
        await server.ConfigureSiteAsync(siteId, new { limit = 0 });
        (await site.OpenSessionAsync(siteId, "cat")).Dispose();
        (await site.PostAsync(
            new Uri($"/api/sites/{siteId}/sign-in-attempts", UriKind.Relative),
            HttpJson.Json("""{"clientIp": "198.51.100.8", "userId": "mallory", "succeeded": false}"""))).Dispose();
        var exported = (await ScrapeAsync(admin)).Keys.Select(sample => sample.Split('{')[0]).ToHashSet(StringComparer.Ordinal);

        using var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "grafana", "sessiongrains.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)
            .ToList();
        var named = queries
            .SelectMany(query => System.Text.RegularExpressions.Regex.Matches(query, @"\b(?:sessiongrains|orleans|http_server|kestrel)_[a-z_]+").Select(m => m.Value))
            .Distinct()
            .ToList();

        Assert.Equal("SessionGrains", dashboard.RootElement.GetProperty("title").GetString());
        Assert.NotEmpty(queries);
        Assert.All(queries, query => Assert.Matches(@"\b(?:sessiongrains|orleans|http_server)_", query));
        var missing = named.Where(name => !exported.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"The dashboard asks for metrics the server does not export: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Only_the_admin_key_reads_the_metrics()
    {
        using var anonymous = server.Anonymous();
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        using var nobody = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var siteKey = await site.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, siteKey.StatusCode);
    }

    /// <summary>Every sample of the text format, by its name and labels as written.</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // name{labels} value [timestamp]; a label's value may hold braces itself (a route), the sample's value not.
            var end = line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            var value = line[(end + 1)..].Trim().Split(' ')[0];
            samples[line[..end]] = double.Parse(value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    private static double Sum(Dictionary<string, double> samples, string name, string? label, string? value) => samples
        .Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal))
            && (label is null || s.Key.Contains($"{label}=\"{value}\"", StringComparison.Ordinal)))
        .Sum(s => s.Value);

    private static double Moved(Dictionary<string, double> before, Dictionary<string, double> after, string name, string? label, string? value) =>
        Sum(after, name, label, value) - Sum(before, name, label, value);
}
