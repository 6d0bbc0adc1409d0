using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class SessionApiTests(ApiServer server)
{
    [Fact]
    public async Task Open_admits_with_201_the_session_and_its_location()
    {
        var siteId = await server.NewSiteAsync(new { limit = 2, idleTimeoutSeconds = 300 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        using var response = await site.OpenSessionAsync(siteId, "ann");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var opened = await response.ReadJsonAsync();
        var sessionId = opened.GetProperty("sessionId").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", sessionId);
        Assert.Equal(1, opened.GetProperty("active").GetInt32());
        Assert.Equal(2, opened.GetProperty("limit").GetInt32());
        Assert.False(opened.GetProperty("exempt").GetBoolean());
        Assert.InRange(opened.GetProperty("idleExpiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(290), DateTimeOffset.UtcNow.AddSeconds(301));
        Assert.Equal($"/api/sites/{siteId}/sessions/{sessionId}", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("2001:0db8:0:0:0:0:0:0001", "2001:db8::1")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("198.51.100.7", "198.51.100.7")]
    public async Task The_client_ip_is_stored_and_shown_in_one_canonical_form(string sent, string shown)
    {
        var siteId = await server.NewSiteAsync(new { limit = 2 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        using var response = await site.PostAsync(
            new Uri($"/api/sites/{siteId}/sessions", UriKind.Relative),
            HttpJson.Json($$"""{"userId":"ann","clientIp":"{{sent}}"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var admin = server.Admin();
        var session = Assert.Single((await admin.GetSiteAsync(siteId)).GetProperty("sessions").EnumerateArray());
        Assert.Equal(shown, session.GetProperty("clientIp").GetString());
    }

    [Fact]
    public async Task A_full_site_refuses_with_429_site_full_its_message_and_when_to_retry()
    {
        var siteId = await server.NewSiteAsync(new { limit = 2, idleTimeoutSeconds = 600, message = "Sorry, there are already {active} users working on this site. Please try again later." });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        await site.OpenedSessionIdAsync(siteId, "ann");
        await site.OpenedSessionIdAsync(siteId, "bob");

        using var response = await site.OpenSessionAsync(siteId, "cat");

        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "site_full");
        Assert.Equal("Sorry, there are already 2 users working on this site. Please try again later.", problem.GetProperty("detail").GetString());
        Assert.Equal(2, problem.GetProperty("active").GetInt32());
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
        Assert.InRange(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 590, 600);
        Assert.Equal(2, (await site.GetSiteAsync(siteId)).GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task A_user_past_the_per_user_limit_is_refused_with_429_user_limit_and_the_user_limit_message()
    {
        var siteId = await server.NewSiteAsync(new { limit = 10, perUserLimit = 1, userLimitMessage = "You have {active} {active|session|sessions} of {limit} here." });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(siteId, "bob");
        await admin.OpenedSessionIdAsync(siteId, "ann");

        using var response = await admin.OpenSessionAsync(siteId, "ann");

        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "user_limit");
        Assert.Equal(2, problem.GetProperty("active").GetInt32());
        Assert.Equal("You have 1 session of 1 here.", problem.GetProperty("detail").GetString());
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_site_holding_its_most_sessions_refuses_exempt_roles_too_with_429_max_sessions()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5, maxSessions = 2, exemptRoles = new[] { "operator" } });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(siteId, "ann");
        using var exempt = await admin.OpenSessionAsync(siteId, "op-1", "operator");
        Assert.Equal(HttpStatusCode.Created, exempt.StatusCode);

        using var refused = await admin.OpenSessionAsync(siteId, "op-2", "operator");
        using var counted = await admin.OpenSessionAsync(siteId, "bob");

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "max_sessions");
        var problem = await counted.AssertProblemAsync(HttpStatusCode.TooManyRequests, "max_sessions");
        Assert.Equal(1, problem.GetProperty("active").GetInt32());
        var site = await admin.GetSiteAsync(siteId);
        Assert.Equal(2, site.GetProperty("maxSessions").GetInt32());
        Assert.Equal(1, site.GetProperty("active").GetInt32());
        Assert.Equal(1, site.GetProperty("exempt").GetInt32());
    }

    [Fact]
    public async Task A_closed_site_refuses_with_503_site_closed_and_its_own_message()
    {
        var siteId = await server.NewSiteAsync(new { limit = 0, closedMessage = "Closed for maintenance: {limit} {limit|seat|seats} open." });
        using var admin = server.Admin();

        using var response = await admin.OpenSessionAsync(siteId, "ann");

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "site_closed");
        Assert.Equal(0, problem.GetProperty("limit").GetInt32());
        Assert.Equal("Closed for maintenance: 0 seats open.", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await admin.GetSiteAsync(siteId)).GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_opens_over_HTTP_admit_exactly_the_limit()
    {
        var siteId = await server.NewSiteAsync(new { limit = 10 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => site.OpenSessionAsync(siteId, $"user-{i}")));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(190, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, (await site.GetSiteAsync(siteId)).GetProperty("active").GetInt32());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Touch_returns_the_new_idle_deadline()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5, idleTimeoutSeconds = 120 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var sessionId = await site.OpenedSessionIdAsync(siteId, "ann");

        using var response = await site.TouchAsync(siteId, sessionId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange((await response.ReadJsonAsync()).GetProperty("idleExpiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(110), DateTimeOffset.UtcNow.AddSeconds(121));
    }

    [Fact]
    public async Task Reading_a_session_tells_its_deadline_without_moving_it()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5, idleTimeoutSeconds = 120 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        using var opened = await site.OpenSessionAsync(siteId, "ann");
        var sessionId = (await opened.ReadJsonAsync()).GetProperty("sessionId").GetString()!;
        var location = opened.Headers.Location!;
        using var touched = await site.TouchAsync(siteId, sessionId);
        var deadline = (await touched.ReadJsonAsync()).GetProperty("idleExpiresAt").GetDateTimeOffset();

        using var read = await site.GetAsync(location);
        using var readAgain = await site.GetAsync(location);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var state = await read.ReadJsonAsync();
        Assert.Equal(sessionId, state.GetProperty("sessionId").GetString());
        Assert.Equal(deadline, state.GetProperty("idleExpiresAt").GetDateTimeOffset());
        Assert.Equal(deadline, (await readAgain.ReadJsonAsync()).GetProperty("idleExpiresAt").GetDateTimeOffset());

        (await site.DeleteAsync(location)).Dispose();
        using var ended = await site.GetAsync(location);
        Assert.Equal("logout", (await ended.AssertProblemAsync(HttpStatusCode.Gone, "session_ended")).GetProperty("reason").GetString());
        using var unknown = await site.GetAsync(new Uri($"/api/sites/{siteId}/sessions/{SessionId.New()}", UriKind.Relative));
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "unknown_session");
    }

    [Fact]
    public async Task Touching_a_session_the_site_never_admitted_is_404_unknown_session()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var admin = server.Admin();

        using var response = await admin.TouchAsync(siteId, SessionId.New().ToString());

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "unknown_session");
    }

    [Fact]
    public async Task Logout_with_the_site_key_ends_the_session_idempotently_and_a_touch_then_says_logout()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var sessionId = await site.OpenedSessionIdAsync(siteId, "ann");

        using var first = await site.EndSessionAsync(siteId, sessionId);
        using var second = await site.EndSessionAsync(siteId, sessionId);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(0, (await site.GetSiteAsync(siteId)).GetProperty("active").GetInt32());
        await AssertEndedAsync(site, siteId, sessionId, "logout");
    }

    [Fact]
    public async Task A_delete_with_the_admin_key_is_a_kick()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var admin = server.Admin();
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var sessionId = await site.OpenedSessionIdAsync(siteId, "ann");

        using (var kicked = await admin.EndSessionAsync(siteId, sessionId))
        {
            Assert.Equal(HttpStatusCode.NoContent, kicked.StatusCode);
        }

        Assert.Equal(0, (await site.GetSiteAsync(siteId)).GetProperty("active").GetInt32());
        await AssertEndedAsync(site, siteId, sessionId, "kicked");
    }

    [Fact]
    public async Task An_evicted_session_is_told_so_on_its_next_touch()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "evict-idlest" });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var first = await site.OpenedSessionIdAsync(siteId, "ann");

        var second = await site.OpenedSessionIdAsync(siteId, "bob");

        var sessions = (await site.GetSiteAsync(siteId)).GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetString());
        Assert.Equal([second], sessions);
        await AssertEndedAsync(site, siteId, first, "evicted");
    }

    [Fact]
    public async Task An_idle_session_stops_counting_and_a_touch_then_says_idle()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1, idleTimeoutSeconds = 1 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var sessionId = await site.OpenedSessionIdAsync(siteId, "ann");

        // Real time on a real server: wait for the seat to come free, reading the site only (reads are not activity).
        await Eventually.WaitForAsync(
            async () => (await site.GetSiteAsync(siteId)).GetProperty("active").GetInt32(),
            active => active == 0);

        await AssertEndedAsync(site, siteId, sessionId, "idle");
        await site.OpenedSessionIdAsync(siteId, "bob");
    }

    private static async Task AssertEndedAsync(HttpClient client, string siteId, string sessionId, string reason)
    {
        var problem = await Eventually.WaitForAsync(
            async () =>
            {
                using var touch = await client.TouchAsync(siteId, sessionId);
                return (touch.StatusCode, Body: await touch.Content.ReadAsStringAsync());
            },
            touch => touch.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Gone, problem.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(problem.Body).RootElement;
        Assert.Equal("session_ended", body.GetProperty("code").GetString());
        Assert.Equal(reason, body.GetProperty("reason").GetString());
    }
}
