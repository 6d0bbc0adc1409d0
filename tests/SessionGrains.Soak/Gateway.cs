using System.Net;
using System.Text.Json;
using SessionGrains.Testing;

namespace SessionGrains.Soak;

/// <summary>An answer of the API: status, problem code if any, body, and when the request was sent and answered.</summary>
public sealed record Reply(HttpStatusCode Status, string? Code, JsonElement Body, double Sent, double Answered);

/// <summary>
/// Sends each request to a random running server, as a load balancer would, and counts every answer in the journal.
/// A server that cannot be reached (killed, stopping) or answers 503 is what clients of a cluster meet while it
/// recovers: the request is sent again, to any server, until it is answered otherwise or a minute has passed. Any
/// other 5xx is a broken rule.
/// </summary>
public sealed class Gateway(ServerCluster cluster, Journal journal)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sends until answered with anything but 503 (null if it never was, within a minute, or the soak is stopping).
    /// <paramref name="onUnavailable"/> hears each 503, e.g. to record a sign-in's.
    /// </summary>
    public async Task<Reply?> SendAsync(
        HttpClient client, string kind, Func<Uri, HttpRequestMessage> request, CancellationToken stop, Action<Reply>? onUnavailable = null)
    {
        var giveUpAt = journal.Now + GiveUpAfter.TotalSeconds;
        while (!stop.IsCancellationRequested && journal.Now < giveUpAt)
        {
            var reply = await SendOnceAsync(client, kind, request, stop);
            if (reply is { Status: not HttpStatusCode.ServiceUnavailable })
            {
                return reply;
            }

            if (reply is not null)
            {
                onUnavailable?.Invoke(reply);
            }

            await Pause.ForAsync(TimeSpan.FromMilliseconds(Random.Shared.Next(200, 600)), stop);
        }

        return null;
    }

    /// <summary>One attempt at one server; null when it could not be reached.</summary>
    private async Task<Reply?> SendOnceAsync(HttpClient client, string kind, Func<Uri, HttpRequestMessage> request, CancellationToken stop)
    {
        var live = cluster.LiveAddresses;
        if (live.Count == 0)
        {
            return null;
        }

        var sent = journal.Now;
        try
        {
            using var message = request(live[Random.Shared.Next(live.Count)]);
            using var response = await client.SendAsync(message, stop);
            var text = await response.Content.ReadAsStringAsync(stop);
            var body = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
            var code = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var c) ? c.GetString() : null;
            var status = (int)response.StatusCode;
            journal.CountAnswer(kind, code is null ? $"{status}" : $"{status} {code}");
            if (status >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                journal.Violation($"{kind} answered {status}: {text}");
            }

            return new Reply(response.StatusCode, code, body, sent, journal.Now);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !stop.IsCancellationRequested))
        {
            // Refused or cut off by a server that is going or gone; a load balancer would send it elsewhere.
            journal.CountAnswer(kind, "unreachable");
            return null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
    }
}
