using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
using SessionGrains.Persistence.KeyRing;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Server.Admin;

/// <summary>
/// The operators' side of the server: the admin UI at <c>/admin</c> (Razor Pages under <c>Admin/Pages</c>) and the
/// Orleans dashboard at <c>/dashboard</c>, both behind a sign-in with the admin key.
/// </summary>
public static class AdminUiRegistration
{
    public const string SignInPath = "/admin/sign-in";
    public const string OperatorCookieName = "sessiongrains-operator";

    /// <summary>Isolates this product's protected payloads; the same on every server, so all read each other's.</summary>
    private const string DataProtectionApplicationName = "SessionGrains";

    public static IHostApplicationBuilder AddSessionGrainsAdmin(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(SessionGrainsOptions.SectionName).Get<SessionGrainsOptions>() ?? new();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new OperatorCookieEvents(
            provider.GetRequiredService<AdminKey>(),
            provider.GetRequiredService<TimeProvider>(),
            options.OperatorSignInLifetime,
            provider.GetRequiredService<ILogger<OperatorCookieEvents>>()));
        services.AddAuthentication().AddCookie(AccessPolicies.OperatorScheme, cookie =>
        {
            // __Host-: the browser keeps it only if it is Secure, for this host alone and every path, so no
            // subdomain and no plain-HTTP page can plant or overwrite it. Without Secure the prefix cannot be used.
            cookie.Cookie.Name = options.SecureCookies ? $"__Host-{OperatorCookieName}" : OperatorCookieName;
            cookie.Cookie.Path = "/";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = options.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = SignInPath;
            cookie.AccessDeniedPath = SignInPath;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.EventsType = typeof(OperatorCookieEvents);
        });

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "sessiongrains-antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            // Not Always even with SecureCookies: behind a TLS proxy the request reaching the server is plain HTTP,
            // where anti-forgery refuses to issue a Secure cookie. Its tokens are worthless without the operator cookie.
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Admin/Pages";
            pages.Conventions.AuthorizeFolder("/", AccessPolicies.Operator);
            pages.Conventions.AllowAnonymousToPage("/SignIn");
        });

        // Cookies and anti-forgery tokens are protected by ASP.NET Core Data Protection under one application name,
        // with its key ring in the cluster's database: what one server issued, every server reads, across restarts.
        services.AddDataProtection()
            .SetApplicationName(DataProtectionApplicationName)
            .PersistKeysToSessionGrainsStorage();

        return builder;
    }

    public static WebApplication MapSessionGrainsAdmin(this WebApplication app)
    {
        app.MapGet("/admin/assets/{name}", AdminAssets.Serve).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();

        // The dashboard shows grain state and cluster topology: operators only, like the admin UI.
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(AccessPolicies.Operator).ExcludeFromDescription();
        return app;
    }
}
