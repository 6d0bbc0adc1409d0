using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Sends the site's key (see <see cref="CallerKey"/>) with every grain call made while the app handles an HTTP
/// request: the library's own (sign-in, touch, sign-out) and the app's. It is set once, first thing in the request, so
/// every call made in that request's flow carries it. An outgoing grain-call filter would do the same per call, at a
/// tenth of a busy client's throughput (docs/performance.md). Calls outside a request (a background service of the
/// app) set the key themselves with <see cref="CallerKey.Use"/>.
/// </summary>
internal sealed class SiteKeyPerRequest(IOptionsMonitor<SessionGateOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(ActWithSiteKeyAsync);
        next(app);
    };

    // Async, so the key stays with this request's flow and is gone when the request ends.
    private async Task ActWithSiteKeyAsync(HttpContext context, RequestDelegate next)
    {
        CallerKey.Use(options.CurrentValue.SiteKey);
        await next(context);
    }
}
