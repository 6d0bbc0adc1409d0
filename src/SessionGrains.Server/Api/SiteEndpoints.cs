using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SessionGrains.Grains.Keys;
using SessionGrains.Grains.Sites;
using SessionGrains.Server.Api.Contracts;
using SessionGrains.Server.Api.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Api;

/// <summary>Sites: settings (admin), listing (admin), details (admin or the site's key), and site keys (admin).</summary>
internal static class SiteEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api = api.MapGroup(string.Empty).WithTags(DocumentFacts.SitesTag);
        api.MapGet("/sites", ListAsync)
            .WithName("ListSites")
            .RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Lists every site with its settings and counts.");

        api.MapPut("/sites/{siteId}", UpdateAsync)
            .WithName("ConfigureSite")
            .ChecksSiteIdFirst()
            .RequireAuthorization(AccessPolicies.Admin)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Creates or changes a site's settings; fields left out stay unchanged.");

        api.MapGet("/sites/{siteId}", GetAsync)
            .WithName("GetSite")
            .RequireAuthorization(AccessPolicies.SiteOrAdmin)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("A site's settings, counts and first page of live sessions (see GET /api/sites/{siteId}/sessions for the rest).");

        api.MapGet("/sites/{siteId}/activity", GetHistoryAsync)
            .WithName("GetSiteActivity")
            .RequireAuthorization(AccessPolicies.SiteOrAdmin)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Counted sessions and refusals over the last 24 hours, one bucket a minute.");

        api.MapPost("/sites/{siteId}/keys", IssueKeyAsync)
            .WithName("IssueSiteKey")
            .RequireAuthorization(AccessPolicies.Admin)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Issues a key for one site. The key is shown once and stored only as a hash.");

        api.MapDelete("/sites/{siteId}/keys/{keyId}", RevokeKeyAsync)
            .WithName("RevokeSiteKey")
            .RequireAuthorization(AccessPolicies.Admin)
            .Produces(StatusCodes.Status204NoContent)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status404NotFound, ProblemCodes.UnknownKey)
            .WithSummary("Revokes a site key (idempotent). 404 (unknown_key) when the site was never issued a key with this id.");
    }

    private static async Task<Ok<SiteSummaryView[]>> ListAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var summaries = await grains.GetSiteSummariesAsync(cancellationToken);
        return TypedResults.Ok(summaries.Select(SiteSummaryView.From).ToArray());
    }

    private static async Task<Ok<SiteSettingsView>> UpdateAsync(string siteId, [FromBody] SiteSettingsChange change, IGrainFactory grains)
    {
        try
        {
            var settings = await grains.GetSiteGrain(siteId).UpdateSettingsAsync(change.ToUpdate());
            return TypedResults.Ok(SiteSettingsView.From(siteId, settings));
        }
        catch (InvalidRequestException refusal)
        {
            throw SiteSettingsChange.InApiTerms(refusal);
        }
    }

    private static async Task<Ok<SiteDetailsView>> GetAsync(string siteId, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var status = await grains.GetSiteGrain(siteId).GetStatusAsync();
        return TypedResults.Ok(SiteDetailsView.From(status));
    }

    private static async Task<Ok<SiteHistoryView>> GetHistoryAsync(string siteId, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var history = await grains.GetSiteGrain(siteId).GetHistoryAsync();
        return TypedResults.Ok(SiteHistoryView.Of(siteId, history));
    }

    private static async Task<Created<KeyIssuedView>> IssueKeyAsync(string siteId, IGrainFactory grains, SiteKeyIds keyIds)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var keyId = await keyIds.NewAsync();
        var (key, secretHash) = ApiKeys.NewSiteKey(keyId);
        await grains.GetGrain<IApiKeyGrain>(keyId).IssueAsync(siteId, secretHash);
        return TypedResults.Created($"/api/sites/{siteId}/keys/{keyId}", new KeyIssuedView { KeyId = keyId, Key = key });
    }

    private static async Task<IResult> RevokeKeyAsync(string siteId, string keyId, IGrainFactory grains, SiteKeyIds keyIds, KeyVerifier keys)
    {
        RequestRules.EnsureValidSiteId(siteId);
        if (!ApiKeys.IsKeyId(keyId))
        {
            throw new InvalidRequestException("keyId", "A key id is 32 lowercase hexadecimal digits.");
        }

        // Under another site's id nothing changes, here or in any server's cache: the key is simply not this site's.
        if (!await keyIds.IsGenuineAsync(keyId) || !await grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync(siteId))
        {
            return ApiProblems.UnknownKey();
        }

        keys.Revoked(keyId);
        return TypedResults.NoContent();
    }
}
