using System.Net;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A server of its own, set up as behind an HTTPS proxy (<c>SecureCookies</c>): the operator cookie is Secure, and
/// guessing at the admin key is throttled per address. Its own server, since the throttle counts every wrong key from loopback.
/// </summary>
public sealed class OperatorSignInHardeningTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"sessiongrains-hardening-{Guid.NewGuid():N}");
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(new Dictionary<string, string>
    {
        ["SessionGrains__DataDirectory"] = _dataDirectory,
        ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
        ["SessionGrains__SecureCookies"] = "true",
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Ten_wrong_keys_in_a_minute_lock_the_address_out_even_with_the_right_key()
    {
        using var client = OperatorPages.CookieClient();
        var signIn = new Uri(_server.Address, "/admin/sign-in");

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var wrong = await PostKeyAsync(client, signIn, $"wrong-key-number-{attempt:00}-0123456789abcdefghijklmn");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var locked = await PostKeyAsync(client, signIn, ApiServer.AdminKey);

        Assert.Equal((HttpStatusCode)429, locked.StatusCode);
        Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("Too many wrong keys from your address", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(
            locked.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("sessiongrains-operator=", StringComparison.Ordinal)),
            "A locked-out address gets no operator cookie, whatever key it sends.");
    }

    [Fact]
    public async Task The_operator_cookie_is_a_secure_http_only_host_cookie()
    {
        using var client = OperatorPages.CookieClient();

        using var signedIn = await PostKeyAsync(client, new Uri(_server.Address, "/admin/sign-in"), ApiServer.AdminKey);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // __Host-: browsers keep it only if Secure, with path / and no domain, so no subdomain can plant one.
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-sessiongrains-operator=", StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/;", $"{cookie};", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<HttpResponseMessage> PostKeyAsync(HttpClient client, Uri signIn, string key)
    {
        var token = await OperatorPages.AntiforgeryTokenAsync(client, signIn);
        return await client.PostAsync(signIn, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Key"] = key,
            ["__RequestVerificationToken"] = token,
        }));
    }
}
