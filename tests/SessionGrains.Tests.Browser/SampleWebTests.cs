using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Browser;

/// <summary>
/// The sample web app in headless Chromium, against the real server: what a person sees when the site fills up,
/// when they sign out, and when an operator ends their session.
/// </summary>
public sealed class SampleWebTests : IClassFixture<Chromium>, IAsyncLifetime
{
    private readonly Chromium _chromium;
    private ServerProcess _server = null!;

    public SampleWebTests(Chromium chromium) => _chromium = chromium;

    public async Task InitializeAsync() => _server = await ServerProcess.StartThrowawayAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Users_sign_in_until_the_site_is_full_then_one_signs_out_and_the_refused_one_gets_in()
    {
        await using var web = await StartSampleAsync(limit: 2);
        var alice = await _chromium.NewPersonAsync();
        var bob = await _chromium.NewPersonAsync();
        var carol = await _chromium.NewPersonAsync();

        await alice.SignInAsync(web.App, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");
        await bob.SignInAsync(web.App, "bob");
        await Expect(bob.Locator("#who .user")).ToHaveTextAsync(["alice", "bob"]);
        await Expect(bob.Locator("#active")).ToHaveTextAsync("2");

        await carol.SignInAsync(web.App, "carol");
        await Expect(carol.Locator("#refusal-message")).ToHaveTextAsync("Sorry, there are already 2 users working on this site. Please try again later.");
        await Expect(carol.Locator("#retry")).ToContainTextAsync("A seat frees up by");
        Assert.DoesNotContain(await carol.Context.CookiesAsync(), c => c.Name == "SampleWeb.Auth");
        await Screenshots.SaveAsync(carol, "sample-site-full.png");
        await Screenshots.SaveAsync(bob, "sample-who-is-working.png");

        await alice.ClickAsync("#sign-out");
        await Expect(alice.Locator("#notice")).ToHaveTextAsync("You signed out.");

        await carol.SignInAsync(web.App, "carol");
        await Expect(carol.Locator("#signed-in-user")).ToHaveTextAsync("carol");
        await Expect(carol.Locator("#who .user")).ToHaveTextAsync(["bob", "carol"]);
    }

    [Fact]
    public async Task A_kicked_user_is_signed_out_and_sees_why()
    {
        await using var web = await StartSampleAsync(limit: 5);
        var alice = await _chromium.NewPersonAsync();
        await alice.SignInAsync(web.App, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");
        using var admin = Admin();
        var sessionId = (await admin.GetSiteAsync(web.SiteId)).GetProperty("sessions")[0].GetProperty("sessionId").GetString()!;

        using (var kicked = await admin.EndSessionAsync(web.SiteId, sessionId))
        {
            kicked.EnsureSuccessStatusCode();
        }

        // The site pushes the end to the sample once it is stored; from then on, the very next page signs alice out,
        // though her last touch is seconds old and the touch interval is half a minute.
        await web.App.WaitForOutputAsync($"session {sessionId} (Kicked)");
        await alice.GotoAsync(web.App.Address.ToString());
        await Expect(alice).ToHaveURLAsync(new Regex("/Login"));
        await Expect(alice.Locator("#notice")).ToHaveTextAsync("An administrator ended your session.");
    }

    [Fact]
    public async Task An_evicted_user_is_signed_out_and_sees_why()
    {
        await using var web = await StartSampleAsync(limit: 1, onFull: "evict-idlest");
        var alice = await _chromium.NewPersonAsync();
        var bob = await _chromium.NewPersonAsync();
        await alice.SignInAsync(web.App, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");

        await bob.SignInAsync(web.App, "bob");
        await Expect(bob.Locator("#who .user")).ToHaveTextAsync(["bob"]);

        await web.App.WaitForOutputAsync("(Evicted)");
        await alice.ReloadAsync();
        await Expect(alice).ToHaveURLAsync(new Regex("/Login"));
        await Expect(alice.Locator("#notice")).ToContainTextAsync("to make room for another user");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_takes_no_seat()
    {
        await using var web = await StartSampleAsync(limit: 5);
        var mallory = await _chromium.NewPersonAsync();

        await mallory.SignInAsync(web.App, "alice", "not-the-password");

        await Expect(mallory.Locator("#notice")).ToHaveTextAsync("Wrong user name or password.");
        using var admin = Admin();
        Assert.Equal(0, (await admin.GetSiteAsync(web.SiteId)).GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task On_a_full_site_that_queues_each_waits_on_the_waiting_page_and_the_next_is_signed_in_when_a_seat_frees()
    {
        // A short claim time makes the page ask every 2 s, so the line moves within seconds.
        await using var web = await StartSampleAsync(limit: 1, onFull: "queue", claimSeconds: 4);
        var alice = await _chromium.NewPersonAsync();
        var bob = await _chromium.NewPersonAsync();
        var carol = await _chromium.NewPersonAsync();
        await alice.SignInAsync(web.App, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");

        await bob.SignInAsync(web.App, "bob");
        await carol.SignInAsync(web.App, "carol");

        await Expect(bob).ToHaveURLAsync(new Regex("/waiting-line$"));
        await Expect(bob.Locator("#sg-position")).ToHaveTextAsync("You are next in line.");
        await Expect(carol.Locator("#sg-position")).ToHaveTextAsync("You are number 2 in line, with 1 ahead of you.");
        await Expect(carol.GetByRole(AriaRole.Status)).ToContainTextAsync("number 2 in line");
        Assert.DoesNotContain(await bob.Context.CookiesAsync(), c => c.Name == "SampleWeb.Auth");
        await Screenshots.SaveAsync(carol, "sample-waiting-line.png");

        // A mark that a reload would wipe: the page must update in place.
        await carol.EvaluateAsync("window.stillTheSamePage = true");
        await bob.EvaluateAsync("window.stillTheSamePage = true");
        await alice.ClickAsync("#sign-out");

        var moved = new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 };
        await Expect(bob.Locator("#signed-in-user")).ToHaveTextAsync("bob", moved);
        await Expect(bob.Locator("#who .user")).ToHaveTextAsync(["bob"]);
        await Expect(carol.Locator("#sg-position")).ToHaveTextAsync("You are next in line.", moved);
        await Expect(carol).ToHaveTitleAsync("1 in line · Waiting for a seat");
        Assert.True(await carol.EvaluateAsync<bool>("window.stillTheSamePage === true"));
    }

    private HttpClient Admin()
    {
        var admin = new HttpClient { BaseAddress = _server.Address };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", ApiServer.AdminKey);
        return admin;
    }

    [Fact]
    public async Task Four_wrong_passwords_block_the_address_and_then_even_the_right_one_is_refused()
    {
        await using var web = await StartSampleAsync(limit: 5);
        var mallory = await _chromium.NewPersonAsync();
        for (var i = 0; i < 4; i++)
        {
            await mallory.SignInAsync(web.App, "alice", $"guess-{i}");
            await Expect(mallory.Locator("#notice")).ToHaveTextAsync("Wrong user name or password.");
        }

        var response = await mallory.RunAndWaitForResponseAsync(() => mallory.SignInAsync(web.App, "alice"), r => r.Request.Method == "POST");

        Assert.Equal(429, response.Status);
        await Expect(mallory.Locator("#blocked")).ToHaveTextAsync("Too many failed sign-ins from your address. Please try again in 60 seconds.");
        await Expect(mallory.Locator("#signed-in-user")).ToHaveCountAsync(0);
        using var admin = Admin();
        Assert.Equal(0, (await admin.GetSiteAsync(web.SiteId)).GetProperty("active").GetInt32());
        using var blocks = await admin.GetAsync(new Uri($"/api/sites/{web.SiteId}/blocks", UriKind.Relative));
        Assert.Equal("127.0.0.1", (await blocks.ReadJsonAsync()).GetProperty("blocks")[0].GetProperty("value").GetString());
    }

    private async Task<SampleSite> StartSampleAsync(int limit, string onFull = "deny", int claimSeconds = 60)
    {
        var siteId = Sites.NewId();
        using var admin = Admin();
        using (var configured = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { limit, idleTimeoutSeconds = 600, onFull, claimSeconds }))
        {
            configured.EnsureSuccessStatusCode();
        }

        var siteKey = await SiteKeys.IssueAsync(_server.Address, ApiServer.AdminKey, siteId);

        // The sample's own touch interval (30 s): ends reach it by the site's push. Its log says when one arrived.
        var web = await SampleWebProcess.StartAsync(_server, siteId, siteKey, new Dictionary<string, string> { ["Logging__LogLevel__SessionGrains.AspNetCore.PushedEnds"] = "Debug" });
        return new SampleSite(web, siteId);
    }

    /// <summary>A running sample app and the site it gates.</summary>
    private sealed record SampleSite(AppProcess App, string SiteId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
