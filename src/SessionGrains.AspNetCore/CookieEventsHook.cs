using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Puts the gate into the guarded cookie scheme by wrapping the app's events object, so that overridden event
/// methods (a subclass of <see cref="CookieAuthenticationEvents"/>) are gated as surely as delegates.
/// </summary>
internal sealed class CookieEventsHook(IOptionsMonitor<SessionGateOptions> gateOptions) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name != gateOptions.CurrentValue.AuthenticationScheme || options.Events is GatedCookieEvents)
        {
            return;
        }

        if (options.EventsType is not null)
        {
            throw new InvalidOperationException(
                $"The cookie scheme '{name}' takes its events from EventsType, which SessionGrains cannot wrap; set CookieAuthenticationOptions.Events instead.");
        }

        options.Events = new GatedCookieEvents(options.Events);
    }
}

/// <summary>
/// The app's cookie events, with the gate after the app's own sign-in and validation (the app decides who the user
/// is; the gate decides whether they get a seat) and before its sign-out. Everything else passes straight through.
/// </summary>
internal sealed class GatedCookieEvents(CookieAuthenticationEvents inner) : CookieAuthenticationEvents
{
    public override async Task SigningIn(CookieSigningInContext context)
    {
        await inner.SigningIn(context);
        await Gate(context.HttpContext).OnSigningInAsync(context);
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        await inner.ValidatePrincipal(context);
        if (context.Principal is not null)
        {
            await Gate(context.HttpContext).OnValidatePrincipalAsync(context);
        }
    }

    public override async Task SigningOut(CookieSigningOutContext context)
    {
        await Gate(context.HttpContext).OnSigningOutAsync(context);
        await inner.SigningOut(context);
    }

    public override Task CheckSlidingExpiration(CookieSlidingExpirationContext context) => inner.CheckSlidingExpiration(context);

    public override Task SignedIn(CookieSignedInContext context) => inner.SignedIn(context);

    public override Task RedirectToLogout(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context) => inner.RedirectToLogout(context);

    public override Task RedirectToLogin(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        // A user this request put back in the waiting line goes to the waiting page; the app's own event still decides how.
        if (SessionGate.WaitingPageFor(context.HttpContext) is { } waitingPage)
        {
            context.RedirectUri = context.Request.PathBase + waitingPage;
        }

        return inner.RedirectToLogin(context);
    }

    public override Task RedirectToReturnUrl(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context) => inner.RedirectToReturnUrl(context);

    public override Task RedirectToAccessDenied(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context) => inner.RedirectToAccessDenied(context);

    private static SessionGate Gate(HttpContext context) => context.RequestServices.GetRequiredService<SessionGate>();
}
