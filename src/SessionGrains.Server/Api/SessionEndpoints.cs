using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SessionGrains.Server.Api.Contracts;
using SessionGrains.Server.Api.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Problems;
using SessionGrains.Server.RateLimits;

namespace SessionGrains.Server.Api;

/// <summary>Sessions: open (ask for a seat), touch (activity), end (the site's logout, or an admin's kick).</summary>
internal static class SessionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sites/{siteId}/sessions").RequireAuthorization(AccessPolicies.SiteOrAdmin).WithTags(DocumentFacts.SessionsTag);

        sessions.MapPost("/", OpenAsync)
            .WithName("OpenSession")
            .ChecksSiteIdFirst()
            .Produces<SessionOpenedView>(StatusCodes.Status201Created)
            .Produces<TicketView>(StatusCodes.Status202Accepted)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status429TooManyRequests, ProblemCodes.SiteFull, ProblemCodes.UserLimit, ProblemCodes.MaxSessions)
            .Answers(StatusCodes.Status503ServiceUnavailable, ProblemCodes.SiteClosed)
            .RequireRateLimiting(RateLimitRegistration.SiteOpens)
            .WithSummary("Asks for a seat. 201 with the session; on a full site that queues, 202 with a ticket in its waiting line (Location: the ticket). 429 (site_full, user_limit, max_sessions; rate_limited past the site's sign-ins per second) or 503 (site_closed) when refused.");

        sessions.MapGet("/", ListAsync)
            .WithName("ListSessions")
            .AddOpenApiOperationTransformer(DescribePageSize(SessionPage.MaxSize, SessionPage.DefaultSize))
            .Produces<SessionPageView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary($"A page of live sessions, oldest first: at most 'limit' (1 to {SessionPage.MaxSize}, default {SessionPage.DefaultSize}); pass 'nextCursor' as 'cursor' for the next page.");

        sessions.MapGet("/{sessionId}", GetAsync)
            .WithName("GetSession")
            .Produces<SessionStateView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status404NotFound, ProblemCodes.UnknownSession)
            .Answers(StatusCodes.Status410Gone, ProblemCodes.SessionEnded)
            .WithSummary("A session's state, without counting as activity.");

        sessions.MapPost("/{sessionId}/touch", TouchAsync)
            .WithName("TouchSession")
            .Produces<SessionTouchedView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status404NotFound, ProblemCodes.UnknownSession)
            .Answers(StatusCodes.Status410Gone, ProblemCodes.SessionEnded)
            .WithSummary("Records activity. 410 (session_ended, with its reason) once the session has ended.");

        sessions.MapDelete("/{sessionId}", EndAsync)
            .WithName("EndSession")
            .Produces(StatusCodes.Status204NoContent)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Ends a session: a logout with the site's key, a kick with the admin key. Idempotent.");
    }

    private static async Task<IResult> OpenAsync(string siteId, [FromBody] OpenSessionBody body, SiteAdmissions admissions, HttpContext http)
    {
        var result = await admissions.OpenSessionAsync(siteId, body.ToRequest());
        return result switch
        {
            SessionAdmitted admitted => Admitted(siteId, admitted),
            SessionQueued queued => TicketEndpoints.Waiting(siteId, queued.Ticket, http, created: true),
            SessionRefused refused => ApiProblems.Refused(refused),
            _ => throw new InvalidOperationException($"Unexpected admission result {result.GetType().Name}."),
        };
    }

    /// <summary>A new session, from an open or from a ticket whose seat it took: 201 with its <c>Location</c>.</summary>
    internal static IResult Admitted(string siteId, SessionAdmitted admitted) => TypedResults.Created(
        $"/api/sites/{siteId}/sessions/{admitted.SessionId}",
        new SessionOpenedView
        {
            SessionId = admitted.SessionId.ToString(),
            Active = admitted.Active,
            Limit = admitted.Limit,
            IdleExpiresAt = admitted.IdleExpiresAt,
            Exempt = admitted.Exempt,
        });

    /// <summary>The page size is read as text, so a bad one gets this API's own problem; it is an integer all the same.</summary>
    internal static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> DescribePageSize(int max, int defaultSize) =>
        (operation, _, _) =>
        {
            if (operation.Parameters?.FirstOrDefault(parameter => parameter.Name == "limit") is OpenApiParameter limit)
            {
                limit.Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "1",
                    Maximum = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Default = System.Text.Json.Nodes.JsonValue.Create(defaultSize),
                };
            }

            return Task.CompletedTask;
        };

    private static async Task<Ok<SessionPageView>> ListAsync(string siteId, string? cursor, string? limit, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var size = SessionPage.DefaultSize;
        if (limit is not null && !int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size))
        {
            throw new InvalidRequestException("limit", $"A page holds 1 to {SessionPage.MaxSize} sessions.");
        }

        var page = await grains.GetSiteGrain(siteId).GetSessionsAsync(cursor, size);
        return TypedResults.Ok(SessionPageView.From(page));
    }

    private static async Task<IResult> GetAsync(string siteId, string sessionId, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var id = SessionId.Parse(sessionId);
        return await grains.GetSessionGrain(siteId, id).PeekAsync() switch
        {
            SessionActive active => TypedResults.Ok(new SessionStateView { SessionId = id.ToString(), IdleExpiresAt = active.IdleExpiresAt }),
            var other => NotLive(other),
        };
    }

    private static async Task<IResult> TouchAsync(string siteId, string sessionId, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        return await grains.GetSessionGrain(siteId, SessionId.Parse(sessionId)).TouchAsync() switch
        {
            SessionActive active => TypedResults.Ok(new SessionTouchedView { IdleExpiresAt = active.IdleExpiresAt }),
            var other => NotLive(other),
        };
    }

    private static IResult NotLive(TouchResult result) =>
        result is SessionEnded ended ? ApiProblems.SessionEnded(ended.Reason) : ApiProblems.UnknownSession();

    private static async Task<NoContent> EndAsync(string siteId, string sessionId, HttpContext context, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var id = SessionId.Parse(sessionId);
        if (context.User.IsAdmin())
        {
            await grains.GetSiteGrain(siteId).KickAsync(id);
        }
        else
        {
            await grains.GetSiteGrain(siteId).SignOutAsync(id);
        }

        return TypedResults.NoContent();
    }
}
