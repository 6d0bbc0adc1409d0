using System.Net;
using Microsoft.AspNetCore.DataProtection;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Api.AspNetCore;

/// <summary>
/// The ASP.NET Core library in a real cookie-authenticated app: sign-in takes a seat or is refused without a cookie,
/// requests touch the session at most once per touch interval, ended sessions sign the user out and say why,
/// idle sessions resume silently, and sign-out frees the seat.
/// </summary>
public sealed class SessionGateTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    private readonly GrainCallCounter _calls = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartWithCallFiltersAsync(StorageKind.Sqlite, _calls);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Sign_in_takes_a_seat_and_a_refused_sign_in_gets_the_message_and_no_cookie()
    {
        var site = await NewSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();

        using var admitted = await ann.SignInAsync("ann");
        using var refused = await bob.SignInAsync("bob");

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var seat = await ann.VisitAsync();
        var status = await site.GetStatusAsync();
        Assert.Equal(seat, Assert.Single(status.Sessions).SessionId);
        Assert.Equal("ann", status.Sessions[0].UserId);
        Assert.Equal("127.0.0.1", status.Sessions[0].ClientIp);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var refusal = await HttpJson.ReadJsonAsync(refused);
        Assert.Equal("Sorry, there is already 1 user working on this site. Please try again later.", refusal.GetProperty("message").GetString());
        Assert.Equal(IdleTimeout.TotalSeconds, refusal.GetProperty("retryAfterSeconds").GetDouble());
        Assert.False(bob.HasAuthCookie);
        Assert.Null(await bob.VisitAsync());
        Assert.Equal(1, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task Requests_within_the_touch_interval_cost_no_grain_call()
    {
        var site = await NewSiteAsync(limit: 5);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        var touchesBefore = _calls.Count(nameof(ISessionGrain.TouchAsync));

        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await ann.VisitAsync());
        }

        Assert.Equal(touchesBefore, _calls.Count(nameof(ISessionGrain.TouchAsync)));

        _silo.Clock.Advance(GatedApp.TouchInterval);
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await ann.VisitAsync());
        }

        Assert.Equal(touchesBefore + 1, _calls.Count(nameof(ISessionGrain.TouchAsync)));
    }

    [Fact]
    public async Task Touches_keep_an_active_user_past_the_idle_timeout()
    {
        var site = await NewSiteAsync(limit: 5);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        var seat = await ann.VisitAsync();

        for (var minute = 0; minute < 3 * IdleTimeout.TotalMinutes; minute++)
        {
            _silo.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(seat, await ann.VisitAsync());
        }

        Assert.Equal(seat, Assert.Single((await site.GetStatusAsync()).Sessions).SessionId);
    }

    [Theory]
    [InlineData(SessionEndReason.Kicked)]
    [InlineData(SessionEndReason.Evicted)]
    public async Task A_user_whose_session_ended_is_signed_out_and_told_why(SessionEndReason reason)
    {
        var site = await NewSiteAsync(limit: 1, onFull: FullSitePolicy.EvictIdlest);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        var seat = (await ann.VisitAsync())!.Value;

        if (reason == SessionEndReason.Kicked)
        {
            Assert.True(await site.KickAsync(seat));
        }
        else
        {
            _silo.Clock.Advance(TimeSpan.FromSeconds(1));
            using var bob = app.NewBrowser();
            (await bob.SignInAsync("bob")).Dispose();
        }

        await WaitUntilEndedAsync(site, seat, reason);
        _silo.Clock.Advance(GatedApp.TouchInterval);

        Assert.Null(await ann.VisitAsync());
        Assert.False(ann.HasAuthCookie);
        var notice = await ann.NoticeAsync();
        Assert.Equal(reason.ToString(), notice?.GetProperty("endReason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(notice?.GetProperty("message").GetString()));
        Assert.Null(await ann.NoticeAsync());
    }

    [Fact]
    public async Task A_kicked_user_is_signed_out_by_their_very_next_request_well_within_the_touch_interval()
    {
        var site = await NewSiteAsync(limit: 5);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        var seat = (await ann.VisitAsync())!.Value;
        var touches = _calls.Count(nameof(ISessionGrain.TouchAsync));

        // The clock stands still: without the site's push, the last touch would cover the next half minute.
        Assert.True(await site.KickAsync(seat));
        await app.Log.WaitForAsync($"session {seat} (Kicked)");

        Assert.Null(await ann.VisitAsync());
        Assert.Equal(nameof(SessionEndReason.Kicked), (await ann.NoticeAsync())?.GetProperty("endReason").GetString());
        Assert.Equal(touches, _calls.Count(nameof(ISessionGrain.TouchAsync)));
    }

    [Fact]
    public async Task Ends_reach_every_web_server_of_the_site_at_once()
    {
        var site = await NewSiteAsync(limit: 5);
        var dataProtection = new EphemeralDataProtectionProvider();
        await using var one = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString(), dataProtection: dataProtection);
        await using var two = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString(), dataProtection: dataProtection);

        // Each user's last requests went to both servers, so both hold a fresh touch for the session.
        using var annOnOne = one.NewBrowser();
        using var annOnTwo = annOnOne.At(two.Address);
        using var bobOnTwo = two.NewBrowser();
        using var bobOnOne = bobOnTwo.At(one.Address);
        (await annOnOne.SignInAsync("ann")).Dispose();
        (await bobOnTwo.SignInAsync("bob")).Dispose();
        var ann = (await annOnOne.VisitAsync())!.Value;
        Assert.Equal(ann, await annOnTwo.VisitAsync());
        var bob = (await bobOnTwo.VisitAsync())!.Value;
        Assert.Equal(bob, await bobOnOne.VisitAsync());

        Assert.True(await site.KickAsync(ann));
        Assert.True(await site.KickAsync(bob));
        foreach (var app in new[] { one, two })
        {
            await app.Log.WaitForAsync($"session {ann} (Kicked)");
            await app.Log.WaitForAsync($"session {bob} (Kicked)");
        }

        Assert.Null(await annOnTwo.VisitAsync());
        Assert.Equal(nameof(SessionEndReason.Kicked), (await annOnTwo.NoticeAsync())?.GetProperty("endReason").GetString());
        Assert.Null(await bobOnOne.VisitAsync());
        Assert.Equal(nameof(SessionEndReason.Kicked), (await bobOnOne.NoticeAsync())?.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task The_guard_blocks_after_four_wrong_passwords_and_then_checks_no_password_at_all()
    {
        var site = await NewSiteAsync(limit: 5);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var http = new HttpClient { BaseAddress = app.Address };
        async Task<System.Text.Json.JsonElement> TryAsync(string password)
        {
            using var response = await http.PostAsync(new Uri($"/guarded-login/ann?password={password}", UriKind.Relative), null);
            return await HttpJson.ReadJsonAsync(response);
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("Failed", (await TryAsync("wrong")).GetProperty("outcome").GetString());
        }

        var checks = GatedApp.PasswordChecks;
        var blocked = await TryAsync("right");

        Assert.Equal("Blocked", blocked.GetProperty("outcome").GetString());
        Assert.StartsWith("Too many failed sign-ins from your address.", blocked.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(checks, GatedApp.PasswordChecks);
        _silo.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("Succeeded", (await TryAsync("right")).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task After_idling_a_user_gets_a_new_seat_without_noticing()
    {
        var site = await NewSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        var first = await SignInAndIdleOutAsync(site, ann);

        var resumed = await ann.VisitAsync();
        Assert.NotNull(resumed);
        Assert.NotEqual(first, resumed);
        Assert.Equal(resumed, Assert.Single((await site.GetStatusAsync()).Sessions).SessionId);

        // The renewed cookie carries the new seat: later requests touch it.
        _silo.Clock.Advance(GatedApp.TouchInterval);
        Assert.Equal(resumed, await ann.VisitAsync());
        Assert.Null(await ann.NoticeAsync());
    }

    [Fact]
    public async Task Parallel_requests_after_idling_share_one_new_seat()
    {
        var site = await NewSiteAsync(limit: 5);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        await SignInAndIdleOutAsync(site, ann);

        // A page's parallel requests all still carry the old seat's cookie.
        var seats = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ann.VisitAsync()));

        var resumed = Assert.Single(seats.Distinct());
        Assert.NotNull(resumed);
        Assert.Equal(resumed, Assert.Single((await site.GetStatusAsync()).Sessions).SessionId);
    }

    [Fact]
    public async Task After_idling_on_a_site_that_filled_up_meanwhile_the_user_is_signed_out_with_the_refusal()
    {
        var site = await NewSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        await SignInAndIdleOutAsync(site, ann);
        (await bob.SignInAsync("bob")).Dispose();

        Assert.Null(await ann.VisitAsync());

        var notice = await ann.NoticeAsync();
        Assert.Equal(nameof(RefusalReason.SiteFull), notice?.GetProperty("refusal").GetString());
        Assert.Equal("Sorry, there is already 1 user working on this site. Please try again later.", notice?.GetProperty("message").GetString());
        Assert.Equal("bob", Assert.Single((await site.GetStatusAsync()).Sessions).UserId);
    }

    [Fact]
    public async Task Without_resume_an_idle_user_is_signed_out_and_told_so()
    {
        var site = await NewSiteAsync(limit: 5);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString(), options => options.ResumeAfterIdle = false);
        using var ann = app.NewBrowser();
        await SignInAndIdleOutAsync(site, ann);

        Assert.Null(await ann.VisitAsync());
        Assert.Equal(nameof(SessionEndReason.Idle), (await ann.NoticeAsync())?.GetProperty("endReason").GetString());
        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
    }

    [Fact]
    public async Task Sign_out_frees_the_seat()
    {
        var site = await NewSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();
        (await ann.SignInAsync("ann")).Dispose();
        var seat = (await ann.VisitAsync())!.Value;

        (await ann.SignOutAsync()).Dispose();

        Assert.Equal(0, (await site.GetStatusAsync()).Summary.Active);
        Assert.Equal(SessionEndReason.Logout, Assert.IsType<SessionEnded>(await _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), seat).TouchAsync()).Reason);
        using var admitted = await bob.SignInAsync("bob");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task Parallel_requests_with_a_cookie_that_has_no_seat_yet_take_one_seat()
    {
        // A cookie issued before the app was gated looks like one issued for another site: it holds no seat here.
        var dataProtection = new EphemeralDataProtectionProvider();
        var before = await NewSiteAsync(limit: 5);
        var site = await NewSiteAsync(limit: 5);
        Browser ann;
        await using (var earlier = await GatedApp.StartAsync(_silo, before.GetPrimaryKeyString(), dataProtection: dataProtection))
        {
            ann = earlier.NewBrowser();
            (await ann.SignInAsync("ann")).Dispose();
        }

        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString(), dataProtection: dataProtection);
        using var annHere = ann.At(app.Address);
        var seats = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => annHere.VisitAsync()));

        var seat = Assert.Single(seats.Distinct());
        Assert.Equal(seat, Assert.Single((await site.GetStatusAsync()).Sessions).SessionId);
        ann.Dispose();
    }

    [Fact]
    public async Task An_app_with_its_own_events_subclass_is_gated_too()
    {
        var site = await NewSiteAsync(limit: 1);
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString(), configureCookie: cookie => cookie.Events = new AppEvents());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();

        (await ann.SignInAsync("ann")).Dispose();
        using var refused = await bob.SignInAsync("bob");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("ann", Assert.Single((await site.GetStatusAsync()).Sessions).UserId);
        Assert.Equal(2, AppEvents.SigningInCalls);
    }

    [Fact]
    public async Task Roles_the_site_cannot_store_are_left_out_and_the_user_still_gets_in()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 1, ExemptRoles = ["support"] });
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var sue = app.NewBrowser();

        using var admitted = await ann.SignInAsync("ann", role: new string('r', 200));
        using var exempt = await sue.SignInAsync("sue", role: "support");

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exempt.StatusCode);
        var sessions = (await site.GetStatusAsync()).Sessions.ToDictionary(s => s.UserId);
        Assert.Empty(sessions["ann"].Roles);
        Assert.Equal(["support"], sessions["sue"].Roles);
        Assert.True(sessions["sue"].Exempt);
    }

    [Fact]
    public async Task A_user_agent_or_role_the_site_would_refuse_is_left_out_and_the_user_still_gets_in()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 2, ExemptRoles = ["support"] });
        await using var app = await GatedApp.StartAsync(_silo, site.GetPrimaryKeyString());
        using var ann = app.NewBrowser();
        using var bob = app.NewBrowser();

        // A tab is the control character a browser's header can carry past the web server.
        using var admitted = await ann.SignInAsync("ann", role: "support\u202E", userAgent: "Mozilla/5.0\tFirefox/133.0");
        using var plain = await bob.SignInAsync("bob", userAgent: "Mozilla/5.0 Firefox/133.0");

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var sessions = (await site.GetStatusAsync()).Sessions.ToDictionary(s => s.UserId);
        Assert.Null(sessions["ann"].UserAgent);
        Assert.Empty(sessions["ann"].Roles);
        Assert.False(sessions["ann"].Exempt);
        Assert.Equal("Mozilla/5.0 Firefox/133.0", sessions["bob"].UserAgent);
    }

    [Theory]
    [InlineData("bad~site", 30)]
    [InlineData("", 30)]
    [InlineData("demo", -1)]
    public async Task Invalid_options_stop_the_app_at_start_up(string siteId, int touchIntervalSeconds)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            GatedApp.StartAsync(_silo, siteId, options => options.TouchInterval = TimeSpan.FromSeconds(touchIntervalSeconds)));

        Assert.Contains("SessionGrains:", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An app's own events class, overriding a method rather than setting a delegate.</summary>
    private sealed class AppEvents : Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationEvents
    {
        private static int _signingInCalls;

        public static int SigningInCalls => _signingInCalls;

        public override Task SigningIn(Microsoft.AspNetCore.Authentication.Cookies.CookieSigningInContext context)
        {
            Interlocked.Increment(ref _signingInCalls);
            return Task.CompletedTask;
        }
    }

    private async Task<ISiteGrain> NewSiteAsync(int limit, FullSitePolicy onFull = FullSitePolicy.Deny)
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = limit, IdleTimeout = IdleTimeout, OnFull = onFull });
        return site;
    }

    /// <summary>Ann signs in, then leaves her session idle until it has ended; returns that session.</summary>
    private async Task<SessionId> SignInAndIdleOutAsync(ISiteGrain site, Browser ann)
    {
        (await ann.SignInAsync("ann")).Dispose();
        var first = (await ann.VisitAsync())!.Value;
        _silo.Clock.Advance(IdleTimeout);
        await WaitUntilEndedAsync(site, first, SessionEndReason.Idle);
        return first;
    }

    /// <summary>
    /// Waits for the session grain itself to know the session ended. An idle session is watched through its site
    /// (touching it would be activity); an ending decided by the site reaches the session grain as an end signal the site does not wait for.
    /// </summary>
    private async Task WaitUntilEndedAsync(ISiteGrain site, SessionId sessionId, SessionEndReason reason)
    {
        if (reason == SessionEndReason.Idle)
        {
            await Eventually.WaitForAsync(site.GetStatusAsync, status => status.Sessions.All(s => s.SessionId != sessionId));
        }
        else
        {
            var session = _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), sessionId);
            await Eventually.WaitForAsync(session.TouchAsync, touched => touched is SessionEnded);
        }

        var ended = await _silo.Grains.GetSessionGrain(site.GetPrimaryKeyString(), sessionId).TouchAsync();
        Assert.Equal(reason, Assert.IsType<SessionEnded>(ended).Reason);
    }
}
