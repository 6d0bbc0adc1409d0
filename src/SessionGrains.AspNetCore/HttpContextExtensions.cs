using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

public static class HttpContextExtensions
{
    /// <summary>
    /// Signs the user in with the guarded cookie scheme if the site gives them a seat. On a full site that queues, the
    /// user is put in its waiting line instead: redirect them to <see cref="SeatSignInResult.WaitingPage"/>, which signs
    /// them in once their seat is free and then goes to <paramref name="properties"/>' <c>RedirectUri</c> (a local URL;
    /// "/" otherwise). When refused, show <see cref="SeatSignInResult.Refusal"/>. No cookie is issued unless signed in.
    /// </summary>
    public static async Task<SeatSignInResult> SignInWithSeatAsync(this HttpContext context, ClaimsPrincipal principal, AuthenticationProperties? properties = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var scheme = services.GetRequiredService<IOptionsMonitor<SessionGateOptions>>().CurrentValue.AuthenticationScheme;
        try
        {
            await context.SignInAsync(scheme, principal, properties);
            return SeatSignInResult.SignedIn;
        }
        catch (SessionQueuedException queued)
        {
            WaitingPageEndpoints.EnsureMapped(services);
            return new SeatSignInResult { Ticket = queued.Ticket, WaitingPage = context.Request.PathBase + queued.WaitingPage };
        }
        catch (SessionRefusedException refused)
        {
            return new SeatSignInResult { Refusal = refused.Refusal };
        }
    }

    /// <summary>
    /// Runs the app's password check under the site's sign-in guard: asks first whether this client may try (by its
    /// address and <paramref name="userId"/>), runs <paramref name="checkPassword"/> only then, and reports how it went.
    /// Sign the user in only when <see cref="SignInGuardResult.Succeeded"/>; when blocked, show the result's message.
    /// </summary>
    public static Task<SignInGuardResult> GuardSignInAsync(this HttpContext context, string userId, Func<Task<bool>> checkPassword)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<SignInGuard>().GuardAsync(context, userId, checkPassword);
    }

    /// <summary>Why this user was signed out or refused by the gate on a recent request, once; null if nothing happened.</summary>
    public static SessionNotice? TakeSessionNotice(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<SessionNotices>().Take(context);
    }

    /// <summary>The seat the signed-in user holds, if any.</summary>
    public static Seat? GetSeat(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Seat.TryRead(context.User, out var seat) ? seat : null;
    }
}
