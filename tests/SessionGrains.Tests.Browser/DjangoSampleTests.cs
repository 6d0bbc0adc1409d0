using System.Net.Http.Json;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Browser;

/// <summary>
/// The Django sample (clients/python/sample, gated by sessiongrains.django over the HTTP API) in headless Chromium,
/// against the real server: what a person sees when the site fills up, and when someone signs out.
/// </summary>
public sealed class DjangoSampleTests : IClassFixture<Chromium>, IAsyncLifetime
{
    /// <summary>Django's session cookie: a refused sign-in must not get one.</summary>
    private const string SessionCookie = "sessionid";

    private readonly Chromium _chromium;
    private ServerProcess _server = null!;

    public DjangoSampleTests(Chromium chromium) => _chromium = chromium;

    public async Task InitializeAsync() => _server = await ServerProcess.StartThrowawayAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Users_sign_in_until_the_site_is_full_then_one_signs_out_and_the_refused_one_gets_in()
    {
        await using var web = await StartSampleAsync(limit: 2);
        var alice = await _chromium.NewPersonAsync();
        var bob = await _chromium.NewPersonAsync();
        var carol = await _chromium.NewPersonAsync();

        await alice.SignInAsync(web.LoginPage, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");
        await bob.SignInAsync(web.LoginPage, "bob");
        await Expect(bob.Locator("#who .user")).ToHaveTextAsync(["alice", "bob"]);
        await Expect(bob.Locator("#active")).ToHaveTextAsync("2");

        var refused = await carol.RunAndWaitForResponseAsync(() => carol.SignInAsync(web.LoginPage, "carol"), r => r.Request.Method == "POST");
        Assert.Equal(429, refused.Status);
        // sessiongrains.django shows the sign-in page again, with the site's message among its messages (#notice).
        await Expect(carol.Locator("#notice")).ToHaveTextAsync("Sorry, there are already 2 users working on this site. Please try again later.");
        await Expect(carol.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(carol.Locator("#signed-in-user")).ToHaveCountAsync(0);
        Assert.DoesNotContain(await carol.Context.CookiesAsync(), c => c.Name == SessionCookie);

        await alice.ClickAsync("#sign-out");
        await Expect(alice.Locator("#notice")).ToHaveTextAsync("You signed out.");
        await Expect(alice.Locator("#signed-in-user")).ToHaveCountAsync(0);

        await carol.SignInAsync(web.LoginPage, "carol");
        await Expect(carol.Locator("#signed-in-user")).ToHaveTextAsync("carol");
        await Expect(carol.Locator("#who .user")).ToHaveTextAsync(["bob", "carol"]);
        await Expect(carol.Locator("#active")).ToHaveTextAsync("2");
    }

    private async Task<DjangoSampleProcess> StartSampleAsync(int limit, string onFull = "deny")
    {
        var siteId = Sites.NewId();
        using (var admin = new HttpClient { BaseAddress = _server.Address })
        {
            admin.DefaultRequestHeaders.Authorization = new("Bearer", ApiServer.AdminKey);
            using var configured = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { limit, idleTimeoutSeconds = 600, onFull });
            configured.EnsureSuccessStatusCode();
        }

        var siteKey = await SiteKeys.IssueAsync(_server.Address, ApiServer.AdminKey, siteId);
        return await DjangoSampleProcess.StartAsync(_server, siteId, siteKey, SamplePages.Password);
    }
}
