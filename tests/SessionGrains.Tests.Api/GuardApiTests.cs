using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The sign-in guard over HTTP, through the real server: a site's key checks and reports its own attempts, a block
/// is a 429 problem with its scope, end and message, operators list and lift blocks, and bad input changes nothing.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class GuardApiTests(ApiServer server)
{
    [Fact]
    public async Task Four_failed_sign_ins_from_an_address_block_it_with_the_sites_message_and_a_retry_after()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        for (var i = 0; i < 4; i++)
        {
            using var allowed = await CheckAsync(site, siteId, "203.0.113.7", "ann");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.True((await allowed.ReadJsonAsync()).GetProperty("allowed").GetBoolean());
            using var reported = await ReportAsync(site, siteId, "203.0.113.7", "ann", succeeded: false);
            Assert.Equal(HttpStatusCode.NoContent, reported.StatusCode);
        }

        using var blocked = await CheckAsync(site, siteId, "203.0.113.7", "ann");

        var problem = await blocked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "sign_in_blocked");
        Assert.Equal("address", problem.GetProperty("scope").GetString());
        Assert.Equal("Too many failed sign-ins from your address. Please try again in 60 seconds.", problem.GetProperty("detail").GetString());
        Assert.InRange(problem.GetProperty("blockedUntil").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
        Assert.InRange(blocked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        using var elsewhere = await CheckAsync(site, siteId, "203.0.113.8", "ann");
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Operators_list_and_lift_blocks_and_a_site_key_may_not()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5, guard = new { maxFailures = 1, perUserMaxFailures = 1 } });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        using var admin = server.Admin();
        (await ReportAsync(site, siteId, "2001:db8:5:6::1", "ann", succeeded: false)).Dispose();

        using var listed = await admin.GetAsync(new Uri($"/api/sites/{siteId}/blocks", UriKind.Relative));
        var view = await listed.ReadJsonAsync();
        Assert.Equal(
            [("address", "2001:db8:5:6::/64"), ("user", "ann")],
            view.GetProperty("blocks").EnumerateArray().Select(b => (b.GetProperty("scope").GetString(), b.GetProperty("value").GetString())).Order());
        Assert.Equal(1, view.GetProperty("trackedAddresses").GetInt32());

        using var notHers = await site.GetAsync(new Uri($"/api/sites/{siteId}/blocks", UriKind.Relative));
        await notHers.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var liftedBySite = await site.DeleteAsync(new Uri($"/api/sites/{siteId}/blocks?userId=ann", UriKind.Relative));
        await liftedBySite.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        using var lifted = await admin.DeleteAsync(new Uri($"/api/sites/{siteId}/blocks?address={Uri.EscapeDataString("2001:db8:5:6::/64")}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        using var again = await admin.DeleteAsync(new Uri($"/api/sites/{siteId}/blocks?address={Uri.EscapeDataString("2001:db8:5:6::1")}", UriKind.Relative));
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "unknown_block");
        using var neither = await admin.DeleteAsync(new Uri($"/api/sites/{siteId}/blocks", UriKind.Relative));
        await neither.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");

        using var userStillBlocked = await CheckAsync(site, siteId, "2001:db8:5:6::1", "ann");
        Assert.Equal("user", (await userStillBlocked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "sign_in_blocked")).GetProperty("scope").GetString());
        using var otherUser = await CheckAsync(site, siteId, "2001:db8:5:6::1", "bob");
        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
    }

    [Fact]
    public async Task A_site_key_may_not_use_another_sites_guard()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        var otherId = await server.NewSiteAsync(new { limit = 5 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        using var check = await CheckAsync(site, otherId, "203.0.113.7", "ann");
        using var report = await ReportAsync(site, otherId, "203.0.113.7", "ann", succeeded: false);

        await check.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await report.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Bad_input_is_refused_with_every_field_named_and_counts_nothing()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        using var admin = server.Admin();

        using var both = await ReportAsync(site, siteId, "10.1", "", succeeded: false);
        var problem = await both.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(["clientIp", "userId"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        using var noOutcome = await site.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts", new { clientIp = "203.0.113.7", userId = "ann" });
        Assert.Contains("succeeded", (await noOutcome.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_json")).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var settings = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { guard = new { maxFailures = 0, blockSeconds = 0, addressMessage = "Wait {secs}." } });
        var refused = await settings.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(["guard.addressMessage", "guard.blockSeconds", "guard.maxFailures"], refused.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        using var blocks = await admin.GetAsync(new Uri($"/api/sites/{siteId}/blocks", UriKind.Relative));
        Assert.Equal(0, (await blocks.ReadJsonAsync()).GetProperty("trackedAddresses").GetInt32());
        var guard = (await admin.GetSiteAsync(siteId)).GetProperty("guard");
        Assert.Equal(4, guard.GetProperty("maxFailures").GetInt32());
        Assert.Equal(60, guard.GetProperty("blockSeconds").GetInt32());
    }

    private static Task<HttpResponseMessage> CheckAsync(HttpClient client, string siteId, string clientIp, string userId) =>
        client.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts/check", new { clientIp, userId });

    private static Task<HttpResponseMessage> ReportAsync(HttpClient client, string siteId, string clientIp, string userId, bool succeeded) =>
        client.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts", new { clientIp, userId, succeeded });
}
