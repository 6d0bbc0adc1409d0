using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionGrains.Soak;

/// <summary>
/// One person using the sites, one visit after another: picks a site (large ones more often), asks its sign-in guard (on guarded sites;
/// one visit in ten is a wrong password from a few shared addresses, which the guard ends up blocking), signs in
/// (waiting in line on a site that queues), then works with touches at random intervals well inside the idle
/// timeout, and finally signs out, walks away (the session must end by its lease bound), or keeps working until the
/// soak ends. Each answer is held against what the user did.
/// </summary>
public sealed class Visitor(int number, IReadOnlyList<SoakSite> sites, IReadOnlyDictionary<string, HttpClient> clients, Gateway gateway, Journal journal)
{
    /// <summary>What the rules allow on top of the bounds they state: the two clocks are one, but requests take time.</summary>
    private const double Slack = 0.5;

    private static readonly string[] AttackerAddresses = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];

    private readonly Random _random = new(number);
    private AdmittedSession? _working;

    /// <summary>Visits until <paramref name="stop"/>; the session in use then is checked by <see cref="FinishAsync"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        for (var visit = 0; !stop.IsCancellationRequested; visit++)
        {
            var site = PickSite();
            var client = clients[site.SiteId];

            // A few user ids per visitor, so a user may come back while an abandoned session still counts.
            var user = $"visitor-{number}-{visit % 3}";
            var address = $"10.{number % 250}.{_random.Next(256)}.{_random.Next(1, 255)}";
            if (site.Guarded && !await GuardLetsInAsync(site, client, address, user, stop))
            {
                await Pause.ForAsync(Pause.Between(1, 3), stop);
                continue;
            }

            var session = await SignInAsync(site, client, user, address, stop);
            if (session is null)
            {
                await Pause.ForAsync(Pause.Between(1, 3), stop);
                continue;
            }

            await WorkAsync(session, client, stop);
        }
    }

    /// <summary>A site at random, weighed by its limit (plus five), so that large sites fill as small ones do.</summary>
    private SoakSite PickSite()
    {
        var pick = _random.Next(sites.Sum(s => s.Limit + 5));
        foreach (var site in sites)
        {
            pick -= site.Limit + 5;
            if (pick < 0)
            {
                return site;
            }
        }

        return sites[^1];
    }

    /// <summary>After the soak: touches the session the visitor was working in; it must still be live (or kicked, evicted).</summary>
    public async Task FinishAsync()
    {
        if (_working is not { EndedAs: null } session)
        {
            return;
        }

        var reply = await TouchAsync(session, clients[session.Site.SiteId], CancellationToken.None);
        session.HeldAtEnd = reply is { Status: HttpStatusCode.OK };
    }

    private async Task<bool> GuardLetsInAsync(SoakSite site, HttpClient client, string address, string user, CancellationToken stop)
    {
        var attacker = _random.Next(10) == 0;
        if (attacker)
        {
            address = AttackerAddresses[_random.Next(AttackerAddresses.Length)];
        }

        var check = await gateway.SendAsync(client, "guard check", server => Post(server, $"/api/sites/{site.SiteId}/sign-in-attempts/check", new { clientIp = address, userId = user }), stop);
        if (check is not { Status: HttpStatusCode.OK })
        {
            return false;
        }

        if (attacker)
        {
            await ReportAttemptAsync(site, client, address, user, succeeded: false, stop);
            return false;
        }

        return true;
    }

    private Task<Reply?> ReportAttemptAsync(SoakSite site, HttpClient client, string address, string user, bool succeeded, CancellationToken stop) =>
        gateway.SendAsync(client, "guard report", server => Post(server, $"/api/sites/{site.SiteId}/sign-in-attempts", new { clientIp = address, userId = user, succeeded }), stop);

    private async Task<AdmittedSession?> SignInAsync(SoakSite site, HttpClient client, string user, string address, CancellationToken stop)
    {
        var reply = await gateway.SendAsync(
            client,
            "sign-in",
            server => Post(server, $"/api/sites/{site.SiteId}/sessions", new { userId = user, clientIp = address }),
            stop,
            unavailable => journal.SignIns.Add(new SignInAnswer(site.SiteId, unavailable.Sent, unavailable.Answered, 503)));
        if (reply is null)
        {
            return null;
        }

        journal.SignIns.Add(new SignInAnswer(site.SiteId, reply.Sent, reply.Answered, (int)reply.Status));
        var session = reply.Status switch
        {
            HttpStatusCode.Created => Admitted(site, reply.Body, reply.Sent, reply.Answered),
            HttpStatusCode.Accepted => await WaitInLineAsync(site, client, reply, stop),
            _ => null,
        };
        if (session is not null && site.Guarded)
        {
            await ReportAttemptAsync(site, client, address, user, succeeded: true, stop);
        }

        return session;
    }

    /// <summary>Polls the ticket as the line asks, until a seat is given or patience runs out (then leaves the line).</summary>
    private async Task<AdmittedSession?> WaitInLineAsync(SoakSite site, HttpClient client, Reply joined, CancellationToken stop)
    {
        var ticketId = joined.Body.GetProperty("ticketId").GetString()!;
        var path = $"/api/sites/{site.SiteId}/tickets/{ticketId}";
        var patience = journal.Now + Pause.Between(10, 90).TotalSeconds;
        var pollAfter = joined.Body.GetProperty("pollAfterSeconds").GetInt32();
        while (!stop.IsCancellationRequested && journal.Now < patience)
        {
            await Pause.ForAsync(TimeSpan.FromSeconds(Math.Clamp(pollAfter, 1, 5)), stop);
            var poll = await gateway.SendAsync(client, "ticket poll", server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, path)), stop);
            switch (poll?.Status)
            {
                case HttpStatusCode.Created:
                    // The seat was held for the ticket at some moment after it joined: that is the admission's window.
                    return Admitted(site, poll.Body, joined.Sent, poll.Answered);
                case HttpStatusCode.OK:
                    pollAfter = poll.Body.TryGetProperty("pollAfterSeconds", out var next) ? next.GetInt32() : 2;
                    continue;
                case null:
                    return null;
                default:
                    journal.Violation($"{site.Name}: ticket {ticketId} was answered {(int)poll.Status} {poll.Code}");
                    return null;
            }
        }

        await gateway.SendAsync(client, "ticket leave", server => new HttpRequestMessage(HttpMethod.Delete, new Uri(server, path)), stop);
        return null;
    }

    private AdmittedSession Admitted(SoakSite site, JsonElement body, double sent, double answered)
    {
        var session = new AdmittedSession(site, body.GetProperty("sessionId").GetString()!, sent, answered);
        journal.Sessions.Add(session);
        _working = session;
        return session;
    }

    private async Task WorkAsync(AdmittedSession session, HttpClient client, CancellationToken stop)
    {
        var choice = _random.NextDouble();
        var touches = choice < 0.8 ? _random.Next(1, 12) : int.MaxValue;
        for (var i = 0; i < touches; i++)
        {
            // Well inside the idle timeout, with room for a minute of recovery-time retries at worst.
            await Pause.ForAsync(Pause.Between(1, 0.3 * session.Site.IdleTimeoutSeconds), stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            var reply = await TouchAsync(session, client, stop);
            if (reply is not { Status: HttpStatusCode.OK })
            {
                return;
            }
        }

        _working = null;
        if (choice < 0.5)
        {
            await SignOutAsync(session, client, stop);
        }
        else
        {
            await WalkAwayAsync(session, client, stop);
        }
    }

    /// <summary>A touch, judged: live, or ended for a reason the soak's own actions explain.</summary>
    private async Task<Reply?> TouchAsync(AdmittedSession session, HttpClient client, CancellationToken stop)
    {
        var reply = await gateway.SendAsync(
            client, "touch", server => new HttpRequestMessage(HttpMethod.Post, new Uri(server, $"/api/sites/{session.Site.SiteId}/sessions/{session.SessionId}/touch")), stop);
        if (reply is null)
        {
            if (!stop.IsCancellationRequested)
            {
                journal.Violation($"{session.Site.Name}: session {session.SessionId} answered no touch for a minute");
            }

            return null;
        }

        if (reply.Status == HttpStatusCode.OK)
        {
            session.LastLiveSent = reply.Sent;
            session.LastLiveAnswered = reply.Answered;
        }
        else
        {
            Judge(session, reply);
        }

        return reply;
    }

    /// <summary>Why a session the visitor was using ended, and whether that is allowed.</summary>
    private void Judge(AdmittedSession session, Reply reply)
    {
        var reason = reply.Body.ValueKind == JsonValueKind.Object && reply.Body.TryGetProperty("reason", out var r) ? r.GetString() : null;
        session.EndedAs = reason ?? reply.Code ?? ((int)reply.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        session.EndSeenAt = reply.Answered;
        var site = session.Site;
        var allowed = (reply.Status, reason) switch
        {
            (HttpStatusCode.Gone, "kicked") => journal.KicksSent.TryGetValue(session.SessionId, out var kickSent) && kickSent <= reply.Answered,
            (HttpStatusCode.Gone, "evicted") => site.OnFull == "evict-idlest",

            // Idle only once an idle timeout has passed since a request that found it live.
            (HttpStatusCode.Gone, "idle") => reply.Answered >= session.LastLiveSent + site.IdleTimeoutSeconds - Slack,
            _ => false,
        };
        if (!allowed)
        {
            journal.Violation(
                $"{site.Name}: session {session.SessionId}, live {reply.Sent - session.LastLiveSent:0.0} s before, was answered {(int)reply.Status} {reply.Code} {reason}");
        }
    }

    /// <summary>Signs out; then the session must be ended and gone from its site's list at once.</summary>
    private async Task SignOutAsync(AdmittedSession session, HttpClient client, CancellationToken stop)
    {
        var reply = await gateway.SendAsync(client, "sign-out", server => new HttpRequestMessage(HttpMethod.Delete, SessionUri(server, session)), stop);
        if (reply is not { Status: HttpStatusCode.NoContent })
        {
            return;
        }

        await ExpectEndedAsync(session, client, "after its sign-out", stop);
        if (session.EndedAs is null)
        {
            session.EndedAs = "logout";
            session.EndSeenAt = reply.Answered;
        }
    }

    /// <summary>
    /// Stops touching, waits out the lease bound after the last touch the site could have heard of, and then the
    /// session must be ended and gone from its site's list.
    /// </summary>
    private async Task WalkAwayAsync(AdmittedSession session, HttpClient client, CancellationToken stop)
    {
        var bound = session.LastLiveAnswered + session.Site.LeaseBound.TotalSeconds + 2;
        await Pause.ForAsync(TimeSpan.FromSeconds(Math.Max(0, bound - journal.Now)), stop);
        if (stop.IsCancellationRequested)
        {
            return;
        }

        await ExpectEndedAsync(session, client, $"{session.Site.LeaseBound.TotalSeconds + 2:0} s after its last touch", stop);
    }

    private async Task ExpectEndedAsync(AdmittedSession session, HttpClient client, string when, CancellationToken stop)
    {
        var site = session.Site;
        var state = await gateway.SendAsync(client, "session", server => new HttpRequestMessage(HttpMethod.Get, SessionUri(server, session)), stop);
        if (state is { Status: HttpStatusCode.Gone })
        {
            session.EndedAs = state.Body.GetProperty("reason").GetString();
            session.EndSeenAt = state.Answered;
        }
        else if (state is not null)
        {
            journal.Violation($"{site.Name}: session {session.SessionId} answered {(int)state.Status} {state.Code} {when}");
        }

        var listed = await gateway.SendAsync(client, "sessions list", server => new HttpRequestMessage(HttpMethod.Get, new Uri(server, $"/api/sites/{site.SiteId}/sessions?limit=1000")), stop);
        if (listed is { Status: HttpStatusCode.OK }
            && listed.Body.GetProperty("sessions").EnumerateArray().Any(s => s.GetProperty("sessionId").GetString() == session.SessionId))
        {
            journal.Violation($"{site.Name}: session {session.SessionId} was still counted {when}");
        }
    }

    private static Uri SessionUri(Uri server, AdmittedSession session) =>
        new(server, $"/api/sites/{session.Site.SiteId}/sessions/{session.SessionId}");

    private static HttpRequestMessage Post(Uri server, string path, object body) =>
        new(HttpMethod.Post, new Uri(server, path)) { Content = JsonContent.Create(body) };
}
