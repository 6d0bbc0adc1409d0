using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SessionGrains.Testing;

/// <summary>
/// One real server process (SQLite in a throwaway folder, a known admin key) shared by the API tests (through the
/// API test project's collection) and by a browser test class. Each test works on its own site, so tests never see
/// each other's sessions.
/// </summary>
public sealed class ApiServer : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789abcdefghijklmnop";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"sessiongrains-api-{Guid.NewGuid():N}");
    private ServerProcess? _server;

    public ServerProcess Process => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__DataDirectory"] = _dataDirectory,
            ["SessionGrains__AdminApiKey"] = AdminKey,
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    public HttpClient Admin() => Client(AdminKey);

    public HttpClient Anonymous() => Client(null);

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Process.Address };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A site id no other test uses, configured with <paramref name="settings"/> (a JSON object).</summary>
    public async Task<string> NewSiteAsync(object settings)
    {
        var siteId = $"site-{Guid.NewGuid():N}";
        await ConfigureSiteAsync(siteId, settings);
        return siteId;
    }

    /// <summary>Creates or changes a site through the API; <paramref name="settings"/> is a JSON object.</summary>
    public async Task ConfigureSiteAsync(string siteId, object settings)
    {
        using var admin = Admin();
        using var response = await admin.PutAsJsonAsync($"/api/sites/{siteId}", settings);
        response.EnsureSuccessStatusCode();
    }

    public Task<string> IssueKeyAsync(string siteId) => SiteKeys.IssueAsync(Process.Address, AdminKey, siteId);
}

public static class HttpJson
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> OpenSessionAsync(this HttpClient client, string siteId, string userId, params string[] roles) =>
        client.PostAsJsonAsync($"/api/sites/{siteId}/sessions", new { userId, roles });

    public static Task<HttpResponseMessage> TouchAsync(this HttpClient client, string siteId, string sessionId) =>
        client.PostAsync(new Uri($"/api/sites/{siteId}/sessions/{sessionId}/touch", UriKind.Relative), null);

    public static Task<HttpResponseMessage> EndSessionAsync(this HttpClient client, string siteId, string sessionId) =>
        client.DeleteAsync(new Uri($"/api/sites/{siteId}/sessions/{sessionId}", UriKind.Relative));

    public static async Task<string> OpenedSessionIdAsync(this HttpClient client, string siteId, string userId)
    {
        using var response = await client.OpenSessionAsync(siteId, userId);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("sessionId").GetString()!;
    }

    public static async Task<JsonElement> GetSiteAsync(this HttpClient client, string siteId)
    {
        using var response = await client.GetAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and code, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());

        // Every problem carries the same fields, whatever its status.
        Assert.True(Uri.TryCreate(problem.GetProperty("type").GetString(), UriKind.Absolute, out _), $"No type: {body}");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), $"No title: {body}");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), $"No detail: {body}");
        return problem;
    }
}
