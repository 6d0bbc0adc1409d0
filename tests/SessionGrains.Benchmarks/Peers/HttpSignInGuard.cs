using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>SessionGrains' sign-in guard through its HTTP API, over keep-alive connections, as any web app would call it.</summary>
public sealed class HttpSignInGuard : ISignInGuardPeer
{
    private readonly HttpClient _http;

    public HttpSignInGuard(Uri server, string adminKey, int connections)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
        {
            BaseAddress = server,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public string Name => "SessionGrains over HTTP";

    public async Task CreateSiteAsync(string siteId)
    {
        using var response = await _http.PutAsJsonAsync($"/api/sites/{siteId}", new { limit = 100 });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask<bool> CheckAsync(string siteId, string clientIp, string userId)
    {
        using var response = await _http.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts/check", new { clientIp, userId });
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.TooManyRequests => false,
            _ => throw new InvalidOperationException($"The check answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"),
        };
    }

    public async ValueTask ReportAsync(string siteId, string clientIp, string userId, bool succeeded)
    {
        using var response = await _http.PostAsJsonAsync($"/api/sites/{siteId}/sign-in-attempts", new { clientIp, userId, succeeded });
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"The report answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
