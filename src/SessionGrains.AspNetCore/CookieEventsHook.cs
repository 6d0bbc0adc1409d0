using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Chains the gate into the guarded cookie scheme's events, after the app's own handlers for sign-in and
/// validation (the app decides who the user is; the gate decides whether they get a seat) and before its sign-out.
/// </summary>
internal sealed class CookieEventsHook(IOptionsMonitor<SessionGateOptions> gateOptions) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name != gateOptions.CurrentValue.AuthenticationScheme)
        {
            return;
        }

        if (options.EventsType is not null)
        {
            throw new InvalidOperationException(
                $"The cookie scheme '{name}' takes its events from EventsType, which SessionGrains cannot chain into; set CookieAuthenticationOptions.Events instead.");
        }

        var events = options.Events;
        var signingIn = events.OnSigningIn;
        var validatePrincipal = events.OnValidatePrincipal;
        var signingOut = events.OnSigningOut;

        events.OnSigningIn = async context =>
        {
            await signingIn(context);
            await Gate(context.HttpContext).OnSigningInAsync(context);
        };
        events.OnValidatePrincipal = async context =>
        {
            await validatePrincipal(context);
            if (context.Principal is not null)
            {
                await Gate(context.HttpContext).OnValidatePrincipalAsync(context);
            }
        };
        events.OnSigningOut = async context =>
        {
            await Gate(context.HttpContext).OnSigningOutAsync(context);
            await signingOut(context);
        };
    }

    private static SessionGate Gate(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.RequestServices.GetRequiredService<SessionGate>();
}
