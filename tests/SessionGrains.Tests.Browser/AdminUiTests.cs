using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Browser;

/// <summary>
/// The operator's admin UI in headless Chromium, against the real server: signing in, watching sites fill up live,
/// killing a session, changing settings, the chart, and the Orleans dashboard behind the same sign-in.
/// </summary>
public sealed class AdminUiTests(ApiServer server, Chromium chromium) : IClassFixture<ApiServer>, IClassFixture<Chromium>
{
    private Uri Server => server.Process.Address;

    [Fact]
    public async Task An_operator_signs_in_with_the_admin_key_and_signs_out_again()
    {
        var page = await chromium.NewPersonAsync();
        await page.GotoAsync(new Uri(Server, "/admin").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in\\?ReturnUrl=%2Fadmin$"));

        await page.FillAsync("#admin-key", ApiServer.AdminKey);
        await page.ClickAsync("#sign-in");
        await Expect(page).ToHaveURLAsync(new Uri(Server, "/admin").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sites");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "sessiongrains-operator");
        Assert.True(cookie.HttpOnly);

        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#notice")).ToHaveTextAsync("You signed out.");
        await page.GotoAsync(new Uri(Server, "/admin").ToString());
        await Expect(page.Locator("#admin-key")).ToBeVisibleAsync();
        Assert.DoesNotContain("keys will not be encrypted at rest", server.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_pages_name_an_icon_the_server_serves()
    {
        // Without one, a browser asks for /favicon.ico on every page and logs the 404 as an error.
        var page = await chromium.NewPersonAsync();
        await page.GotoAsync(new Uri(Server, "/admin/sign-in").ToString());

        var href = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        var icon = await page.Context.APIRequest.GetAsync(new Uri(Server, href).ToString());

        Assert.Equal(200, icon.Status);
        Assert.Equal("image/svg+xml", icon.Headers["content-type"]);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_opens_nothing()
    {
        var page = await chromium.NewPersonAsync();
        await page.SignInAsOperatorAsync(Server, "not-the-admin-key-0123456789abcdefghijkl");

        await Expect(page.Locator("#admin-key-error")).ToHaveTextAsync("That is not the admin key.");
        await Expect(page.Locator("#admin-key")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "sessiongrains-operator");
        foreach (var path in new[] { "/admin", "/dashboard/", "/admin/sites/any-site" })
        {
            await page.GotoAsync(new Uri(Server, path).ToString());
            await Expect(page.Locator("#admin-key")).ToBeVisibleAsync();
        }

        // The site key of a customer is not an operator's either.
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        await page.SignInAsOperatorAsync(Server, await server.IssueKeyAsync(siteId));
        await Expect(page.Locator("#admin-key-error")).ToBeVisibleAsync();
        Assert.DoesNotContain("not-the-admin-key", server.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sites_table_fills_up_live_while_sessions_open_through_the_API()
    {
        var prefix = $"t{Guid.NewGuid():N}"[..9];
        var shop = $"{prefix}-shop";
        await server.ConfigureSiteAsync(shop, new { limit = 3 });
        await server.ConfigureSiteAsync($"{prefix}-blog", new { limit = 5 });
        await server.ConfigureSiteAsync($"{prefix}-wiki", new { limit = -1, idleTimeoutSeconds = 900, onFull = "evict-idlest" });
        await server.ConfigureSiteAsync($"{prefix}-archive", new { limit = 0 });
        using var api = server.Admin();
        for (var i = 0; i < 4; i++)
        {
            await api.OpenedSessionIdAsync($"{prefix}-blog", $"reader-{i}");
        }

        await api.OpenedSessionIdAsync($"{prefix}-wiki", "editor");
        var page = await SignedInAsync();
        await page.EvaluateAsync("() => window.stillTheSamePage = true");

        // The filter applies as it is typed; the address follows, so a reload keeps it.
        await page.FillAsync("#filter", prefix);
        var row = page.Locator($"tr[data-site='{shop}']");
        await Expect(row.Locator(".count")).ToHaveTextAsync("0");
        await Expect(page.Locator("#sites tbody tr")).ToHaveCountAsync(4);
        await Expect(page).ToHaveURLAsync(new Regex($"\\?q={prefix}$"));
        await Expect(page.Locator($"tr[data-site='{prefix}-blog']")).ToHaveClassAsync("load-near");
        await Expect(page.Locator("#live-status")).ToHaveTextAsync(new Regex("^Live · updated [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC$"));

        for (var active = 1; active <= 3; active++)
        {
            await api.OpenedSessionIdAsync(shop, $"user-{active}");
            await Expect(row.Locator(".count")).ToHaveTextAsync(active.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using (var refused = await api.OpenSessionAsync(shop, "user-4"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await Expect(row).ToHaveClassAsync("load-full");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("full");
        await Expect(row.Locator(".refusals")).ToHaveTextAsync("1");
        await Expect(row.Locator(".peak")).ToHaveTextAsync("3");
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "The table must update without reloading the page.");

        // Sorting by active, most first: the full shop leads, the closed archive comes last.
        await page.ClickAsync("#sort-active");
        await page.ClickAsync("#sort-active");
        await Expect(page.Locator("#sites tbody tr")).ToHaveCountAsync(4);
        var order = await page.Locator("#sites tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.site)");
        Assert.Equal([$"{prefix}-blog", shop, $"{prefix}-wiki", $"{prefix}-archive"], order);
        await Expect(page.Locator("#sort-active").Locator("xpath=..")).ToHaveAttributeAsync("aria-sort", "descending");
        await Screenshots.SaveAsync(page, "admin-sites.png");
    }

    [Fact]
    public async Task Kicking_a_session_ends_it_and_its_next_touch_says_kicked()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var api = server.Admin();
        var ann = await OpenAsync(api, siteId, "ann", "198.51.100.23", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
        var bob = await OpenAsync(api, siteId, "bob", "203.0.113.9", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1");
        var page = await SignedInAsync($"/admin/sites/{siteId}");
        var annRow = page.Locator($"tr[data-session='{ann}']");
        await Expect(annRow.Locator(".user")).ToHaveTextAsync("ann");
        await Expect(annRow).ToContainTextAsync("198.51.100.23");
        await Expect(annRow).ToContainTextAsync("Firefox/133.0");
        await Expect(annRow.Locator(".time-left")).ToHaveTextAsync(new Regex("^(59 min|1 h)"));
        await page.EvaluateAsync("() => window.stillTheSamePage = true");

        // The operator is asked first, about ann by name; saying no changes nothing.
        var asked = AnswerConfirmations(page, false, true);
        await page.ClickAsync($"#kick-{ann}");
        Assert.StartsWith("Kick ann? Their session (started ", await asked.Reader.ReadAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "A kick the operator declined must not be sent.");
        await Expect(annRow).ToHaveCountAsync(1);

        await page.ClickAsync($"#kick-{ann}");

        await Expect(page.Locator("#notice")).ToContainTextAsync($"ann's session ({ann}) was ended");
        await Expect(annRow).ToHaveCountAsync(0);
        await Expect(page.Locator("#figure-active")).ToHaveTextAsync("1");
        await AssertTouchEndsAsync(api, siteId, ann, "kicked");
        using var bobTouch = await api.TouchAsync(siteId, bob);
        Assert.Equal(HttpStatusCode.OK, bobTouch.StatusCode);
    }

    [Fact]
    public async Task A_site_with_more_sessions_than_a_page_lists_the_rest_on_the_next_page_once()
    {
        var siteId = await server.NewSiteAsync(new { limit = -1 });
        using var api = server.Admin();
        var opened = new List<string>();
        for (var i = 0; i < 105; i++)
        {
            opened.Add(await api.OpenedSessionIdAsync(siteId, $"user-{i:D3}"));
        }

        var page = await SignedInAsync($"/admin/sites/{siteId}");
        var rows = page.Locator("#sessions tbody tr");
        await Expect(rows).ToHaveCountAsync(100);
        await Expect(page.Locator("#sessions-listed")).ToHaveTextAsync("The 100 oldest of 105 are listed.");
        await Expect(page.Locator("#sessions-first")).ToHaveCountAsync(0);
        Assert.Equal(opened[..100], await ListedAsync(page));

        // With the keyboard alone, on to the next page: the other five, each once.
        await TabToAsync(page, "sessions-next");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("\\?cursor="));
        await Expect(rows).ToHaveCountAsync(5);
        Assert.Equal(opened[100..], await ListedAsync(page));
        await Expect(page.Locator("#sessions-listed")).ToHaveTextAsync(new Regex("^Listed: 5 of 105"));
        await Expect(page.Locator("#sessions-next")).ToHaveCountAsync(0);
        await AssertAccessibleAsync(page);

        // The live refresh stays on this page: a session opened now (the newest) joins it without a reload.
        await page.EvaluateAsync("() => window.stillTheSamePage = true");
        var newest = await api.OpenedSessionIdAsync(siteId, "user-105");
        await Expect(rows).ToHaveCountAsync(6);
        Assert.Equal(opened[100..].Append(newest), await ListedAsync(page));
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "The list must update without reloading the page.");

        // A kick brings the operator back to the page they were on.
        AnswerConfirmations(page, true);
        await page.ClickAsync($"#kick-{newest}");
        await Expect(page.Locator("#notice")).ToContainTextAsync($"({newest}) was ended");
        await Expect(rows).ToHaveCountAsync(5);
        Assert.Equal(opened[100..], await ListedAsync(page));

        await page.ClickAsync("#sessions-first");
        await Expect(rows).ToHaveCountAsync(100);
        Assert.Equal(opened[..100], await ListedAsync(page));
    }

    [Fact]
    public async Task A_damaged_page_link_shows_the_first_page_and_says_so()
    {
        var siteId = await server.NewSiteAsync(new { limit = -1 });
        using var api = server.Admin();
        var ann = await api.OpenedSessionIdAsync(siteId, "ann");
        var page = await SignedInAsync();

        var response = await page.GotoAsync(new Uri(Server, $"/admin/sites/{siteId}?cursor=not-a-cursor").ToString());

        Assert.Equal((int)HttpStatusCode.BadRequest, response!.Status);
        await Expect(page.Locator("#cursor-error")).ToContainTextAsync("the first page is shown");
        Assert.Equal([ann], await ListedAsync(page));
        Assert.DoesNotContain("cursor=", await page.Locator("#live").GetAttributeAsync("data-live-url") ?? "", StringComparison.Ordinal);
        using var client = await OperatorPages.SignedInClientAsync(Server, ApiServer.AdminKey);
        using var live = await client.GetAsync(new Uri(Server, $"/admin/sites/{siteId}?handler=Live&cursor=not-a-cursor"));
        Assert.Equal(HttpStatusCode.BadRequest, live.StatusCode);
    }

    [Fact]
    public async Task Sign_in_blocks_are_listed_on_the_site_page_and_lifted_there()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5, guard = new { maxFailures = 2, perUserMaxFailures = 0 } });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        for (var i = 0; i < 2; i++)
        {
            using var failed = await site.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts", new { clientIp = "198.51.100.66", userId = "ann", succeeded = false });
            Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        }

        var page = await SignedInAsync($"/admin/sites/{siteId}");
        var row = page.Locator("#blocks tr[data-block='address:198.51.100.66']");
        await Expect(row.Locator(".blocked-value")).ToHaveTextAsync("198.51.100.66");

        await row.Locator("button").ClickAsync();

        await Expect(page.Locator("#notice")).ToContainTextAsync("The block of address 198.51.100.66 was lifted");
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.Locator("#blocks")).ToContainTextAsync("Nothing is blocked.");
        using var check = await site.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts/check", new { clientIp = "198.51.100.66", userId = "ann" });
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
    }

    [Fact]
    public async Task A_site_set_to_queue_in_the_form_counts_its_waiting_line()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var api = server.Admin();
        await api.OpenedSessionIdAsync(siteId, "ann");
        var page = await SignedInAsync($"/admin/sites/{siteId}");

        await page.SelectOptionAsync("#Form_OnFull", "queue");
        await page.FillAsync("#Form_ClaimSeconds", "45");
        await page.ClickAsync("#save-settings");

        await Expect(page.Locator("#notice")).ToHaveTextAsync("Settings saved.");
        var settings = await api.GetSiteAsync(siteId);
        Assert.Equal("queue", settings.GetProperty("onFull").GetString());
        Assert.Equal(45, settings.GetProperty("claimSeconds").GetInt32());
        using (var queued = await api.OpenSessionAsync(siteId, "bob"))
        {
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        await Expect(page.Locator("#figure-waiting")).ToHaveTextAsync("1");
        await page.GotoAsync(new Uri(Server, $"/admin?q={siteId}").ToString());
        await Expect(page.Locator($"tr[data-site='{siteId}'] .waiting")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task The_waiting_line_is_listed_on_the_site_page_where_a_ticket_is_removed_and_the_next_admitted()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "queue" });
        using var api = server.Admin();
        await api.OpenedSessionIdAsync(siteId, "ann");
        var tickets = new Dictionary<string, Uri>();
        foreach (var user in new[] { "bob", "cat", "dan" })
        {
            using var queued = await api.OpenSessionAsync(siteId, user);
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            tickets[user] = queued.Headers.Location!;
        }

        var page = await SignedInAsync($"/admin/sites/{siteId}");
        var rows = page.Locator("#line tbody tr[data-ticket]");
        await Expect(rows.Locator(".user")).ToHaveTextAsync(["bob", "cat", "dan"]);
        await Expect(rows.Locator(".position")).ToHaveTextAsync(["1", "2", "3"]);
        await Expect(page.Locator("#figure-waiting")).ToHaveTextAsync("3");

        // Remove asks first, naming the user; the holder is told why at their next ask, and those behind move up.
        var asked = AnswerConfirmations(page, true, true);
        var cat = tickets["cat"].OriginalString.Split('/')[^1];
        await page.ClickAsync($"#remove-{cat}");
        Assert.StartsWith("Remove cat from the line? Their ticket (waiting since ", await asked.Reader.ReadAsync());
        await Expect(page.Locator("#notice")).ToContainTextAsync($"cat's ticket ({cat}) was removed from the line");
        await Expect(rows.Locator(".user")).ToHaveTextAsync(["bob", "dan"]);
        await Expect(rows.Locator(".position")).ToHaveTextAsync(["1", "2"]);
        using (var told = await api.GetAsync(tickets["cat"]))
        {
            await told.AssertProblemAsync(HttpStatusCode.Gone, "ticket_removed");
        }

        // Admit next holds a seat for bob over the full site's limit; he takes it when he next asks.
        await page.ClickAsync("#admit-next");
        Assert.StartsWith("Admit bob now?", await asked.Reader.ReadAsync());
        await Expect(page.Locator("#notice")).ToContainTextAsync("A seat is held for bob's ticket");
        await Expect(rows.First.Locator(".held time")).ToHaveCountAsync(1);
        using (var admitted = await api.GetAsync(tickets["bob"]))
        {
            Assert.Equal(HttpStatusCode.Created, admitted.StatusCode);
        }

        await Expect(page.Locator("#figure-active")).ToHaveTextAsync("2");
        await Expect(rows.Locator(".user")).ToHaveTextAsync(["dan"]);
    }

    [Fact]
    public async Task A_site_never_configured_says_so_plainly_and_saving_its_settings_configures_it()
    {
        var typo = Sites.NewId();
        var page = await SignedInAsync($"/admin/sites/{typo}");

        await Expect(page.Locator("#never-configured")).ToContainTextAsync("has never been configured");
        await Expect(page.Locator("#Form_Limit")).ToHaveValueAsync("-1");
        using var api = server.Admin();
        Assert.False((await api.GetSiteAsync(typo)).GetProperty("configured").GetBoolean());

        await page.FillAsync("#Form_Limit", "3");
        await page.ClickAsync("#save-settings");

        await Expect(page.Locator("#notice")).ToHaveTextAsync("Settings saved.");
        await Expect(page.Locator("#never-configured")).ToHaveCountAsync(0);
        Assert.True((await api.GetSiteAsync(typo)).GetProperty("configured").GetBoolean());
    }

    [Fact]
    public async Task A_limit_changed_in_the_form_applies_and_wrong_values_are_refused_next_to_their_fields()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var api = server.Admin();
        await api.OpenedSessionIdAsync(siteId, "ann");
        var page = await SignedInAsync($"/admin/sites/{siteId}");
        await Expect(page.Locator("#Form_Limit")).ToHaveValueAsync("1");

        await page.FillAsync("#Form_Limit", "2");
        await page.FillAsync("#Form_ExemptRoles", "support, ops");
        await page.FillAsync("#Form_GuardMaxFailures", "6");
        await page.SelectOptionAsync("#Form_GuardExtend", "keep");
        await page.ClickAsync("#save-settings");

        await Expect(page.Locator("#notice")).ToHaveTextAsync("Settings saved.");
        await Expect(page.Locator("#figure-limit")).ToHaveTextAsync("2");
        var settings = await api.GetSiteAsync(siteId);
        Assert.Equal(2, settings.GetProperty("limit").GetInt32());
        Assert.Equal(["support", "ops"], settings.GetProperty("exemptRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(6, settings.GetProperty("guard").GetProperty("maxFailures").GetInt32());
        Assert.False(settings.GetProperty("guard").GetProperty("extendWhileBlocked").GetBoolean());
        Assert.Equal(60, settings.GetProperty("guard").GetProperty("blockSeconds").GetInt32());
        await api.OpenedSessionIdAsync(siteId, "bob");

        // Mistakes: each is shown next to its own field, all at once, whether the form cannot read it or the site's
        // rules refuse it, and nothing is changed.
        await page.FillAsync("#Form_Limit", "lots");
        await page.FillAsync("#Form_IdleTimeoutMinutes", "0");
        await page.FillAsync("#Form_PerUserLimit", "-7");
        await page.ClickAsync("#save-settings");
        await Expect(page.Locator("#Form_Limit-error")).ToContainTextAsync("The limit is a whole number");
        await Expect(page.Locator("#Form_IdleTimeoutMinutes-error")).ToContainTextAsync("The idle timeout is between 1 second and 30 days");
        await Expect(page.Locator("#Form_PerUserLimit-error")).ToContainTextAsync("-1 (none)");
        await Expect(page.Locator("#Form_Limit")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#Form_Limit")).ToHaveValueAsync("lots");

        await page.FillAsync("#Form_Limit", "-5");
        await page.FillAsync("#Form_IdleTimeoutMinutes", "abc");
        await page.FillAsync("#Form_PerUserLimit", "-1");
        await page.FillAsync("#Form_Message", " ");
        await page.FillAsync("#Form_ClosedMessage", "Closed to {actve} users");
        await page.FillAsync("#Form_GuardBlockSeconds", "0");
        await page.ClickAsync("#save-settings");
        await Expect(page.Locator("#Form_Limit-error")).ToContainTextAsync("-1 (unlimited), 0 (closed)");
        await Expect(page.Locator("#Form_IdleTimeoutMinutes-error")).ToContainTextAsync("The idle timeout is a number of minutes");
        await Expect(page.Locator("#Form_Message-error")).ToContainTextAsync("The message is 1 to");
        await Expect(page.Locator("#Form_ClosedMessage-error")).ToContainTextAsync("'{actve}' is no placeholder");
        await Expect(page.Locator("#Form_GuardBlockSeconds-error")).ToContainTextAsync("A block lasts 1 to 86400 seconds");
        Assert.Equal(2, (await api.GetSiteAsync(siteId)).GetProperty("limit").GetInt32());
        using var third = await api.OpenSessionAsync(siteId, "cat");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    [Fact]
    public async Task The_chart_draws_the_last_24_hours_of_sessions_and_refusals()
    {
        var siteId = await server.NewSiteAsync(new { limit = 2, idleTimeoutSeconds = 1800, exemptRoles = new[] { "support" } });
        using var api = server.Admin();
        await OpenAsync(api, siteId, "ann", "198.51.100.23", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
        await OpenAsync(api, siteId, "support-desk", "192.0.2.44", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/131.0", "support");
        await OpenAsync(api, siteId, "bob", "203.0.113.9", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1");
        for (var i = 0; i < 2; i++)
        {
            using var refused = await api.OpenSessionAsync(siteId, $"late-{i}");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        var page = await SignedInAsync($"/admin/sites/{siteId}");
        var chart = page.Locator("#history-chart");

        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart.Locator("title")).ToHaveTextAsync(new Regex("peak 2 of 2, 2 refused"));
        await Expect(chart.Locator("rect.refusal")).ToHaveCountAsync(1);
        await Expect(chart.Locator("line.limit")).ToHaveCountAsync(1);
        var points = (await chart.Locator("polyline.active").GetAttributeAsync("points"))!.Split(' ');
        Assert.True(points.Length >= 3, $"A step up to the peak needs at least three points: {string.Join(' ', points)}");
        var limitY = await chart.Locator("line.limit").GetAttributeAsync("y1");
        Assert.Equal(limitY, points[^1].Split(',')[1]);
        await Expect(page.Locator("#figure-refusals")).ToHaveTextAsync("2");
        await Expect(page.Locator("#figure-exempt")).ToHaveTextAsync("1");
        await Screenshots.SaveAsync(page, "admin-site.png");
    }

    [Fact]
    public async Task The_Orleans_dashboard_opens_after_the_operator_signs_in()
    {
        var page = await chromium.NewPersonAsync();
        var refusedByPolicy = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                refusedByPolicy.Add(message.Text);
            }
        };
        await page.GotoAsync(new Uri(Server, "/dashboard").ToString());
        await Expect(page.Locator("#admin-key")).ToBeVisibleAsync();
        using (var anonymous = OperatorPages.CookieClient())
        {
            using var stats = await anonymous.GetAsync(new Uri(Server, "/dashboard/ClusterStats"));
            Assert.Equal(HttpStatusCode.Redirect, stats.StatusCode);
            Assert.StartsWith("/admin/sign-in", stats.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        await page.FillAsync("#admin-key", ApiServer.AdminKey);
        await page.ClickAsync("#sign-in");

        await Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        Assert.StartsWith(new Uri(Server, "/dashboard").ToString(), page.Url, StringComparison.Ordinal);

        // The single-page app renders under the server's Content-Security-Policy: its menu, and the cluster's figures
        // and calls in place of "Loading...".
        await Expect(page.Locator("#menu a").First).ToBeVisibleAsync();
        await Expect(page.Locator("#content")).ToContainTextAsync("Active Silos");
        await Expect(page.Locator("#content")).ToContainTextAsync("req/sec");
        Assert.Empty(refusedByPolicy);
        using var operatorClient = await OperatorPages.SignedInClientAsync(Server, ApiServer.AdminKey);
        using var clusterStats = await operatorClient.GetAsync(new Uri(Server, "/dashboard/ClusterStats"));
        Assert.Equal(HttpStatusCode.OK, clusterStats.StatusCode);
    }

    [Fact]
    public async Task On_a_narrow_screen_the_pages_fit_and_work_with_the_keyboard_alone()
    {
        var siteId = await server.NewSiteAsync(new { limit = 4 });
        using var api = server.Admin();
        var ann = await OpenAsync(api, siteId, "ann", "198.51.100.23", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 375, Height = 740 } });
        var page = await context.NewPageAsync();
        await page.SignInAsOperatorAsync(Server, ApiServer.AdminKey);
        await page.GotoAsync(new Uri(Server, $"/admin?q={siteId}").ToString());
        await AssertFitsTheScreenAsync(page);

        await TabToAsync(page, $"site-{siteId}");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#site-id")).ToHaveTextAsync(siteId);
        await AssertFitsTheScreenAsync(page);

        await TabToAsync(page, $"kick-{ann}");
        AnswerConfirmations(page, true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#notice")).ToContainTextAsync("was ended");
        await AssertTouchEndsAsync(api, siteId, ann, "kicked");
    }

    [Fact]
    public async Task An_id_no_site_can_have_is_not_found_and_the_go_to_box_says_why()
    {
        using var client = await OperatorPages.SignedInClientAsync(Server, ApiServer.AdminKey);
        using (var notFound = await client.GetAsync(new Uri(Server, "/admin/sites/has%20space")))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        }

        var page = await SignedInAsync();
        await page.FillAsync("#open-site", "no/such site");
        await page.PressAsync("#open-site", "Enter");
        await Expect(page.Locator("#open-site-error")).ToContainTextAsync("A site id is 1 to 64 letters");
        var siteId = Sites.NewId();
        await page.FillAsync("#open-site", siteId);
        await page.PressAsync("#open-site", "Enter");
        await Expect(page.Locator("#site-id")).ToHaveTextAsync(siteId);

        // Looking at a site that was never used shows the defaults and creates nothing.
        await Expect(page.Locator("#figure-limit")).ToHaveTextAsync("unlimited");
        using var api = server.Admin();
        using var list = await api.GetAsync(new Uri("/api/sites", UriKind.Relative));
        Assert.DoesNotContain(siteId, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_pass_the_axe_accessibility_rules()
    {
        var siteId = await server.NewSiteAsync(new { limit = 2 });
        using var api = server.Admin();
        await OpenAsync(api, siteId, "ann", "198.51.100.23", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
        await OpenAsync(api, siteId, "bob", "203.0.113.9", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1");
        var page = await chromium.NewPersonAsync();
        await page.GotoAsync(new Uri(Server, "/admin/sign-in").ToString());
        await AssertAccessibleAsync(page);
        await page.SignInAsOperatorAsync(Server, "a-wrong-key-0123456789abcdefghijklmnopqrs");
        await AssertAccessibleAsync(page);

        await page.SignInAsOperatorAsync(Server, ApiServer.AdminKey);
        await page.GotoAsync(new Uri(Server, $"/admin?q={siteId}").ToString());
        await AssertAccessibleAsync(page);
        await page.GotoAsync(new Uri(Server, $"/admin/sites/{siteId}").ToString());
        await AssertAccessibleAsync(page);
        await page.GotoAsync(new Uri(Server, "/admin/usage").ToString());
        await AssertAccessibleAsync(page);
        await page.GotoAsync(new Uri(Server, $"/admin/sites/{siteId}").ToString());
        await page.FillAsync("#Form_Limit", "many");
        await page.ClickAsync("#save-settings");
        await Expect(page.Locator("#Form_Limit-error")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task A_form_posted_without_its_anti_forgery_token_changes_nothing()
    {
        var siteId = await server.NewSiteAsync(new { limit = 3 });
        using var api = server.Admin();
        var ann = await api.OpenedSessionIdAsync(siteId, "ann");
        using var client = await OperatorPages.SignedInClientAsync(Server, ApiServer.AdminKey);
        var sitePage = new Uri(Server, $"/admin/sites/{siteId}");
        var token = await OperatorPages.AntiforgeryTokenAsync(client, sitePage);

        using var kill = await client.PostAsync(new Uri(sitePage, "?handler=Kick"), Form(("sessionId", ann)));
        using var settings = await client.PostAsync(new Uri(sitePage, "?handler=Settings"), Form(("Form.Limit", "1"), ("Form.IdleTimeoutMinutes", "1"), ("Form.OnFull", "deny"), ("Form.PerUserLimit", "-1"), ("Form.Message", "x")));
        using var forged = await client.PostAsync(new Uri(sitePage, "?handler=Kick"), Form(("sessionId", ann), ("__RequestVerificationToken", token + "x")));
        using var signOut = await client.PostAsync(new Uri(Server, "/admin/sign-out"), Form());

        Assert.Equal(HttpStatusCode.BadRequest, kill.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, settings.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        using var touch = await api.TouchAsync(siteId, ann);
        Assert.Equal(HttpStatusCode.OK, touch.StatusCode);
        Assert.Equal(3, (await api.GetSiteAsync(siteId)).GetProperty("limit").GetInt32());
        using var stillSignedIn = await client.GetAsync(sitePage);
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);

        // With the token, the same kill goes through.
        using var real = await client.PostAsync(new Uri(sitePage, "?handler=Kick"), Form(("sessionId", ann), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        await AssertTouchEndsAsync(api, siteId, ann, "kicked");
    }

    /// <summary>The ids of the sessions the page lists, in its order.</summary>
    private static Task<string[]> ListedAsync(IPage page) =>
        page.Locator("#sessions tbody tr[data-session]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.session)");

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>Answers the page's confirmation questions in turn (true: OK), once answered; returns the questions.</summary>
    private static Channel<string> AnswerConfirmations(IPage page, params bool[] answers)
    {
        var asked = Channel.CreateUnbounded<string>();
        var next = 0;
        page.Dialog += async (_, dialog) =>
        {
            var turn = Interlocked.Increment(ref next);
            await (turn <= answers.Length && answers[turn - 1] ? dialog.AcceptAsync() : dialog.DismissAsync());
            asked.Writer.TryWrite(dialog.Message);
        };
        return asked;
    }

    private Task<IPage> SignedInAsync(string path = "/admin") => chromium.SignedInOperatorAsync(Server, path);

    private static async Task<string> OpenAsync(HttpClient api, string siteId, string userId, string clientIp, string userAgent, params string[] roles)
    {
        using var response = await api.PostAsJsonAsync($"/api/sites/{siteId}/sessions", new { userId, roles, clientIp, userAgent });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("sessionId").GetString()!;
    }

    /// <summary>The kill reaches the session grain as an end signal the site does not wait for: its touches answer 410 kicked once it lands.</summary>
    private static async Task AssertTouchEndsAsync(HttpClient api, string siteId, string sessionId, string reason)
    {
        var ended = await Eventually.WaitForAsync(
            async () =>
            {
                using var touch = await api.TouchAsync(siteId, sessionId);
                return (touch.StatusCode, Body: await touch.ReadJsonAsync());
            },
            touch => touch.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Gone, ended.StatusCode);
        Assert.Equal("session_ended", ended.Body.GetProperty("code").GetString());
        Assert.Equal(reason, ended.Body.GetProperty("reason").GetString());
    }

    /// <summary>axe-core (bundled with the test package, injected into the page) finds no violation of the WCAG rules.</summary>
    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        Assert.NotEmpty(result.Passes);
        var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target.ToString()))}");
        Assert.True(result.Violations.Length == 0, $"Accessibility violations on {page.Url}:\n{string.Join('\n', violations)}");
    }

    /// <summary>Nothing sticks out sideways: the page never scrolls horizontally.</summary>
    private static async Task AssertFitsTheScreenAsync(IPage page)
    {
        // Measured once the stylesheet applies: a page whose text is in but whose styles are still loading (a slow
        // machine) is laid out without them.
        await page.WaitForLoadStateAsync(LoadState.Load);
        var overflowing = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)
            """);
        Assert.True(overflowing.Length == 0, $"Wider than the screen on {page.Url}: {string.Join(", ", overflowing.Take(8))}");
    }

    /// <summary>Presses Tab until the element with <paramref name="id"/> has the focus, as a keyboard user would.</summary>
    private static async Task TabToAsync(IPage page, string id)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") == id)
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached #{id}.");
    }
}
