using System.Net;
using System.Net.Http.Headers;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Api.Server;

/// <summary>
/// Every page a browser may show carries the same protections as the admin UI: the Orleans dashboard, the status
/// pages for unknown paths, and problems written when a request fails, in JSON and as the admin UI's error page.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class SecurityHeaderTests(ApiServer server)
{
    private Uri Server => server.Process.Address;

    [Fact]
    public async Task The_Orleans_dashboard_and_its_data_carry_them()
    {
        using var operatorClient = await OperatorPages.SignedInClientAsync(Server, ApiServer.AdminKey);

        using var page = await operatorClient.GetAsync(new Uri(Server, "/dashboard/"));
        using var stats = await operatorClient.GetAsync(new Uri(Server, "/dashboard/ClusterStats"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertProtected(page);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        AssertProtected(stats);
    }

    [Fact]
    public async Task The_sign_in_redirect_from_the_dashboard_carries_them()
    {
        using var anonymous = OperatorPages.CookieClient();

        using var response = await anonymous.GetAsync(new Uri(Server, "/dashboard"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        AssertProtected(response);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/json")]
    [InlineData("*/*")]
    public async Task A_not_found_page_carries_them(string accept)
    {
        using var client = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertProtected(response);
    }

    [Fact]
    public async Task A_problem_written_by_the_exception_handler_carries_them()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var admin = server.Admin();

        // The site refuses the user id with InvalidRequestException; the exception handler clears the response and writes the problem.
        using var response = await admin.PostAsync(new Uri($"/api/sites/{siteId}/sessions", UriKind.Relative), HttpJson.Json("""{"userId":"a\u0001b"}"""));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        AssertProtected(response);
    }

    [Fact]
    public async Task The_admin_UI_error_page_carries_them()
    {
        var storage = await TestStorage.CreateAsync(StorageKind.PostgreSql);
        await using var alone = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__Storage"] = "PostgreSql",
            ["ConnectionStrings__SessionGrains"] = storage.ConnectionString,
            ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
        });
        using var operatorClient = await OperatorPages.SignedInClientAsync(alone.Address, ApiServer.AdminKey);
        await TestStorage.DropAsync(storage);

        // A site nobody has asked for yet must read its state from the database, which is gone: the error page says so.
        using var response = await operatorClient.GetAsync(new Uri(alone.Address, $"/admin/sites/{Sites.NewId()}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("id=\"error-title\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertProtected(response);
    }

    private static void AssertProtected(HttpResponseMessage response)
    {
        var policy = Policy(response);
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    private static string Policy(HttpResponseMessage response) =>
        Assert.Single(response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values : []);
}
