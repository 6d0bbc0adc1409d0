using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// What happens to a seat at each step of a cookie session: sign-in asks for one, each authenticated request
/// touches it (throttled), an ended session signs the user out or, after idleness, quietly takes a new seat,
/// and sign-out ends it (a logout). <see cref="CookieEventsHook"/> calls these from the cookie handler's events.
/// </summary>
internal sealed partial class SessionGate(
    IGrainFactory grains,
    SiteAdmissions admissions,
    IOptionsMonitor<SessionGateOptions> options,
    TouchThrottle throttle,
    SessionNotices notices,
    WaitingCookie waiting,
    ILogger<SessionGate> logger)
{
    private static readonly object SignedOutByGate = new();
    private static readonly object AdmittedFromLine = new();
    private static readonly object SentToLine = new();

    private static readonly SessionRefused Unavailable = new()
    {
        Reason = RefusalReason.Unavailable,
        Active = 0,
        Limit = 0,
        Message = "Signing in is not possible right now. Please try again in a moment.",
        RetryAfter = TimeSpan.FromSeconds(10),
    };

    public async Task OnSigningInAsync(CookieSigningInContext context)
    {
        var principal = context.Principal ?? throw new InvalidOperationException("Signing in needs a principal.");
        var admitted = context.HttpContext.Items[AdmittedFromLine] as SessionAdmitted ?? await OpenForSignInAsync(context, principal);
        var seat = new Seat(options.CurrentValue.SiteId, admitted.SessionId);
        if (Seat.TryRead(context.HttpContext.User, out var previous) && previous != seat)
        {
            // The same browser signs in again: its old seat is not needed any more.
            await CloseQuietlyAsync(previous.Value);
        }

        seat.WriteTo(principal);
        throttle.Record(seat.SessionId);
    }

    /// <summary>
    /// Signs in the user whose ticket in the site's waiting line became <paramref name="admitted"/>: the seat is theirs
    /// already, so the sign-in takes it instead of asking for another.
    /// </summary>
    public static Task SignInAdmittedAsync(HttpContext context, string scheme, SessionAdmitted admitted, WaitingPlace place)
    {
        context.Items[AdmittedFromLine] = admitted;
        return context.SignInAsync(scheme, place.Principal, place.Properties);
    }

    private async Task<SessionAdmitted> OpenForSignInAsync(CookieSigningInContext context, ClaimsPrincipal principal)
    {
        var userId = UserIdOf(principal);
        OpenSessionResult result;
        try
        {
            result = await OpenAsync(context.HttpContext, principal, userId, resumes: null);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidRequestException))
        {
            // Fail closed: without a seat the site's limit cannot be kept, so nobody new gets in until the cluster answers.
            LogSignInUnavailable(ex, userId);
            throw new SessionRefusedException(Unavailable);
        }

        switch (result)
        {
            case SessionAdmitted admitted:
                return admitted;
            case SessionQueued { Ticket: var ticket }:
                // The cookie handler stamped this sign-in's issue and expiry times; the sign-in from the line stamps its own.
                var properties = context.Properties.Clone();
                properties.IssuedUtc = null;
                properties.ExpiresUtc = null;
                waiting.Write(context.HttpContext, principal, properties, ticket.TicketId);
                LogQueued(userId, ticket.Position);
                throw new SessionQueuedException(ticket, options.CurrentValue.WaitingPagePath);
            case SessionRefused refused:
                LogRefused(refused.Reason, userId);
                throw new SessionRefusedException(refused);
            default:
                throw new InvalidOperationException($"The site answered a sign-in with {result.GetType().Name}.");
        }
    }

    public async Task OnValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        if (principal is null)
        {
            return;
        }

        if (!Seat.TryRead(principal, out var seat) || seat.Value.SiteId != options.CurrentValue.SiteId)
        {
            // A cookie issued before this app was gated (or for another site) needs a seat like any sign-in.
            // All requests carrying this cookie name the same stand-in session, so together they take one seat.
            var standIn = StandInFor(context, principal);
            if (standIn is null || !throttle.IsFresh(standIn.Value))
            {
                await ReseatAsync(context, principal, standIn);
            }

            return;
        }

        var sessionId = seat.Value.SessionId;
        TouchResult touched;
        var known = throttle.StateOf(sessionId);
        if (known.Ended is { } pushedReason)
        {
            // The site said so already, once the end was stored: no need to ask the session.
            touched = new SessionEnded { Reason = pushedReason };
        }
        else if (known.Fresh)
        {
            return;
        }
        else if (await TouchAsync(seat.Value) is { } answer)
        {
            touched = answer;
        }
        else
        {
            return;
        }

        switch (touched)
        {
            case SessionActive:
                throttle.Record(sessionId);
                break;
            case SessionEnded { Reason: SessionEndReason.Idle } when options.CurrentValue.ResumeAfterIdle:
                throttle.Forget(sessionId);
                await ReseatAsync(context, principal, resumes: sessionId);
                break;
            case SessionEnded ended:
                throttle.Forget(sessionId);
                await SignOutAsync(context, SessionNotice.Ended(ended.Reason));
                break;
            default:
                throttle.Forget(sessionId);
                await SignOutAsync(context, SessionNotice.Unknown());
                break;
        }
    }

    /// <summary>The waiting page, when this request put its signed-in user back in the site's waiting line.</summary>
    public static string? WaitingPageFor(HttpContext context) => context.Items[SentToLine] as string;

    public async Task OnSigningOutAsync(CookieSigningOutContext context)
    {
        if (context.HttpContext.Items.ContainsKey(SignedOutByGate) || !Seat.TryRead(context.HttpContext.User, out var seat))
        {
            return;
        }

        throttle.Forget(seat.Value.SessionId);
        await CloseQuietlyAsync(seat.Value);
    }

    /// <summary>The session's answer to a touch; null when the cluster did not answer (the request goes on).</summary>
    private async Task<TouchResult?> TouchAsync(Seat seat)
    {
        try
        {
            return await grains.GetSessionGrain(seat.SiteId, seat.SessionId).TouchAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The seat is held whatever happens here; an outage must not sign everybody out.
            // Trying again at the next interval, not at every request, spares a struggling cluster.
            LogTouchFailed(ex, seat.SessionId);
            throttle.Record(seat.SessionId);
            return null;
        }
    }

    /// <summary>
    /// Takes a seat for a signed-in user. After an idle end it names the ended session, so the site answers every
    /// request that raced here with the cookie of the old session (parallel requests, other web servers) with one seat.
    /// </summary>
    private async Task ReseatAsync(CookieValidatePrincipalContext context, ClaimsPrincipal principal, SessionId? resumes)
    {
        var userId = UserIdOf(principal);
        OpenSessionResult result;
        try
        {
            result = await OpenAsync(context.HttpContext, principal, userId, resumes);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidRequestException))
        {
            // Nobody can get a seat while the cluster is unreachable; let this user's request go on and try again
            // at the next interval. (Invalid input is the app's bug, and surfaces as such.)
            LogReseatFailed(ex);
            if (resumes is { } retryKey)
            {
                throttle.Record(retryKey);
            }

            return;
        }

        if (result is SessionRefused refused)
        {
            LogRefused(refused.Reason, userId);
            await SignOutAsync(context, SessionNotice.Refused(refused));
            return;
        }

        if (result is SessionQueued { Ticket: var ticket })
        {
            // The site filled up while this user was away, and it queues: their place is kept, and the challenge that
            // follows sends them to the waiting page instead of the sign-in page (GatedCookieEvents.RedirectToLogin),
            // which explains itself; back to this page after, unless it was a form's post.
            var request = context.HttpContext.Request;
            var returnUrl = HttpMethods.IsGet(request.Method) ? request.PathBase + request.Path + request.QueryString : null;
            waiting.Write(context.HttpContext, principal, new AuthenticationProperties { RedirectUri = returnUrl }, ticket.TicketId);
            LogQueued(userId, ticket.Position);
            await SignOutAsync(context, notice: null);
            context.HttpContext.Items[SentToLine] = options.CurrentValue.WaitingPagePath;
            return;
        }

        var seat = new Seat(options.CurrentValue.SiteId, ((SessionAdmitted)result).SessionId);
        var renewed = principal.Clone();
        seat.WriteTo(renewed);
        context.ReplacePrincipal(renewed);
        context.ShouldRenew = true;
        throttle.Record(seat.SessionId);
        LogReseated(seat.SessionId);
    }

    private async Task SignOutAsync(CookieValidatePrincipalContext context, SessionNotice? notice)
    {
        context.RejectPrincipal();
        context.HttpContext.Items[SignedOutByGate] = true;
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
        if (notice is not null)
        {
            notices.Post(context.HttpContext, notice);
        }
    }

    private Task<OpenSessionResult> OpenAsync(HttpContext http, ClaimsPrincipal principal, string userId, SessionId? resumes)
    {
        var userAgent = http.Request.Headers.UserAgent.ToString();
        userAgent = userAgent[..Math.Min(userAgent.Length, RequestRules.MaxUserAgentLength)];
        var request = new OpenSessionRequest
        {
            UserId = userId,
            // Roles the site could not store (too long, control characters) cannot be exempt roles either: leave them out.
            Roles = [.. principal.Identities
                .SelectMany(identity => identity.FindAll(identity.RoleClaimType))
                .Select(c => c.Value)
                .Where(RequestRules.IsValidRole)
                .Distinct(StringComparer.Ordinal)
                .Take(RequestRules.MaxRoles)],
            ClientIp = ClientAddress.Of(http.Connection.RemoteIpAddress),
            // A browser's header is no reason to refuse a sign-in: one the site could not store (control characters) is left out.
            UserAgent = userAgent.Length == 0 || !RequestRules.IsValidUserAgent(userAgent) ? null : userAgent,
            Resumes = resumes,
        };
        return admissions.OpenSessionAsync(options.CurrentValue.SiteId, request);
    }

    /// <summary>
    /// A session id that stands for "the seat of this cookie" until it has one: derived from the cookie's issue time,
    /// its user and the site, so every request carrying the cookie, on any web server, names the same one.
    /// </summary>
    private SessionId? StandInFor(CookieValidatePrincipalContext context, ClaimsPrincipal principal)
    {
        if (context.Properties.IssuedUtc is not { } issued)
        {
            return null;
        }

        var source = $"sessiongrains:stand-in\n{options.CurrentValue.SiteId}\n{UserIdOf(principal)}\n{issued.UtcTicks}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(source));
        return new SessionId(new Guid(hash.AsSpan(0, 16)));
    }

    private async Task CloseQuietlyAsync(Seat seat)
    {
        try
        {
            await grains.GetSiteGrain(seat.SiteId).SignOutAsync(seat.SessionId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Signing out must not fail; the seat then frees itself at its idle deadline.
            LogLogoutFailed(ex, seat.SessionId);
        }
    }

    private string UserIdOf(ClaimsPrincipal principal) =>
        principal.FindFirst(options.CurrentValue.UserIdClaimType)?.Value
        ?? principal.Identity?.Name
        ?? throw new InvalidOperationException($"The principal has neither a '{options.CurrentValue.UserIdClaimType}' claim nor a name to use as its user id.");


    [LoggerMessage(Level = LogLevel.Information, Message = "The site refused a seat ({Reason}) to user {UserId}")]
    private partial void LogRefused(RefusalReason reason, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The site is full and put user {UserId} in its waiting line at {Position}")]
    private partial void LogQueued(string userId, int position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing in user {UserId} was refused: the cluster could not give a seat")]
    private partial void LogSignInUnavailable(Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} took a new seat after idling")]
    private partial void LogReseated(SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Touching session {SessionId} failed; the request goes on")]
    private partial void LogTouchFailed(Exception exception, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking for a new seat failed; the request goes on")]
    private partial void LogReseatFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Logging out session {SessionId} failed; it will end at its idle deadline")]
    private partial void LogLogoutFailed(Exception exception, SessionId sessionId);
}
