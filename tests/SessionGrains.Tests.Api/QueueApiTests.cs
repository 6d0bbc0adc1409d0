using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The waiting line over HTTP: a full site that queues answers an open with 202 and a ticket, the ticket's location
/// answers with its position until a seat is held for it and then with the session, and leaving takes it out.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class QueueApiTests(ApiServer server)
{
    [Fact]
    public async Task A_full_site_that_queues_gives_a_ticket_whose_location_becomes_the_session_once_a_seat_frees()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "queue", claimSeconds = 60, ticketTimeoutSeconds = 60 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        var ann = await site.OpenedSessionIdAsync(siteId, "ann");

        using var queued = await site.OpenSessionAsync(siteId, "bob");
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var ticket = await queued.ReadJsonAsync();
        var ticketId = ticket.GetProperty("ticketId").GetString()!;
        Assert.Equal(1, ticket.GetProperty("position").GetInt32());
        Assert.Equal(0, ticket.GetProperty("ahead").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, ticket.GetProperty("shortestWaitSeconds").ValueKind);
        Assert.Equal($"/api/sites/{siteId}/tickets/{ticketId}", queued.Headers.Location!.OriginalString);
        Assert.Equal(TimeSpan.FromSeconds(ticket.GetProperty("pollAfterSeconds").GetInt32()), queued.Headers.RetryAfter!.Delta);

        Assert.Equal(1, (await site.GetSiteAsync(siteId)).GetProperty("waiting").GetInt32());
        using (var waiting = await site.GetAsync(queued.Headers.Location))
        {
            Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
            Assert.Equal(1, (await waiting.ReadJsonAsync()).GetProperty("position").GetInt32());
            Assert.NotNull(waiting.Headers.RetryAfter);
        }

        using (var loggedOut = await site.DeleteAsync(new Uri($"/api/sites/{siteId}/sessions/{ann}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, loggedOut.StatusCode);
        }

        using var admitted = await site.GetAsync(queued.Headers.Location);
        Assert.Equal(HttpStatusCode.Created, admitted.StatusCode);
        Assert.Equal(ticketId, (await admitted.ReadJsonAsync()).GetProperty("sessionId").GetString());
        Assert.Equal($"/api/sites/{siteId}/sessions/{ticketId}", admitted.Headers.Location!.OriginalString);
        using var touched = await site.TouchAsync(siteId, ticketId);
        Assert.Equal(HttpStatusCode.OK, touched.StatusCode);
    }

    [Fact]
    public async Task On_the_real_server_a_ticket_nobody_asks_about_lapses_by_the_sites_own_timer()
    {
        // Only the line's timer ends an unasked ticket (asking would keep it): this fails if the server refuses the
        // grain's own timer ticks, as its guard against keyless Orleans clients once did.
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "queue", ticketTimeoutSeconds = 5 });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        await site.OpenedSessionIdAsync(siteId, "ann");
        using var quiet = await site.OpenSessionAsync(siteId, "bob");
        using var asking = await site.OpenSessionAsync(siteId, "cat");

        var moved = await Eventually.WaitForAsync(
            async () =>
            {
                using var answer = await site.GetAsync(asking.Headers.Location);
                return (await answer.ReadJsonAsync()).GetProperty("position").GetInt32();
            },
            position => position == 1);

        Assert.Equal(1, moved);
        using var lapsed = await site.GetAsync(quiet.Headers.Location);
        Assert.Equal(HttpStatusCode.Gone, lapsed.StatusCode);
        Assert.Equal("ticket_expired", (await lapsed.ReadJsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Leaving_the_line_takes_the_ticket_out_and_a_closed_site_says_so_to_those_who_waited()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "queue" });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        using var admin = server.Admin();
        await site.OpenedSessionIdAsync(siteId, "ann");
        using var bob = await site.OpenSessionAsync(siteId, "bob");
        using var cat = await site.OpenSessionAsync(siteId, "cat");

        using (var left = await site.DeleteAsync(bob.Headers.Location))
        {
            Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        }

        using (var gone = await site.GetAsync(bob.Headers.Location))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound, "unknown_ticket");
        }

        using (var closing = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { limit = 0 }))
        {
            Assert.Equal(HttpStatusCode.OK, closing.StatusCode);
        }

        using var closed = await site.GetAsync(cat.Headers.Location);
        await closed.AssertProblemAsync(HttpStatusCode.Gone, "site_closed");
    }

    [Fact]
    public async Task The_line_lists_from_its_head_and_a_ticket_the_admin_key_deletes_is_told_it_was_removed()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1, onFull = "queue" });
        using var site = server.Client(await server.IssueKeyAsync(siteId));
        using var admin = server.Admin();
        await site.OpenedSessionIdAsync(siteId, "ann");
        using var bob = await site.OpenSessionAsync(siteId, "bob");
        using var cat = await site.OpenSessionAsync(siteId, "cat");

        var line = await (await site.GetAsync(new Uri($"/api/sites/{siteId}/tickets?limit=1", UriKind.Relative))).ReadJsonAsync();
        Assert.Equal(2, line.GetProperty("waiting").GetInt32());
        var head = Assert.Single(line.GetProperty("tickets").EnumerateArray());
        Assert.Equal((1, "bob"), (head.GetProperty("position").GetInt32(), head.GetProperty("userId").GetString()));
        Assert.Equal(bob.Headers.Location!.OriginalString, $"/api/sites/{siteId}/tickets/{head.GetProperty("ticketId").GetString()}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, head.GetProperty("seatHeldUntil").ValueKind);

        using (var removed = await admin.DeleteAsync(bob.Headers.Location))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        using (var told = await site.GetAsync(bob.Headers.Location))
        {
            await told.AssertProblemAsync(HttpStatusCode.Gone, "ticket_removed");
        }

        using var moved = await site.GetAsync(cat.Headers.Location);
        Assert.Equal(1, (await moved.ReadJsonAsync()).GetProperty("position").GetInt32());
        using var badLimit = await admin.GetAsync(new Uri($"/api/sites/{siteId}/tickets?limit=0", UriKind.Relative));
        Assert.Equal("limit", (await badLimit.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request")).GetProperty("errors").EnumerateObject().Single().Name);
    }

    [Fact]
    public async Task Bad_queue_settings_and_ticket_ids_are_refused_with_every_field_named()
    {
        var siteId = await server.NewSiteAsync(new { limit = 1 });
        using var admin = server.Admin();

        using var settings = await admin.PutAsJsonAsync($"/api/sites/{siteId}", new { onFull = "queue", maxQueueLength = 0, claimSeconds = 0, ticketTimeoutSeconds = 1 });
        var problem = await settings.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(["claimSeconds", "maxQueueLength", "ticketTimeoutSeconds"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("deny", (await admin.GetSiteAsync(siteId)).GetProperty("onFull").GetString());

        using var badTicket = await admin.GetAsync(new Uri($"/api/sites/{siteId}/tickets/not-a-ticket", UriKind.Relative));
        Assert.Equal("ticketId", (await badTicket.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request")).GetProperty("errors").EnumerateObject().Single().Name);
    }
}
