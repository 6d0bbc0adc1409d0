using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Soak;

/// <summary>
/// The hosting provider, through its operator's admin key: every few seconds kicks a session someone is working in, or
/// changes a denying site's limit (up or down, around where it started) and its message.
/// </summary>
public sealed class Provider(IReadOnlyList<SoakSite> sites, HttpClient admin, Gateway gateway, Journal journal)
{
    private readonly Random _random = new(-1);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Pause.ForAsync(Pause.Between(3, 12), stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            if (_random.Next(2) == 0)
            {
                await KickAsync(stop);
            }
            else
            {
                await ChangeLimitAsync(stop);
            }
        }
    }

    private async Task KickAsync(CancellationToken stop)
    {
        var working = journal.Sessions.Where(s => s.EndedAs is null).ToList();
        if (working.Count == 0)
        {
            return;
        }

        var session = working[_random.Next(working.Count)];
        journal.KicksSent.TryAdd(session.SessionId, journal.Now);
        await gateway.SendAsync(
            admin, "kick", server => new HttpRequestMessage(HttpMethod.Delete, new Uri(server, $"/api/sites/{session.Site.SiteId}/sessions/{session.SessionId}")), stop);
    }

    private async Task ChangeLimitAsync(CancellationToken stop)
    {
        var denying = sites.Where(s => s.OnFull == "deny").ToList();
        var site = denying[_random.Next(denying.Count)];
        var limit = Math.Max(1, site.Limit + _random.Next(-site.Limit / 2, (site.Limit / 2) + 1));
        var message = $"Sorry, {{active}} of {{limit}} seats are taken (setting {_random.Next(1000)}).";

        // From the first attempt on: one answered 503 may still have reached the site.
        var sent = journal.Now;
        var reply = await gateway.SendAsync(
            admin,
            "settings",
            server => new HttpRequestMessage(HttpMethod.Put, new Uri(server, $"/api/sites/{site.SiteId}")) { Content = JsonContent.Create(new { limit, message }) },
            stop);
        if (reply is { Status: HttpStatusCode.OK })
        {
            journal.LimitChanges.Add(new LimitChange(site.SiteId, sent, reply.Answered, limit));
        }
        else if (reply is not null)
        {
            journal.Violation($"{site.Name}: changing its limit to {limit} was answered {(int)reply.Status} {reply.Code}");
        }
    }
}
