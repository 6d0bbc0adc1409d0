using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>SessionGrains through its HTTP API, as any web app would call it: one site key per site, keep-alive connections.</summary>
public sealed class HttpSessionLimiter : ISessionLimiter
{
    private readonly HttpClient _http;
    private readonly string _adminKey;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _siteKeys = new(StringComparer.Ordinal);
    private long _next;

    public HttpSessionLimiter(Uri server, string adminKey, int connections)
    {
        _adminKey = adminKey;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        })
        {
            BaseAddress = server,
        };
    }

    public string Name => "SessionGrains over HTTP";

    /// <summary>The key issued for <paramref name="siteId"/>, for another client (wrk) to act with.</summary>
    public string SiteKey(string siteId) => KeyOf(siteId).Parameter!;

    public async Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions)
    {
        using (var settings = new HttpRequestMessage(HttpMethod.Put, $"/api/sites/{siteId}"))
        {
            settings.Headers.Authorization = new("Bearer", _adminKey);
            settings.Content = JsonContent.Create(new { limit, idleTimeoutSeconds = (int)idleTimeout.TotalSeconds, maxSessions = Math.Max(SiteSettings.DefaultMaxSessions, limit) });
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

        var ids = new string[liveSessions];
        await Parallel.ForAsync(0, liveSessions, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            ids[i] = await OpenAsync(siteId, Workload.UserId(Interlocked.Increment(ref _next)))
                ?? throw new InvalidOperationException($"Setting up {siteId}: session {i} was refused."));
        return ids;
    }

    public async ValueTask<string?> OpenAsync(string siteId, string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sites/{siteId}/sessions/");
        request.Headers.Authorization = KeyOf(siteId);
        var n = Interlocked.Increment(ref _next);
        request.Content = JsonContent.Create(new { userId, clientIp = Workload.ClientIp(n), userAgent = Workload.UserAgent });
        using var response = await _http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // A refusal of the site's; the server's own rate limit would measure the limiter, not the admission.
            var problem = await response.Content.ReadAsStringAsync();
            return problem.Contains("\"rate_limited\"", StringComparison.Ordinal)
                ? throw new InvalidOperationException($"POST {request.RequestUri} was rate limited: raise the site's sign-ins per second for this load.")
                : null;
        }

        await EnsureAsync(response, HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("sessionId").GetString();
    }

    public async ValueTask TouchAsync(string siteId, string sessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sites/{siteId}/sessions/{sessionId}/touch");
        request.Headers.Authorization = KeyOf(siteId);
        using var response = await _http.SendAsync(request);
        await EnsureAsync(response, HttpStatusCode.OK);
    }

    public async ValueTask EndAsync(string siteId, string sessionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/sites/{siteId}/sessions/{sessionId}");
        request.Headers.Authorization = KeyOf(siteId);
        using var response = await _http.SendAsync(request);
        await EnsureAsync(response, HttpStatusCode.NoContent);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private AuthenticationHeaderValue KeyOf(string siteId) => _siteKeys[siteId];

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
