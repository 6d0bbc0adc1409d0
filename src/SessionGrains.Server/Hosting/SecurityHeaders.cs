namespace SessionGrains.Server.Hosting;

/// <summary>
/// The browser-facing protections on every response the server writes: the admin UI, the Orleans dashboard, the API's
/// problems and the framework's own status pages (a 404 for an unknown path), whichever part of the pipeline wrote it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Every script, style and image comes from this server; nothing may frame a page or send a form elsewhere.</summary>
    public const string Policy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /// <summary>
    /// The Orleans dashboard is a single-page app that loads its own scripts, styles and fonts from <c>/dashboard</c>,
    /// but its components set styles inline (React style attributes, chart and diagram styles), which the stricter
    /// policy would block. Scripts stay same-origin only: no inline script, no eval.
    /// </summary>
    public const string DashboardPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    /// <summary>
    /// First in the pipeline. The headers are added as the response starts, so they survive the exception handler
    /// clearing a failed response and are on whatever it, the status code pages or an endpoint then write.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var dashboard = context.Request.Path.StartsWithSegments("/dashboard");
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = dashboard ? DashboardPolicy : Policy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
