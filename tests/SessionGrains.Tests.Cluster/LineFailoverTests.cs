using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// A site's waiting line through the death of the silo that hosts it: the line is stored with the site, so its order
/// and a seat held for its head outlive the process, and everyone who kept asking is admitted in the order they joined,
/// never more at once than the limit.
/// </summary>
[Collection(ServerClusterCollection.Name)]
public sealed class LineFailoverTests(ServerCluster cluster)
{
    private const int Limit = 2;
    private const int Waiting = 20;
    private static readonly TimeSpan Answered = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_line_whose_silo_was_killed_admits_everyone_who_kept_asking_in_the_order_they_joined()
    {
        // Time enough to get through the kill: a held seat and a ticket outlast the failure detection.
        var (siteId, key) = await cluster.NewSiteAsync(new { limit = Limit, idleTimeoutSeconds = 600, onFull = "queue", claimSeconds = 120, ticketTimeoutSeconds = 120 });
        using var app = ServerCluster.Http(key);
        var seats = new Queue<string>();
        for (var i = 0; i < Limit; i++)
        {
            using var opened = await app.PostAsJsonAsync(Api($"/api/sites/{siteId}/sessions"), new { userId = $"seated-{i}" });
            Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
            seats.Enqueue((await opened.ReadJsonAsync()).GetProperty("sessionId").GetString()!);
        }

        // Joined one after the other, on every server in turn: the order of joining is the order asked for.
        var tickets = new List<string>();
        for (var i = 0; i < Waiting; i++)
        {
            using var queued = await app.PostAsJsonAsync(new Uri(cluster.LiveAddresses[i % cluster.LiveAddresses.Count], $"/api/sites/{siteId}/sessions"), new { userId = $"waiting-{i}" });
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            Assert.Equal(i + 1, (await queued.ReadJsonAsync()).GetProperty("position").GetInt32());
            tickets.Add(queued.Headers.Location!.OriginalString);
        }

        // A seat freed just before the kill, held for the head: stored with the line, or held again when the site
        // comes back on another silo, it must go to the head and to nobody else.
        await EndAsync(app, siteId, seats.Dequeue());
        var victim = await cluster.HostOfSiteAsync(siteId);
        await cluster.KillAsync(victim);
        try
        {
            var admitted = new List<int>();
            for (var next = 0; next < Waiting; next++)
            {
                // Everyone still waiting asks, through the servers that are left: the head is admitted, the rest
                // stand where they joined, one place further up for each admitted before them.
                for (var i = next; i < Waiting; i++)
                {
                    using var polled = await PollAsync(app, tickets[i]);
                    if (polled.StatusCode == HttpStatusCode.Created)
                    {
                        admitted.Add(i);
                        seats.Enqueue((await polled.ReadJsonAsync()).GetProperty("sessionId").GetString()!);
                        continue;
                    }

                    Assert.True(polled.StatusCode == HttpStatusCode.OK, $"Ticket {i} answered {(int)polled.StatusCode}: {await polled.Content.ReadAsStringAsync()}");
                    Assert.Equal(i + 1 - admitted.Count, (await polled.ReadJsonAsync()).GetProperty("position").GetInt32());
                }

                Assert.Equal(Enumerable.Range(0, next + 1), admitted);
                Assert.Equal(Limit, await ActiveAsync(siteId));
                await EndAsync(app, siteId, seats.Dequeue());
            }

            Assert.NotEqual(victim, await cluster.HostOfSiteAsync(siteId));
        }
        finally
        {
            await cluster.StartAsync(victim);
        }
    }

    /// <summary>
    /// Asks about a ticket until a server answers for the site: after the kill, 503 and refused connections mean the
    /// cluster is still moving the site to a live silo, and a client asks again, as it would on its waiting page.
    /// </summary>
    private async Task<HttpResponseMessage> PollAsync(HttpClient app, string ticket)
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            var servers = cluster.LiveAddresses;
            try
            {
                var polled = await app.GetAsync(new Uri(servers[attempt % servers.Count], ticket));
                if (polled.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return polled;
                }

                polled.Dispose();
            }
            catch (HttpRequestException) when (TimeProvider.System.GetElapsedTime(started) < Answered)
            {
                // A server on its way down: the next attempt goes to another.
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < Answered, $"No server answered about {ticket} within {Answered.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task EndAsync(HttpClient app, string siteId, string sessionId)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            using var ended = await app.DeleteAsync(Api($"/api/sites/{siteId}/sessions/{sessionId}"));
            if (ended.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
                return;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < Answered, $"Ending {sessionId} answered 503 for {Answered.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>The sessions the site counts, asked until a server answers for it.</summary>
    private async Task<int> ActiveAsync(string siteId)
    {
        using var admin = ServerCluster.Admin();
        var active = await Eventually.WaitForAsync(
            async () =>
            {
                using var site = await admin.GetAsync(Api($"/api/sites/{siteId}"));
                return site.StatusCode == HttpStatusCode.OK ? (await site.ReadJsonAsync()).GetProperty("active").GetInt32() : (int?)null;
            },
            count => count is not null,
            Answered);
        return active!.Value;
    }

    /// <summary>A path of the HTTP API on the first running server (any server would do).</summary>
    private Uri Api(string path) => new(cluster.LiveAddresses[0], path);
}
