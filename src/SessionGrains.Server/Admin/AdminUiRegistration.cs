using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
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

    public static IHostApplicationBuilder AddSessionGrainsAdmin(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var secureCookies = builder.Configuration.GetSection(SessionGrainsOptions.SectionName).Get<SessionGrainsOptions>()?.SecureCookies ?? false;
        var cookieSecurity = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.TryAddSingleton(TimeProvider.System);
        services.AddAuthentication().AddCookie(AccessPolicies.OperatorScheme, cookie =>
        {
            cookie.Cookie.Name = "sessiongrains-operator";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = cookieSecurity;
            cookie.LoginPath = SignInPath;
            cookie.AccessDeniedPath = SignInPath;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
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

        // Cookies and anti-forgery tokens must be readable on every server of the cluster: see AdminKeyDataProtectionProvider.
        // Nothing uses ASP.NET Core's own key ring then, so its start-up service must not create one in the home folder.
        services.Replace(ServiceDescriptor.Singleton<IDataProtectionProvider, AdminKeyDataProtectionProvider>());
        foreach (var keyRingWarmUp in services
            .Where(service => service.ServiceType == typeof(IHostedService) && service.ImplementationType?.Assembly == typeof(KeyManagementOptions).Assembly)
            .ToList())
        {
            services.Remove(keyRingWarmUp);
        }

        return builder;
    }

    public static WebApplication MapSessionGrainsAdmin(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/admin"), admin => admin.Use(AddSecurityHeaders));
        app.MapGet("/admin/assets/{name}", AdminAssets.Serve).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();

        // The dashboard shows grain state and cluster topology: operators only, like the admin UI.
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(AccessPolicies.Operator).ExcludeFromDescription();
        return app;
    }

    private static Task AddSecurityHeaders(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;

        // Every script, style and image comes from this server; nothing may frame the pages.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        return next();
    }
}
