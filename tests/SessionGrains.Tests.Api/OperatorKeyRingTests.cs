using System.Net;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The admin UI's cookies and form tokens are protected by Data Protection with its key ring in the database (here
/// SQLite), not by keys derived from the admin key: they survive a restart, and a form token issued under one admin
/// key still works under another, so none of them is a test of admin-key guesses. The operator's sign-in itself
/// ends when the admin key changes, and at the latest a fixed time after it was made. Each test has servers of its own.
/// </summary>
public sealed class OperatorKeyRingTests : IDisposable
{
    private const string NewAdminKey = "a-new-admin-key-0123456789abcdefghijklmnop";

    private readonly TempFolder _data = new("sessiongrains-keyring");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_restart_keeps_the_operator_signed_in_and_the_form_tokens_good()
    {
        using var operatorClient = OperatorPages.CookieClient();
        string token;
        await using (var server = await StartAsync(ApiServer.AdminKey))
        {
            await SignInAsync(operatorClient, server, ApiServer.AdminKey);
            token = await OperatorPages.AntiforgeryTokenAsync(operatorClient, new Uri(server.Address, "/admin"));
        }

        await using var restarted = await StartAsync(ApiServer.AdminKey);

        using var page = await operatorClient.GetAsync(new Uri(restarted.Address, "/admin"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var signOut = await PostFormAsync(operatorClient, new Uri(restarted.Address, "/admin/sign-out"), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/admin/sign-in?signed-out=true", signOut.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_new_admin_key_signs_operators_out_while_form_tokens_owe_nothing_to_the_old_key()
    {
        using var operatorClient = OperatorPages.CookieClient();
        using var visitor = OperatorPages.CookieClient();
        string visitorToken;
        await using (var server = await StartAsync(ApiServer.AdminKey))
        {
            await SignInAsync(operatorClient, server, ApiServer.AdminKey);

            // A sign-in form as anyone gets it: its token and anti-forgery cookie are all a key-guesser would hold.
            visitorToken = await OperatorPages.AntiforgeryTokenAsync(visitor, new Uri(server.Address, "/admin/sign-in"));
        }

        await using var rekeyed = await StartAsync(NewAdminKey);

        using var page = await operatorClient.GetAsync(new Uri(rekeyed.Address, "/admin"));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/admin/sign-in", page.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        await rekeyed.WaitForOutputAsync("the admin key has changed since the operator signed in");

        // Had the token been derived from the old admin key, the new server would refuse it (400).
        using var signIn = await PostFormAsync(visitor, new Uri(rekeyed.Address, "/admin/sign-in"), ("Key", NewAdminKey), ("__RequestVerificationToken", visitorToken));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/admin", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_sign_in_ends_after_its_lifetime_however_busy_the_operator()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var server = await StartAsync(ApiServer.AdminKey, ("SessionGrains__OperatorSignInLifetime", "00:00:03"));
        using var operatorClient = OperatorPages.CookieClient();
        await SignInAsync(operatorClient, server, ApiServer.AdminKey);
        var signedIn = TimeProvider.System.GetTimestamp();

        // Busy all along: every request would slide the cookie's own 8-hour expiry.
        var status = await Eventually.WaitForAsync(
            async () =>
            {
                using var page = await operatorClient.GetAsync(new Uri(server.Address, "/admin"));
                return page.StatusCode;
            },
            status => status != HttpStatusCode.OK,
            TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.True(TimeProvider.System.GetElapsedTime(signedIn) >= lifetime - TimeSpan.FromMilliseconds(500), "Signed out before the lifetime was over.");
        await server.WaitForOutputAsync("the sign-in is older than the operators' sign-in lifetime");
    }

    [Fact]
    public async Task Without_secure_cookies_the_operator_cookie_keeps_its_plain_name()
    {
        // Browsers drop a __Host- cookie that is not Secure, so the prefix comes only with SecureCookies.
        await using var server = await StartAsync(ApiServer.AdminKey);
        using var client = OperatorPages.CookieClient();

        var cookies = await SignInAsync(client, server, ApiServer.AdminKey);

        Assert.Single(cookies, cookie => cookie.StartsWith("sessiongrains-operator=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("8.00:00:00")]
    public void A_sign_in_lifetime_out_of_range_is_refused_at_start_up(string lifetime)
    {
        var options = new SessionGrainsOptions { OperatorSignInLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) };

        var result = new SessionGrainsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("OperatorSignInLifetime must be from 00:00:01 to 7.00:00:00", result.FailureMessage, StringComparison.Ordinal);
    }

    private Task<ServerProcess> StartAsync(string adminKey, params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            // A home folder of its own on every start: nothing may carry over but the database.
            ["HOME"] = Directory.CreateDirectory(Path.Combine(_data.Path, $"home-{Guid.NewGuid():N}")).FullName,
            ["SessionGrains__DataDirectory"] = _data.Path,
            ["SessionGrains__AdminApiKey"] = adminKey,
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return ServerProcess.StartAsync(environment);
    }

    /// <summary>Signs in; returns the cookies the sign-in set.</summary>
    private static async Task<IEnumerable<string>> SignInAsync(HttpClient client, ServerProcess server, string key)
    {
        var signInPage = new Uri(server.Address, "/admin/sign-in");
        var token = await OperatorPages.AntiforgeryTokenAsync(client, signInPage);
        using var signedIn = await PostFormAsync(client, signInPage, ("Key", key), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return [.. signedIn.Headers.GetValues("Set-Cookie")];
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, Uri address, params (string Name, string Value)[] fields) =>
        client.PostAsync(address, new FormUrlEncodedContent(fields.Select(field => KeyValuePair.Create(field.Name, field.Value))));
}
