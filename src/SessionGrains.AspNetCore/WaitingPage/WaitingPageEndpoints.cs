using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The waiting page for users a full site put in its line, at <see cref="SessionGateOptions.WaitingPagePath"/>:
/// the page, its status as JSON (for the page's script, or an app's own page), leaving the line, and its two assets.
/// Mapped as endpoints, so the app's own middleware (forwarded headers, HTTPS) runs before it as before any page.
/// </summary>
public static class WaitingPageEndpoints
{
    public static RouteGroupBuilder MapWaitingPage(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        services.GetRequiredService<WaitingPageMapped>().IsMapped = true;
        var path = services.GetRequiredService<IOptionsMonitor<SessionGateOptions>>().CurrentValue.WaitingPagePath;

        var group = endpoints.MapGroup(path).AllowAnonymous().ExcludeFromDescription();
        group.MapGet("", PageAsync);
        group.MapGet("/status", StatusAsync);
        group.MapPost("/leave", LeaveAsync);
        group.MapGet("/waiting-page.js", () => Asset("waiting-page.js", "text/javascript"));
        group.MapGet("/waiting-page.css", () => Asset("waiting-page.css", "text/css"));
        return group;
    }

    /// <summary>A queued sign-in sends the user to the page: an app that never mapped it would send them nowhere.</summary>
    internal static void EnsureMapped(IServiceProvider services)
    {
        if (!services.GetRequiredService<WaitingPageMapped>().IsMapped)
        {
            throw new InvalidOperationException(
                "The site put a user in its waiting line, but the app has no waiting page to send them to: call app.MapWaitingPage().");
        }
    }

    private static async Task<IResult> PageAsync(HttpContext context, WaitingRoom room)
    {
        NoStore(context);
        var state = await room.VisitAsync(context);
        return state switch
        {
            WaitingState.Admitted { Location: var location } => Results.Redirect(location, preserveMethod: false),
            WaitingState.Gone { Location: var location } => Results.Redirect(location),
            _ => Results.Content(WaitingPageHtml.Render(context.Request.PathBase + PathOf(context), state), "text/html; charset=utf-8"),
        };
    }

    private static async Task<IResult> StatusAsync(HttpContext context, WaitingRoom room)
    {
        NoStore(context);
        var state = await room.VisitAsync(context);
        return Results.Json(WaitingStatus.Of(state), WaitingStatusJson.Default.WaitingStatus);
    }

    private static async Task<IResult> LeaveAsync(HttpContext context, WaitingRoom room)
    {
        NoStore(context);
        return Results.Redirect(await room.LeaveAsync(context));
    }

    private static string PathOf(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<SessionGateOptions>>().CurrentValue.WaitingPagePath;

    /// <summary>A place in the line is personal and changes by the second: no cache may keep it.</summary>
    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(WaitingPageEndpoints).Assembly.GetManifestResourceStream("SessionGrains.WaitingPage." + name)
            ?? throw new InvalidOperationException($"The waiting page's {name} is missing from the library.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Results.Bytes(copy.ToArray(), contentType + "; charset=utf-8");
    }
}

/// <summary>Set once the app mapped the waiting page.</summary>
internal sealed class WaitingPageMapped
{
    public bool IsMapped { get; set; }
}
