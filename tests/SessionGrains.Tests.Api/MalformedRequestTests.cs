using System.Net;
using System.Text;
using System.Text.Json;

namespace SessionGrains.Tests.Api;

/// <summary>Malformed requests get a 4xx problem with a code, never a 5xx, and change nothing.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class MalformedRequestTests(ApiServer server)
{
    private const string Json = "application/json";
    private const string ValidSession = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string, string, string, string, int, string> Cases => new()
    {
        // Settings: wrong types, out-of-range numbers, unknown or repeated fields, broken JSON, wrong media type.
        { "PUT", "/api/sites/{site}", Json, """{"limit":"ten"}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":1.5}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":99999999999}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":-2}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":10000001}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"idleTimeoutSeconds":0}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"idleTimeoutSeconds":2592001}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"onFull":"random"}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"onFull":1}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"perUserLimit":0}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"exemptRoles":"support"}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"exemptRoles":[""]}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, $$"""{"exemptRoles":[{{string.Join(',', Enumerable.Range(0, 33).Select(i => $"\"r{i}\""))}}]}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"message":""}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, $$"""{"message":"{{new string('x', 1001)}}"}""", 400, "invalid_request" },
        { "PUT", "/api/sites/{site}", Json, """{"limt":3}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":3,"limit":4}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":3""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "[]", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "null", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", "text/plain", """{"limit":3}""", 415, "unsupported_media_type" },
        { "PUT", "/api/sites/{site}", Json, $$"""{"message":"{{new string('x', 70_000)}}"}""", 413, "body_too_large" },
        { "PUT", "/api/sites/bad~id", Json, """{"limit":3}""", 400, "invalid_request" },
        { "PUT", $"/api/sites/{new string('s', 65)}", Json, """{"limit":3}""", 400, "invalid_request" },

        // Sessions: the same for sign-ins, plus malformed ids in the path.
        { "POST", "/api/sites/{site}/sessions", Json, "{}", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":""}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, $$"""{"userId":"{{new string('u', 257)}}"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a\u0001b"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":42}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","roles":"admin"}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","roles":[null]}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","clientIp":"not-an-ip"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, $$"""{"userId":"a","userAgent":"{{new string('x', 1025)}}"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","extra":1}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","resumes":"not-a-session"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, $$"""{"userId":"{{new string('u', 70_000)}}"}""", 413, "body_too_large" },
        { "POST", "/api/sites/{site}/sessions", "application/xml", "<userId>a</userId>", 415, "unsupported_media_type" },
        { "POST", "/api/sites/bad~id/sessions", Json, """{"userId":"a"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions/not-hex/touch", "", "", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions/0123456789ABCDEF0123456789ABCDEF/touch", "", "", 400, "invalid_request" },
        { "DELETE", "/api/sites/{site}/sessions/123", "", "", 400, "invalid_request" },
        { "GET", $"/api/sites/{new string('s', 65)}", "", "", 400, "invalid_request" },
        { "POST", "/api/sites/bad~id/keys", "", "", 400, "invalid_request" },
        { "DELETE", "/api/sites/{site}/keys/not-a-key-id", "", "", 400, "invalid_request" },
        { "PATCH", "/api/sites/{site}", Json, """{"limit":3}""", 405, "method_not_allowed" },
        { "GET", $"/api/sites/{{site}}/sessions/{ValidSession}/nothing", "", "", 404, "not_found" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_with_a_problem_and_changes_nothing(string method, string path, string contentType, string body, int status, string code)
    {
        var siteId = await server.NewSiteAsync(new { limit = 3, idleTimeoutSeconds = 600, exemptRoles = new[] { "support" } });
        using var admin = server.Admin();
        await admin.OpenedSessionIdAsync(siteId, "ann");
        var siteBefore = Snapshot(await admin.GetSiteAsync(siteId));
        var sitesBefore = await SiteIdsAsync(admin);

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{site}", siteId, StringComparison.Ordinal));
        if (contentType.Length > 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await admin.SendAsync(request);

        var problem = await response.AssertProblemAsync((HttpStatusCode)status, code);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal(siteBefore, Snapshot(await admin.GetSiteAsync(siteId)));
        Assert.Equal(sitesBefore, await SiteIdsAsync(admin));
    }

    /// <summary>The site's settings and its session ids: what a malformed request must not change.</summary>
    private static string Snapshot(JsonElement site)
    {
        var copy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(site.GetRawText())!;
        var sessions = copy["sessions"].EnumerateArray().Select(s => s.GetProperty("sessionId").GetString());
        copy.Remove("sessions");
        return JsonSerializer.Serialize(copy.OrderBy(p => p.Key, StringComparer.Ordinal)) + string.Join(',', sessions);
    }

    private static async Task<string> SiteIdsAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(new Uri("/api/sites", UriKind.Relative));
        var ids = (await response.ReadJsonAsync()).EnumerateArray().Select(s => s.GetProperty("siteId").GetString()).Order(StringComparer.Ordinal);
        return string.Join(',', ids);
    }
}
