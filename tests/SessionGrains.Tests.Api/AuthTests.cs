using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Api;

[Collection(ApiServerCollection.Name)]
public sealed class AuthTests(ApiServer server)
{
    public static TheoryData<string, string> AdminOnlyRequests => new()
    {
        { "GET", "/api/sites" },
        { "PUT", "/api/sites/{site}" },
        { "POST", "/api/sites/{site}/keys" },
        { "DELETE", "/api/sites/{site}/keys/0123456789abcdef0123456789abcdef" },
        { "GET", "/api/usage?month=2026-01" },
    };

    public static TheoryData<string, string> SiteRequests => new()
    {
        { "GET", "/api/sites/{site}" },
        { "GET", "/api/sites/{site}/activity" },
        { "GET", "/api/sites/{site}/usage" },
        { "POST", "/api/sites/{site}/sessions" },
        { "GET", "/api/sites/{site}/sessions/0123456789abcdef0123456789abcdef" },
        { "POST", "/api/sites/{site}/sessions/0123456789abcdef0123456789abcdef/touch" },
        { "DELETE", "/api/sites/{site}/sessions/0123456789abcdef0123456789abcdef" },
    };

    [Theory]
    [MemberData(nameof(AdminOnlyRequests))]
    [MemberData(nameof(SiteRequests))]
    public async Task Without_a_key_every_API_request_is_401(string method, string path)
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var anonymous = server.Anonymous();

        using var response = await anonymous.SendAsync(Request(method, path, siteId));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Bearer sgk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task An_unknown_or_malformed_key_is_401(string authorization)
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var client = server.Anonymous();
        using var request = Request("GET", "/api/sites/{site}", siteId);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_site_key_with_a_wrong_secret_is_401()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        var key = await server.IssueKeyAsync(siteId);
        var tampered = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        using var client = server.Client(tampered);

        using var response = await client.GetAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [MemberData(nameof(AdminOnlyRequests))]
    public async Task A_site_key_on_an_admin_endpoint_is_403(string method, string path)
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        using var response = await site.SendAsync(Request(method, path, siteId));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [MemberData(nameof(SiteRequests))]
    public async Task A_site_key_on_another_site_is_403_and_changes_nothing(string method, string path)
    {
        var ownSite = await server.NewSiteAsync(new { limit = 5 });
        var otherSite = await server.NewSiteAsync(new { limit = 5 });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(otherSite, "ann");
        using var site = server.Client(await server.IssueKeyAsync(ownSite));

        using var response = await site.SendAsync(Request(method, path, otherSite));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(1, (await admin.GetSiteAsync(otherSite)).GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task A_site_key_opens_touches_closes_and_reads_its_own_site()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        var sessionId = await site.OpenedSessionIdAsync(siteId, "ann");
        using var touched = await site.TouchAsync(siteId, sessionId);
        var read = await site.GetSiteAsync(siteId);
        using var closed = await site.EndSessionAsync(siteId, sessionId);

        Assert.Equal(HttpStatusCode.OK, touched.StatusCode);
        Assert.Equal(1, read.GetProperty("active").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        using var anonymous = server.Anonymous();

        using var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path, string siteId)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{site}", siteId, StringComparison.Ordinal));
        if (method is "PUT" or "POST")
        {
            request.Content = JsonContent.Create(new { userId = "eve" });
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }
}
