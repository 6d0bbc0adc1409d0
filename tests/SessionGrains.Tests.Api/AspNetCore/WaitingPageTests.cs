using System.Net;
using System.Text.Json;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Api.AspNetCore;

/// <summary>
/// The library's waiting page in a real cookie-authenticated app: a sign-in on a full site that queues keeps the
/// user's place (no sign-in cookie yet), the page and its status show the place as it moves, and the visit after a
/// seat was held for the user signs them in with it. A place that ended, was left, or never was sends the user back
/// to sign in with the reason.
/// </summary>
public sealed class WaitingPageTests : IAsyncLifetime
{
    private static readonly TimeSpan ClaimTime = TimeSpan.FromSeconds(30);
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(StorageKind.Sqlite);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_queued_user_waits_on_the_page_and_is_signed_in_there_with_the_seat_held_for_them()
    {
        var site = await NewQueueSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        using var carol = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();

        using var bobQueued = await bob.SignInAsync("bob", returnUrl: "/me?from=line");
        using var carolQueued = await carol.SignInAsync("carol", returnUrl: "//elsewhere.example/steal");

        Assert.Equal(HttpStatusCode.Accepted, bobQueued.StatusCode);
        var queued = await HttpJson.ReadJsonAsync(bobQueued);
        Assert.Equal("/waiting-line", queued.GetProperty("waitingPage").GetString());
        Assert.Equal(1, queued.GetProperty("position").GetInt32());
        Assert.False(bob.HasAuthCookie);
        Assert.True(bob.HasWaitingCookie);

        using (var page = await bob.GetAsync("/waiting-line"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("You are next in line.", html, StringComparison.Ordinal);
            Assert.Contains("role=\"status\"", html, StringComparison.Ordinal);
        }

        var carolStatus = await StatusAsync(carol);
        Assert.Equal("waiting", carolStatus.GetProperty("state").GetString());
        Assert.Equal(2, carolStatus.GetProperty("place").GetInt32());
        Assert.Equal("You are number 2 in line, with 1 ahead of you.", carolStatus.GetProperty("position").GetString());

        (await ann.SignOutAsync()).Dispose();
        var bobStatus = await StatusAsync(bob);

        Assert.Equal("admitted", bobStatus.GetProperty("state").GetString());
        Assert.Equal("/me?from=line", bobStatus.GetProperty("location").GetString());
        Assert.True(bob.HasAuthCookie);
        Assert.False(bob.HasWaitingCookie);
        var seat = await bob.VisitAsync();
        var status = await site.GetStatusAsync();
        Assert.Equal(seat, Assert.Single(status.Sessions).SessionId);
        Assert.Equal("bob", status.Sessions[0].UserId);
        Assert.Equal("You are next in line.", (await StatusAsync(carol)).GetProperty("position").GetString());

        // Carol's return URL pointed off the site: she is sent to the app's root instead.
        (await bob.SignOutAsync()).Dispose();
        using var carolPage = await carol.GetAsync("/waiting-line");
        Assert.Equal(HttpStatusCode.Redirect, carolPage.StatusCode);
        Assert.Equal("/", carolPage.Headers.Location?.OriginalString);
        Assert.Equal("carol", Assert.Single((await site.GetStatusAsync()).Sessions).UserId);
    }

    [Fact]
    public async Task A_seat_not_claimed_in_time_sends_the_user_back_to_sign_in_and_says_why()
    {
        var site = await NewQueueSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        (await bob.SignInAsync("bob")).Dispose();

        (await ann.SignOutAsync()).Dispose();
        _silo.Clock.Advance(ClaimTime);
        using var page = await bob.GetAsync("/waiting-line");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/Account/Login", page.Headers.Location?.OriginalString);
        Assert.False(bob.HasAuthCookie);
        Assert.False(bob.HasWaitingCookie);
        var notice = await bob.NoticeAsync();
        Assert.Equal(nameof(TicketEndReason.ClaimExpired), notice!.Value.GetProperty("lineEndReason").GetString());
        Assert.Equal("A seat was free for you but was not taken in time, so it went to the next in line. Please sign in again.",
            notice.Value.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Leaving_the_line_moves_those_behind_up_at_once()
    {
        var site = await NewQueueSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        using var carol = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        (await bob.SignInAsync("bob")).Dispose();
        (await carol.SignInAsync("carol")).Dispose();

        using var left = await bob.PostAsync("/waiting-line/leave");

        Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        Assert.False(bob.HasWaitingCookie);
        Assert.Equal("You left the waiting line.", (await bob.NoticeAsync())!.Value.GetProperty("message").GetString());
        Assert.Equal(1, (await StatusAsync(carol)).GetProperty("place").GetInt32());
        Assert.Equal(1, (await site.GetSummaryAsync()).Waiting);
    }

    [Fact]
    public async Task A_user_back_from_an_idle_end_to_a_full_site_is_put_in_line_and_sent_to_the_waiting_page()
    {
        var site = await NewQueueSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        var first = (await ann.VisitAsync())!.Value;
        _silo.Clock.Advance(TimeSpan.FromMinutes(5));
        await Eventually.WaitForAsync(site.GetStatusAsync, status => status.Sessions.All(s => s.SessionId != first));
        (await bob.SignInAsync("bob")).Dispose();

        using var back = await ann.GetAsync("/me?page=2");

        Assert.Equal(HttpStatusCode.Unauthorized, back.StatusCode);
        Assert.Equal("/waiting-line", back.Headers.Location?.OriginalString);
        Assert.False(ann.HasAuthCookie);
        Assert.Equal(1, (await StatusAsync(ann)).GetProperty("place").GetInt32());

        (await bob.SignOutAsync()).Dispose();
        var admitted = await StatusAsync(ann);
        Assert.Equal("/me?page=2", admitted.GetProperty("location").GetString());
        Assert.NotNull(await ann.VisitAsync());
    }

    [Fact]
    public async Task Without_a_place_in_line_the_page_sends_the_browser_to_sign_in()
    {
        var site = await NewQueueSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var mallory = app.NewBrowser();
        mallory.SetCookie(".SessionGrains.Line", "not-a-protected-payload");

        var status = await StatusAsync(mallory);

        Assert.Equal("gone", status.GetProperty("state").GetString());
        Assert.Equal("/Account/Login", status.GetProperty("location").GetString());
    }

    [Fact]
    public async Task A_queued_sign_in_in_an_app_without_the_waiting_page_fails_loudly_and_issues_no_cookie()
    {
        var site = await NewQueueSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString(), mapWaitingPage: false);
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();

        using var queued = await bob.SignInAsync("bob");

        Assert.Equal(HttpStatusCode.InternalServerError, queued.StatusCode);
        Assert.False(bob.HasAuthCookie);
        await app.Log.WaitForAsync("InvalidOperationException: The site put a user in its waiting line, but the app has no waiting page");
    }

    private static async Task<JsonElement> StatusAsync(Browser browser)
    {
        using var response = await browser.GetAsync("/waiting-line/status");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {response.Headers.Location}");
        return await HttpJson.ReadJsonAsync(response);
    }

    private async Task<ISiteGrain> NewQueueSiteAsync(int limit)
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate
        {
            Limit = limit,
            IdleTimeout = TimeSpan.FromMinutes(5),
            OnFull = FullSitePolicy.Queue,
            ClaimTime = ClaimTime,
        });
        return site;
    }
}
