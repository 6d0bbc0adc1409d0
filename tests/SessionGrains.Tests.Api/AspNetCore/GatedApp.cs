using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionGrains.AspNetCore;

namespace SessionGrains.Tests.Api.AspNetCore;

/// <summary>
/// A minimal cookie-authenticated web app that uses the library, on real Kestrel on loopback, talking to a test
/// silo on its fake clock: what a customer's app looks like, reduced to sign-in, one page and sign-out.
/// </summary>
public sealed class GatedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatedApp(WebApplication app, Uri address, CapturedLog log)
    {
        _app = app;
        Address = address;
        Log = log;
    }

    public Uri Address { get; }

    /// <summary>What the library logged, down to debug.</summary>
    public CapturedLog Log { get; }

    /// <param name="dataProtection">Shared by apps that must read each other's cookies (one app restarted with other settings).</param>
    /// <param name="configureCookie">The app's own cookie settings, e.g. its own events.</param>
    public static async Task<GatedApp> StartAsync(
        TestSilo silo,
        string siteId,
        Action<SessionGateOptions>? configure = null,
        IDataProtectionProvider? dataProtection = null,
        Action<CookieAuthenticationOptions>? configureCookie = null,
        bool mapWaitingPage = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var log = new CapturedLog();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Logging.AddFilter("SessionGrains", LogLevel.Debug);
        builder.Services.AddSingleton(silo.Grains);
        builder.Services.AddSingleton<TimeProvider>(silo.Clock);
        if (dataProtection is not null)
        {
            builder.Services.AddSingleton(dataProtection);
        }

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                configureCookie?.Invoke(cookie);
                cookie.Events.OnRedirectToLogin = context =>
                {
                    // An API's answer, naming where a browser would have gone (the sign-in page, or the waiting page).
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.Location = context.RedirectUri;
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddSessionGate(options =>
        {
            options.SiteId = siteId;
            options.TouchInterval = TouchInterval;
            configure?.Invoke(options);
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/login/{user}", async (string user, string? role, string? returnUrl, HttpContext http) =>
        {
            var principal = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user), .. role is null ? [] : new[] { new Claim(ClaimTypes.Role, role) }],
                CookieAuthenticationDefaults.AuthenticationScheme));
            var signIn = await http.SignInWithSeatAsync(principal, new AuthenticationProperties { RedirectUri = returnUrl });
            return signIn switch
            {
                { Succeeded: true } => Results.Ok(),
                { Ticket: { } ticket } => Results.Json(new { waitingPage = signIn.WaitingPage, position = ticket.Position }, statusCode: StatusCodes.Status202Accepted),
                { Refusal: var refusal } => Results.Json(new { message = refusal!.Message, retryAfterSeconds = refusal.RetryAfter?.TotalSeconds }, statusCode: StatusCodes.Status409Conflict),
            };
        });
        app.MapPost("/guarded-login/{user}", async (string user, string password, HttpContext http) =>
        {
            var guarded = await http.GuardSignInAsync(user, () =>
            {
                Interlocked.Increment(ref _passwordChecks);
                return Task.FromResult(password == "right");
            });
            return Results.Json(new { outcome = guarded.Outcome.ToString(), message = guarded.Message });
        });
        app.MapGet("/me", (HttpContext http) => Results.Text(http.GetSeat()?.SessionId.ToString() ?? "")).RequireAuthorization();
        app.MapGet("/notice", (HttpContext http) => http.TakeSessionNotice() is { } notice
            ? Results.Json(new { endReason = notice.EndReason?.ToString(), refusal = notice.Refusal?.ToString(), lineEndReason = notice.LineEndReason?.ToString(), message = notice.Message })
            : Results.NoContent());
        if (mapWaitingPage)
        {
            app.MapWaitingPage();
        }

        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return Results.Ok();
        });

        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new GatedApp(app, new Uri(address), log);
    }

    public static TimeSpan TouchInterval { get; } = TimeSpan.FromSeconds(30);

    private static int _passwordChecks;

    /// <summary>How often any app's <c>/guarded-login</c> ran its password check.</summary>
    public static int PasswordChecks => Volatile.Read(ref _passwordChecks);

    /// <summary>A client with its own cookie jar: one browser.</summary>
    public Browser NewBrowser() => new(Address);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class Browser(Uri address, CookieContainer? cookies = null) : IDisposable
{
    private readonly CookieContainer _cookies = cookies ?? new();
    private HttpClient? _client;

    /// <summary>The same browser (its cookies) visiting another app.</summary>
    public Browser At(Uri other) => new(other, _cookies);

    // Redirects are not followed, so tests see where the app sends the browser.
    private HttpClient Client => _client ??= new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = address };

    public bool HasAuthCookie => _cookies.GetCookies(address).Any(c => c.Name.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal));

    /// <summary>Whether the browser holds a place in the site's waiting line (the library's waiting cookie).</summary>
    public bool HasWaitingCookie => _cookies.GetCookies(address).Any(c => c.Name == ".SessionGrains.Line");

    public void SetCookie(string name, string value) => _cookies.Add(address, new Cookie(name, value));

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(new Uri(path, UriKind.Relative));

    public Task<HttpResponseMessage> PostAsync(string path) => Client.PostAsync(new Uri(path, UriKind.Relative), null);

    public Task<HttpResponseMessage> SignInAsync(string user, string? role = null, string? userAgent = null, string? returnUrl = null)
    {
        var query = string.Join('&', new[] { role is null ? null : $"role={Uri.EscapeDataString(role)}", returnUrl is null ? null : $"returnUrl={Uri.EscapeDataString(returnUrl)}" }.OfType<string>());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(query.Length == 0 ? $"/login/{user}" : $"/login/{user}?{query}", UriKind.Relative));
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> SignOutAsync() => Client.PostAsync(new Uri("/logout", UriKind.Relative), null);

    /// <summary>An authenticated page: returns the session the request ran under, or null when it was refused (401).</summary>
    public async Task<SessionId?> VisitAsync()
    {
        using var response = await Client.GetAsync(new Uri("/me", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return SessionId.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task<System.Text.Json.JsonElement?> NoticeAsync()
    {
        using var response = await Client.GetAsync(new Uri("/notice", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NoContent ? null : await HttpJson.ReadJsonAsync(response);
    }

    public void Dispose() => _client?.Dispose();
}
