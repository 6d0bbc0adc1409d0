using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SessionGrains.Server.Api.Contracts;
using SessionGrains.Server.Api.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Api;

/// <summary>The sign-in guard: check before a password check, report after it (the site's key), see and lift blocks (admin).</summary>
internal static class GuardEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var guard = api.MapGroup("/sites/{siteId}").WithTags(DocumentFacts.GuardTag);

        guard.MapPost("/sign-in-attempts/check", CheckAsync)
            .WithName("CheckSignIn")
            .ChecksSiteIdFirst()
            .RequireAuthorization(AccessPolicies.SiteOrAdmin)
            .Produces<SignInAllowedView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status429TooManyRequests, ProblemCodes.SignInBlocked)
            .WithSummary("Asks, before checking a password, whether this attempt may go on. 429 (sign_in_blocked, with scope, blockedUntil, Retry-After and the site's message) while the address or the user is blocked.");

        guard.MapPost("/sign-in-attempts", ReportAsync)
            .WithName("ReportSignIn")
            .ChecksSiteIdFirst()
            .RequireAuthorization(AccessPolicies.SiteOrAdmin)
            .Produces(StatusCodes.Status204NoContent)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Reports how a password check went: a failure counts against the address and the user, a success forgets both.");

        guard.MapGet("/blocks", ListAsync)
            .WithName("ListSignInBlocks")
            .RequireAuthorization(AccessPolicies.Admin)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("The addresses and users blocked now, soonest lifted first.");

        guard.MapDelete("/blocks", LiftAsync)
            .WithName("LiftSignInBlock")
            .RequireAuthorization(AccessPolicies.Admin)
            .Produces(StatusCodes.Status204NoContent)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status404NotFound, ProblemCodes.UnknownBlock)
            .WithSummary("Lifts the block of one address (?address=) or one user (?userId=) and forgets its failures. 404 (unknown_block) when it was not blocked.");
    }

    private static async Task<IResult> CheckAsync(string siteId, [FromBody] SignInAttemptBody body, IGrainFactory grains, TimeProvider clock) =>
        await grains.GetSignInGuard(siteId).CheckAsync(body.ToAttempt()) switch
        {
            SignInBlocked blocked => ApiProblems.SignInBlocked(blocked, clock.GetUtcNow()),
            _ => TypedResults.Ok(new SignInAllowedView()),
        };

    private static async Task<NoContent> ReportAsync(string siteId, [FromBody] SignInOutcomeBody body, IGrainFactory grains)
    {
        await grains.GetSignInGuard(siteId).ReportAsync(body.ToAttempt(), body.Succeeded);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<SignInBlocksView>> ListAsync(string siteId, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var guard = grains.GetSignInGuard(siteId);
        var blocks = guard.GetBlocksAsync();
        var tracking = await guard.GetTrackingAsync();
        return TypedResults.Ok(new SignInBlocksView
        {
            Blocks = [.. (await blocks).Select(SignInBlockView.From)],
            TrackedAddresses = tracking.Addresses,
            TrackedUsers = tracking.Users,
        });
    }

    private static async Task<IResult> LiftAsync(string siteId, string? address, string? userId, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var (scope, value) = (address, userId) switch
        {
            ({ } a, null) => (BlockScope.Address, a),
            (null, { } u) => (BlockScope.User, u),
            _ => throw new InvalidRequestException("address", "Name one block: ?address=<address> or ?userId=<user id>."),
        };
        return await grains.GetSignInGuard(siteId).LiftAsync(scope, value) ? TypedResults.NoContent() : ApiProblems.UnknownBlock();
    }
}
