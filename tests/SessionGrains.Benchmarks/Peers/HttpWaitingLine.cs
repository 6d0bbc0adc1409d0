using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// SessionGrains' waiting line through its HTTP API, as a web app's waiting page would use it: a sign-in answered 202
/// with the ticket's location, then GETs on that location, each with the site's own key, over keep-alive connections.
/// </summary>
public sealed class HttpWaitingLine : IWaitingLinePeer
{
    private readonly HttpClient _http;
    private readonly string _adminKey;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _siteKeys = new(StringComparer.Ordinal);
    private long _next;

    public HttpWaitingLine(Uri server, string adminKey, int connections)
    {
        _adminKey = adminKey;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
        {
            BaseAddress = server,
        };
    }

    public string Name => "SessionGrains over HTTP";

    public async Task CreateSiteAsync(string siteId)
    {
        using (var settings = new HttpRequestMessage(HttpMethod.Put, $"/api/sites/{siteId}"))
        {
            settings.Headers.Authorization = new("Bearer", _adminKey);
            settings.Content = JsonContent.Create(new
            {
                limit = 1,
                idleTimeoutSeconds = (int)LineSettings.SeatHeld.TotalSeconds,
                onFull = "queue",
                ticketTimeoutSeconds = (int)LineSettings.TicketTimeout.TotalSeconds,
            });
            using var response = await _http.SendAsync(settings);
            await EnsureAsync(response, HttpStatusCode.OK);
        }

        using (var issue = new HttpRequestMessage(HttpMethod.Post, $"/api/sites/{siteId}/keys"))
        {
            issue.Headers.Authorization = new("Bearer", _adminKey);
            using var response = await _http.SendAsync(issue);
            await EnsureAsync(response, HttpStatusCode.Created);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            _siteKeys[siteId] = new("Bearer", body.RootElement.GetProperty("key").GetString());
        }

        using var seat = await OpenAsync(siteId, "seat-holder");
        await EnsureAsync(seat, HttpStatusCode.Created);
    }

    public async ValueTask<string> JoinAsync(string siteId, string userId)
    {
        using var response = await OpenAsync(siteId, userId);
        await EnsureAsync(response, HttpStatusCode.Accepted);
        return response.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"The ticket of {userId} on {siteId} came without a location.");
    }

    public async ValueTask<int> PollAsync(string siteId, string ticket)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ticket);
        request.Headers.Authorization = _siteKeys[siteId];
        using var response = await _http.SendAsync(request);
        await EnsureAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("position").GetInt32();
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<HttpResponseMessage> OpenAsync(string siteId, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sites/{siteId}/sessions");
        request.Headers.Authorization = _siteKeys[siteId];
        request.Content = JsonContent.Create(new { userId, clientIp = Workload.ClientIp(Interlocked.Increment(ref _next)), userAgent = Workload.UserAgent });
        return await _http.SendAsync(request);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
