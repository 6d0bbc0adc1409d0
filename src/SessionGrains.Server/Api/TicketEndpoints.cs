using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using SessionGrains.Server.Api.Contracts;
using SessionGrains.Server.Api.OpenApi;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Problems;

namespace SessionGrains.Server.Api;

/// <summary>
/// The waiting line of a full site that queues: list it from its head, ask again about a ticket (it may have become a
/// session), or leave the line (with the admin key: remove the ticket).
/// </summary>
internal static class TicketEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/sites/{siteId}/tickets").RequireAuthorization(AccessPolicies.SiteOrAdmin).WithTags(DocumentFacts.SessionsTag);

        tickets.MapGet("/", ListAsync)
            .WithName("ListTickets")
            .AddOpenApiOperationTransformer(SessionEndpoints.DescribePageSize(LinePage.MaxSize, LinePage.DefaultSize))
            .Produces<LinePageView>()
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary($"The waiting line from its head: at most 'limit' tickets (1 to {LinePage.MaxSize}, default {LinePage.DefaultSize}), and how many wait in all.");

        tickets.MapGet("/{ticketId}", PollAsync)
            .WithName("PollTicket")
            .Produces<TicketView>()
            .Produces<SessionOpenedView>(StatusCodes.Status201Created)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .Answers(StatusCodes.Status404NotFound, ProblemCodes.UnknownTicket)
            .Answers(StatusCodes.Status410Gone, ProblemCodes.TicketExpired, ProblemCodes.ClaimExpired, ProblemCodes.SiteClosed, ProblemCodes.TicketRemoved)
            .WithSummary("Asks again about a ticket, which keeps it in the line: 200 with its position and likely wait (Retry-After: when to ask again), or 201 with the session once its seat is held for it. 410 when it left the line (ticket_expired, claim_expired, site_closed, ticket_removed).");

        tickets.MapDelete("/{ticketId}", LeaveAsync)
            .WithName("LeaveLine")
            .Produces(StatusCodes.Status204NoContent)
            .Answers(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest)
            .WithSummary("Takes a ticket out of the line: leaving with the site's key, a removal with the admin key (its holder is then told ticket_removed). Its place, and a seat held for it, pass on at once. Idempotent.");
    }

    /// <summary>A ticket still in the line: 200 (or 202 for the open that made it) with <c>Retry-After</c> as the polling hint.</summary>
    internal static IResult Waiting(string siteId, TicketWaiting ticket, HttpContext http, bool created)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(ticket.PollAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var view = TicketView.From(ticket);
        return created ? TypedResults.Accepted($"/api/sites/{siteId}/tickets/{ticket.TicketId}", view) : TypedResults.Ok(view);
    }

    private static async Task<IResult> PollAsync(string siteId, string ticketId, IGrainFactory grains, HttpContext http)
    {
        RequestRules.EnsureValidSiteId(siteId);
        return await grains.GetSiteGrain(siteId).PollTicketAsync(ParseTicketId(ticketId)) switch
        {
            TicketWaiting waiting => Waiting(siteId, waiting, http, created: false),
            TicketAdmitted admitted => SessionEndpoints.Admitted(siteId, admitted.Session),
            TicketEnded ended => ApiProblems.TicketEnded(ended.Reason),
            _ => ApiProblems.UnknownTicket(),
        };
    }

    private static async Task<Ok<LinePageView>> ListAsync(string siteId, string? limit, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var size = LinePage.DefaultSize;
        if (limit is not null && !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            throw new InvalidRequestException("limit", $"A page holds 1 to {LinePage.MaxSize} tickets.");
        }

        return TypedResults.Ok(LinePageView.From(await grains.GetSiteGrain(siteId).GetLineAsync(size)));
    }

    private static async Task<NoContent> LeaveAsync(string siteId, string ticketId, HttpContext context, IGrainFactory grains)
    {
        RequestRules.EnsureValidSiteId(siteId);
        var id = ParseTicketId(ticketId);

        // As with sessions: the site's key is its user giving up, the admin key an operator's decision they learn of.
        if (context.User.IsAdmin())
        {
            await grains.GetSiteGrain(siteId).RemoveTicketAsync(id);
        }
        else
        {
            await grains.GetSiteGrain(siteId).LeaveLineAsync(id);
        }

        return TypedResults.NoContent();
    }

    private static SessionId ParseTicketId(string ticketId) =>
        SessionId.TryParse(ticketId, out var id) ? id : throw new InvalidRequestException("ticketId", "A ticket id is 32 lowercase hexadecimal digits.");
}
