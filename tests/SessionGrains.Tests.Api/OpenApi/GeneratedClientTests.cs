using System.Net;
using SessionGrains.Tests.Api.OpenApi.Generated;

namespace SessionGrains.Tests.Api.OpenApi;

/// <summary>
/// The README's scenario through a client NSwag generated from the served document, unedited
/// (<see cref="OpenApiDocumentTests"/> proves it is the generator's output): every success and every refusal is typed.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class GeneratedClientTests(ApiServer server)
{
    [Fact]
    public async Task The_README_scenario_runs_through_the_generated_client_refusals_included()
    {
        var siteId = Sites.NewId();
        using var adminHttp = server.Admin();
        var admin = new SessionGrainsApi(adminHttp);

        // Two seats; users with the role "support" get in even when the site is full. The site's app gets a key of its own.
        var settings = await admin.ConfigureSiteAsync(siteId, new SiteSettingsChange { Limit = 2, IdleTimeoutSeconds = 600, ExemptRoles = ["support"] });
        Assert.Equal(2, settings.Limit);
        Assert.Equal(Generated.FullSitePolicy.Deny, settings.OnFull);
        var issued = await admin.IssueSiteKeyAsync(siteId);
        using var siteHttp = server.Client(issued.Key);
        var site = new SessionGrainsApi(siteHttp);

        var alice = await site.OpenSessionAsync(siteId, new OpenSessionBody { UserId = "alice" });
        var bob = await site.OpenSessionAsync(siteId, new OpenSessionBody { UserId = "bob" });
        var sam = await site.OpenSessionAsync(siteId, new OpenSessionBody { UserId = "sam", Roles = ["support"] });
        Assert.Equal(2, bob.Active);
        Assert.True(sam.Exempt);

        var full = await RefusedAsync(() => site.OpenSessionAsync(siteId, new OpenSessionBody { UserId = "carol" }));
        Assert.Equal((int)HttpStatusCode.TooManyRequests, full.Status);
        Assert.Equal(ProblemDetailsCode.Site_full, full.Code);
        Assert.Equal("Sorry, there are already 2 users working on this site. Please try again later.", full.Detail);
        Assert.Equal(2, full.Active);
        Assert.Equal(2, full.Limit);

        // Activity, the site as its own key sees it, and a logout that frees a seat for carol.
        Assert.True((await site.TouchSessionAsync(siteId, alice.SessionId)).IdleExpiresAt > DateTimeOffset.UtcNow);
        var details = await site.GetSiteAsync(siteId);
        Assert.Equal(["alice", "bob", "sam"], details.Sessions.Select(session => session.UserId).Order());
        Assert.True(details.Configured);
        await site.EndSessionAsync(siteId, alice.SessionId);
        var loggedOut = await RefusedAsync(() => site.TouchSessionAsync(siteId, alice.SessionId));
        Assert.Equal(ProblemDetailsCode.Session_ended, loggedOut.Code);
        Assert.Equal(ProblemDetailsReason.Logout, loggedOut.Reason);
        var carol = await site.OpenSessionAsync(siteId, new OpenSessionBody { UserId = "carol" });
        Assert.Equal(2, carol.Active);

        // The operator kicks bob; his next touch is told so once the kick reached his session.
        await admin.EndSessionAsync(siteId, bob.SessionId);
        var kicked = await Eventually.WaitForAsync(
            () => RefusedAsync(() => site.TouchSessionAsync(siteId, bob.SessionId)),
            problem => problem.Code == ProblemDetailsCode.Session_ended);
        Assert.Equal(ProblemDetailsReason.Kicked, kicked.Reason);

        // Closed for maintenance: the site's own message for it.
        await admin.ConfigureSiteAsync(siteId, new SiteSettingsChange { Limit = 0 });
        var closed = await RefusedAsync(() => site.OpenSessionAsync(siteId, new OpenSessionBody { UserId = "dave" }));
        Assert.Equal(ProblemDetailsCode.Site_closed, closed.Code);
        Assert.Equal(SiteSettings.DefaultClosedMessage, closed.Detail);
    }

    [Fact]
    public async Task Mistakes_and_keys_that_may_not_act_are_typed_problems_too()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        using var adminHttp = server.Admin();
        var admin = new SessionGrainsApi(adminHttp);
        using var siteHttp = server.Client(await server.IssueKeyAsync(siteId));
        var site = new SessionGrainsApi(siteHttp);
        using var anonymousHttp = server.Anonymous();

        var invalid = await RefusedAsync(() => admin.ConfigureSiteAsync(siteId, new SiteSettingsChange { Limit = -5, IdleTimeoutSeconds = 0, PerUserLimit = -7 }));
        Assert.Equal(ProblemDetailsCode.Invalid_request, invalid.Code);
        Assert.Equal(["idleTimeoutSeconds", "limit", "perUserLimit"], invalid.Errors!.Keys.Order());

        var unknown = await RefusedAsync(() => site.TouchSessionAsync(siteId, SessionId.New().ToString()));
        Assert.Equal(ProblemDetailsCode.Unknown_session, unknown.Code);

        var forbidden = await RefusedAsync(() => site.ListSitesAsync());
        Assert.Equal(ProblemDetailsCode.Forbidden, forbidden.Code);
        Assert.Equal((int)HttpStatusCode.Forbidden, forbidden.Status);

        var unauthorized = await RefusedAsync(() => new SessionGrainsApi(anonymousHttp).GetSiteAsync(siteId));
        Assert.Equal(ProblemDetailsCode.Unauthorized, unauthorized.Code);

        var badPage = await RefusedAsync(() => site.ListSessionsAsync(siteId, cursor: null, limit: 0));
        Assert.Equal("limit", Assert.Single(badPage.Errors!.Keys));
    }

    private static async Task<ProblemDetails> RefusedAsync(Func<Task> call) =>
        (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(call)).Result;
}
