using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SessionGrains.Tests.Api;

/// <summary>Malformed requests get a 4xx problem with a code, never a 5xx, and change nothing.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class MalformedRequestTests(ApiServer server)
{
    private const string Json = "application/json";

    // A body sent without any Content-Type header.
    private const string NoContentType = "(none)";
    private const string ValidSession = "0123456789abcdef0123456789abcdef";

    public static TheoryData<string, string, string, string, int, string> Cases => new()
    {
        // Settings: wrong types, out-of-range numbers, unknown or repeated fields, broken JSON, wrong media type.
        { "PUT", "/api/sites/{site}", Json, """{"limit":"ten"}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":"5"}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"idleTimeoutSeconds":"600"}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":null,"perUserLimit":"-1"}""", 400, "invalid_json" },
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
        { "PUT", "/api/sites/{site}", Json, """{"limit":3,}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":3 /* comment */}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, """{"limit":3} {"limit":4}""", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "[]", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "\"limit\"", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "null", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", Json, "", 400, "invalid_json" },
        { "PUT", "/api/sites/{site}", "text/plain", """{"limit":3}""", 415, "unsupported_media_type" },
        { "PUT", "/api/sites/{site}", NoContentType, """{"limit":3}""", 415, "unsupported_media_type" },
        { "PUT", "/api/sites/{site}", "application/json; charset=no-such-charset", """{"limit":3}""", 415, "unsupported_media_type" },
        { "PUT", "/api/sites/{site}", Json, $$"""{"message":"{{new string('x', 70_000)}}"}""", 413, "body_too_large" },
        { "PUT", "/api/sites/bad~id", Json, """{"limit":3}""", 400, "invalid_request" },
        { "PUT", $"/api/sites/{new string('s', 65)}", Json, """{"limit":3}""", 400, "invalid_request" },

        // A bad site id is reported before anything wrong with the body.
        { "PUT", "/api/sites/bad~id", Json, """{"limt":"3""", 400, "invalid_request" },
        { "PUT", "/api/sites/bad~id", Json, "", 400, "invalid_request" },
        { "PUT", "/api/sites/bad~id", Json, $$"""{"message":"{{new string('x', 70_000)}}"}""", 400, "invalid_request" },
        { "POST", "/api/sites/bad~id/sessions", Json, "{}", 400, "invalid_request" },

        // Sessions: the same for sign-ins, plus malformed ids in the path.
        { "POST", "/api/sites/{site}/sessions", Json, "{}", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, "null", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, "", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":""}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, $$"""{"userId":"{{new string('u', 257)}}"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a\u0001b"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":42}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","roles":"admin"}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","roles":[null]}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","clientIp":"not-an-ip"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, $$"""{"userId":"a","userAgent":"{{new string('x', 1025)}}"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","extra":1}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","userId":"b"}""", 400, "invalid_json" },
        { "POST", "/api/sites/{site}/sessions", Json, """{"userId":"a","resumes":"not-a-session"}""", 400, "invalid_request" },
        { "POST", "/api/sites/{site}/sessions", Json, $$"""{"userId":"{{new string('u', 70_000)}}"}""", 413, "body_too_large" },
        { "POST", "/api/sites/{site}/sessions", "application/xml", "<userId>a</userId>", 415, "unsupported_media_type" },
        { "POST", "/api/sites/{site}/sessions", NoContentType, """{"userId":"a"}""", 415, "unsupported_media_type" },
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
            if (contentType != NoContentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await admin.SendAsync(request);

        var problem = await response.AssertProblemAsync((HttpStatusCode)status, code);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal(siteBefore, Snapshot(await admin.GetSiteAsync(siteId)));
        Assert.Equal(sitesBefore, await SiteIdsAsync(admin));
    }

    [Theory]
    [InlineData("PUT", "/api/sites/{site}", """{"limit":"5"}""", "'$.limit'")]
    [InlineData("PUT", "/api/sites/{site}", """{"exemptRoles":["support",2]}""", "'$.exemptRoles[1]'")]
    [InlineData("PUT", "/api/sites/{site}", """{"limit":3,"limit":4}""", "'$.limit'")]
    [InlineData("PUT", "/api/sites/{site}", """{"limt":3}""", "Unknown field at '$.limt'")]
    [InlineData("POST", "/api/sites/{site}/sessions", """{"userId":"a","extra":1}""", "Unknown field at '$.extra'")]
    [InlineData("POST", "/api/sites/{site}/sessions", "{}", "'userId'")]
    [InlineData("POST", "/api/sites/{site}/sessions", "", "'userId'")]
    [InlineData("PUT", "/api/sites/{site}", "{\n\"limit\":3,}", "line 2")]
    public async Task Invalid_json_says_where_the_body_is_wrong(string method, string path, string body, string detail)
    {
        var siteId = await server.NewSiteAsync(new { limit = 3 });
        using var admin = server.Admin();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{site}", siteId, StringComparison.Ordinal))
        {
            Content = HttpJson.Json(body),
        };

        using var response = await admin.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"userId":"ann\u202Eadmin"}""", "userId")]
    [InlineData("""{"userId":"ann\u200B"}""", "userId")]
    [InlineData("""{"userId":"\uFEFFann"}""", "userId")]
    [InlineData("""{"userId":"ann","roles":["support\u2060"]}""", "roles")]
    [InlineData("""{"userId":"ann","roles":["sup\u0007port"]}""", "roles")]
    [InlineData("""{"userId":"ann","userAgent":"Mozilla/5.0\r\nX-Injected: 1"}""", "userAgent")]
    [InlineData("""{"userId":"ann","userAgent":"Mozilla/5.0\u0000"}""", "userAgent")]
    [InlineData("""{"userId":"ann","clientIp":"1"}""", "clientIp")]
    [InlineData("""{"userId":"ann","clientIp":"127.1"}""", "clientIp")]
    [InlineData("""{"userId":"ann","clientIp":"0x7f.1"}""", "clientIp")]
    [InlineData("""{"userId":"ann","clientIp":"010.0.0.1"}""", "clientIp")]
    [InlineData("""{"userId":"ann","clientIp":"[2001:db8::1]"}""", "clientIp")]
    [InlineData("""{"userId":"ann","clientIp":"fe80::1%eth0"}""", "clientIp")]
    public async Task A_sign_in_with_a_field_the_site_cannot_store_is_refused_naming_the_field(string body, string field)
    {
        var siteId = await server.NewSiteAsync(new { limit = 3, exemptRoles = new[] { "support" } });
        using var site = server.Client(await server.IssueKeyAsync(siteId));

        using var response = await site.PostAsync(new Uri($"/api/sites/{siteId}/sessions", UriKind.Relative), HttpJson.Json(body));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        var errors = problem.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        using var admin = server.Admin();
        Assert.Empty((await admin.GetSiteAsync(siteId)).GetProperty("sessions").EnumerateArray());
    }

    [Fact]
    public async Task A_body_refused_before_it_was_read_to_the_end_leaves_the_connection_usable()
    {
        var siteId = await server.NewSiteAsync(new { limit = 3 });
        var connections = 0;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var admin = new HttpClient(handler) { BaseAddress = server.Process.Address };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiServer.AdminKey);

        // The serializer stops at the unknown first field and leaves the rest of the body unread.
        using (var refused = await admin.PutAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative), HttpJson.Json($$"""{"limt":4,"message":"{{new string('x', 4000)}}"}""")))
        {
            await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_json");
        }

        using (var accepted = await admin.PutAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative), HttpJson.Json("""{"limit":4}""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        Assert.Equal(1, connections);
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
