using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace SessionGrains.Tests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class SiteApiTests(ApiServer server)
{
    [Fact]
    public async Task Put_sets_the_given_fields_and_leaves_the_others_unchanged()
    {
        var siteId = await server.NewSiteAsync(new { limit = 12, idleTimeoutSeconds = 900, onFull = "evict-idlest", perUserLimit = 2, exemptRoles = new[] { "support" }, message = "Full: {active}/{limit}." });
        using var admin = server.Admin();

        using var response = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { limit = 20 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var settings = await response.ReadJsonAsync();
        Assert.Equal(siteId, settings.GetProperty("siteId").GetString());
        Assert.Equal(20, settings.GetProperty("limit").GetInt32());
        Assert.Equal(900, settings.GetProperty("idleTimeoutSeconds").GetInt32());
        Assert.Equal("evict-idlest", settings.GetProperty("onFull").GetString());
        Assert.Equal(2, settings.GetProperty("perUserLimit").GetInt32());
        Assert.Equal(["support"], settings.GetProperty("exemptRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Full: {active}/{limit}.", settings.GetProperty("message").GetString());
        Assert.Equal(SiteSettings.DefaultClosedMessage, settings.GetProperty("closedMessage").GetString());
        Assert.Equal(SiteSettings.DefaultUserLimitMessage, settings.GetProperty("userLimitMessage").GetString());
        Assert.Equal(20, (await admin.GetSiteAsync(siteId)).GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Put_with_an_invalid_value_is_refused_with_every_bad_field_named()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var admin = server.Admin();

        using var response = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { limit = -2, idleTimeoutSeconds = 0, perUserLimit = 0, message = "", maxSessions = 0, closedMessage = "Closed to {actve} users", userLimitMessage = "{}" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["closedMessage", "idleTimeoutSeconds", "limit", "maxSessions", "message", "perUserLimit", "userLimitMessage"], fields);
        Assert.Contains("{actve}", problem.GetProperty("errors").GetProperty("closedMessage")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("seconds", problem.GetProperty("errors").GetProperty("idleTimeoutSeconds")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(10_000, (await admin.GetSiteAsync(siteId)).GetProperty("maxSessions").GetInt32());
        Assert.Equal(5, (await admin.GetSiteAsync(siteId)).GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task The_site_list_has_every_site_with_its_limit_and_counts()
    {
        var busy = await server.NewSiteAsync(new { limit = 3, exemptRoles = new[] { "support" } });
        var quiet = await server.NewSiteAsync(new { limit = 7 });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(busy, "ann");
        await admin.OpenedSessionIdAsync(busy, "bob");
        using (var exempt = await admin.OpenSessionAsync(busy, "sue", "support"))
        {
            Assert.Equal(HttpStatusCode.Created, exempt.StatusCode);
        }

        await admin.OpenedSessionIdAsync(busy, "cat");
        using (var refused = await admin.OpenSessionAsync(busy, "dan"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        using var response = await admin.GetAsync(new Uri("/api/sites", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sites = (await response.ReadJsonAsync()).EnumerateArray().ToDictionary(s => s.GetProperty("siteId").GetString()!);
        Assert.Equal(3, sites[busy].GetProperty("limit").GetInt32());
        Assert.Equal(3, sites[busy].GetProperty("active").GetInt32());
        Assert.Equal(1, sites[busy].GetProperty("exempt").GetInt32());
        Assert.Equal(1, sites[busy].GetProperty("refusalsLastHour").GetInt32());
        Assert.Equal(3, sites[busy].GetProperty("peakToday").GetInt32());
        Assert.Equal(7, sites[quiet].GetProperty("limit").GetInt32());
        Assert.Equal(0, sites[quiet].GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task A_site_lists_its_live_sessions_with_everything_the_site_knows()
    {
        var siteId = await server.NewSiteAsync(new { limit = 10, idleTimeoutSeconds = 600 });
        using var admin = server.Admin();
        using (var opened = await admin.PostAsJsonAsync($"/api/sites/{siteId}/sessions", new { userId = "ann", roles = new[] { "editor" }, clientIp = "203.0.113.7", userAgent = "Firefox/140" }))
        {
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        }

        var site = await admin.GetSiteAsync(siteId);

        Assert.Equal(1, site.GetProperty("active").GetInt32());
        Assert.Equal(10, site.GetProperty("limit").GetInt32());
        var session = Assert.Single(site.GetProperty("sessions").EnumerateArray());
        Assert.Equal(32, session.GetProperty("sessionId").GetString()!.Length);
        Assert.Equal("ann", session.GetProperty("userId").GetString());
        Assert.Equal(["editor"], session.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("203.0.113.7", session.GetProperty("clientIp").GetString());
        Assert.Equal("Firefox/140", session.GetProperty("userAgent").GetString());
        Assert.False(session.GetProperty("exempt").GetBoolean());
        var lastActivity = session.GetProperty("lastActivityAt").GetDateTimeOffset();
        Assert.True(session.GetProperty("startedAt").GetDateTimeOffset() <= lastActivity);
        Assert.Equal(lastActivity.AddSeconds(600), session.GetProperty("idleExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Sessions_come_a_page_at_a_time_with_an_opaque_cursor()
    {
        var siteId = await server.NewSiteAsync(new { limit = 10 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var opened = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            opened.Add(await site.OpenedSessionIdAsync(siteId, $"user-{i}"));
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var query = cursor is null ? "?limit=2" : $"?limit=2&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await site.GetAsync(new Uri($"/api/sites/{siteId}/sessions{query}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            var sessions = page.GetProperty("sessions").EnumerateArray().ToList();
            Assert.InRange(sessions.Count, 1, 2);
            seen.AddRange(sessions.Select(s => s.GetProperty("sessionId").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(opened.Order(), seen.Order());
        var details = await site.GetSiteAsync(siteId);
        Assert.Equal(5, details.GetProperty("sessions").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, details.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=1001", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    public async Task A_bad_page_request_is_refused_with_400(string query, string field)
    {
        var siteId = await server.NewSiteAsync(new { limit = 10 });
        using var admin = server.Admin();

        using var response = await admin.GetAsync(new Uri($"/api/sites/{siteId}/sessions{query}", UriKind.Relative));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_site_key_is_returned_once_works_for_its_site_and_stops_working_when_revoked()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var admin = server.Admin();
        using var issued = await admin.PostAsync(new Uri($"/api/sites/{siteId}/keys", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await issued.ReadJsonAsync();
        var key = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("keyId").GetString()!;
        Assert.StartsWith($"sgk_{keyId}_", key, StringComparison.Ordinal);

        using var site = server.Client(key);
        Assert.Equal(siteId, (await site.GetSiteAsync(siteId)).GetProperty("siteId").GetString());

        // Under another site's id the key is not found, and keeps working.
        using (var elsewhere = await admin.DeleteAsync(new Uri($"/api/sites/{Sites.NewId()}/keys/{keyId}", UriKind.Relative)))
        {
            await elsewhere.AssertProblemAsync(HttpStatusCode.NotFound, "unknown_key");
        }

        Assert.Equal(siteId, (await site.GetSiteAsync(siteId)).GetProperty("siteId").GetString());

        for (var i = 0; i < 2; i++)
        {
            using var revoked = await admin.DeleteAsync(new Uri($"/api/sites/{siteId}/keys/{keyId}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var refused = await site.GetAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative));
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Revoking_a_key_id_that_was_never_issued_is_not_found()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var admin = server.Admin();
        using var response = await admin.DeleteAsync(new Uri($"/api/sites/{siteId}/keys/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "unknown_key");
    }

    [Fact]
    public async Task The_activity_of_the_last_24_hours_comes_one_bucket_a_minute()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(siteId, "ann");
        using (var refused = await admin.OpenSessionAsync(siteId, "bob"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        using var siteClient = server.Client(await server.IssueKeyAsync(siteId));
        using var response = await siteClient.GetAsync(new Uri($"/api/sites/{siteId}/activity", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var activity = await response.ReadJsonAsync();
        Assert.Equal(siteId, activity.GetProperty("siteId").GetString());
        Assert.Equal(60, activity.GetProperty("bucketSeconds").GetInt32());
        var active = activity.GetProperty("active").EnumerateArray().Select(v => v.GetInt32()).ToList();
        var refusals = activity.GetProperty("refusals").EnumerateArray().Select(v => v.GetInt32()).ToList();
        Assert.Equal((1440, 1440), (active.Count, refusals.Count));
        Assert.Equal((1, 1), (active[^1], refusals[^1]));
        Assert.Equal(1, refusals.Sum());
        var from = activity.GetProperty("from").GetDateTimeOffset();
        Assert.InRange(DateTimeOffset.UtcNow - from, TimeSpan.FromHours(23.95), TimeSpan.FromHours(24.05));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_API_and_its_bearer_keys()
    {
        using var anonymous = server.Anonymous();

        using var response = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/sites", paths);
        Assert.Contains("/api/sites/{siteId}/sessions", paths);
        Assert.Contains("/api/sites/{siteId}/sessions/{sessionId}/touch", paths);
        Assert.Contains("/api/sites/{siteId}/activity", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin", StringComparison.Ordinal) || p.StartsWith("/dashboard", StringComparison.Ordinal));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_bodies_as_strictly_as_they_are_read()
    {
        using var anonymous = server.Anonymous();

        using var response = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        var document = await response.ReadJsonAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var (path, method, schema) in new[] { ("/api/sites/{siteId}", "put", "SiteSettingsChange"), ("/api/sites/{siteId}/sessions", "post", "OpenSessionBody") })
        {
            var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
            Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "siteId" && p.GetProperty("in").GetString() == "path");
            var body = operation.GetProperty("requestBody");
            Assert.True(body.GetProperty("required").GetBoolean());
            Assert.Equal($"#/components/schemas/{schema}", body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
            Assert.False(schemas.GetProperty(schema).GetProperty("additionalProperties").GetBoolean());
        }

        Assert.Equal(["userId"], schemas.GetProperty("OpenSessionBody").GetProperty("required").EnumerateArray().Select(f => f.GetString()));
        var limit = schemas.GetProperty("SiteSettingsChange").GetProperty("properties").GetProperty("limit");
        Assert.Equal(["null", "integer"], limit.GetProperty("type").EnumerateArray().Select(t => t.GetString()));
    }
}
