using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// What a visit to the waiting page finds: the browser's ticket asked about (which keeps it in the line), and once a
/// seat is held for it, the user signed in with that seat. Shared by the page and its status, so a browser without
/// script (the page refreshes itself) and one with it (the script asks for the status) move through the line alike.
/// </summary>
internal sealed partial class WaitingRoom(
    IGrainFactory grains,
    WaitingCookie cookie,
    SessionNotices notices,
    IOptionsMonitor<SessionGateOptions> options,
    IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
    ILogger<WaitingRoom> logger)
{
    /// <summary>How soon to ask again when the cluster did not answer.</summary>
    private static readonly TimeSpan RetryAfterOutage = TimeSpan.FromSeconds(5);

    public async Task<WaitingState> VisitAsync(HttpContext context)
    {
        var gate = options.CurrentValue;
        if (cookie.Read(context) is not { } place)
        {
            return new WaitingState.Gone(LoginPage(context));
        }

        TicketAnswer answer;
        try
        {
            answer = await grains.GetSiteGrain(gate.SiteId).PollTicketAsync(place.TicketId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The place is kept by the site, not by this answer: the page asks again shortly.
            LogPollFailed(ex);
            return new WaitingState.Unavailable(RetryAfterOutage);
        }

        switch (answer)
        {
            case TicketWaiting waiting:
                return new WaitingState.Waiting(waiting);
            case TicketAdmitted admitted:
                cookie.Delete(context);

                // The page sends the user on itself (with the script, a redirect would be followed by the status request).
                var returnUrl = LocalOrRoot(place.Properties.RedirectUri);
                place.Properties.RedirectUri = null;
                await SessionGate.SignInAdmittedAsync(context, gate.AuthenticationScheme, admitted.Session, place);
                return new WaitingState.Admitted(context.Request.PathBase + returnUrl);
            default:
                cookie.Delete(context);
                var reason = (answer as TicketEnded)?.Reason;
                LogLeftLine(reason);
                notices.Post(context, SessionNotice.LeftLine(reason));
                return new WaitingState.Gone(LoginPage(context));
        }
    }

    /// <summary>The user leaves the line: their place goes to those behind them at once.</summary>
    public async Task<string> LeaveAsync(HttpContext context)
    {
        if (cookie.Read(context) is { } place)
        {
            cookie.Delete(context);
            try
            {
                await grains.GetSiteGrain(options.CurrentValue.SiteId).LeaveLineAsync(place.TicketId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not asked about any more, the ticket leaves the line at its timeout anyway.
                LogLeaveFailed(ex);
            }

            notices.Post(context, SessionNotice.LeftLine(reason: null, byUser: true));
        }

        return LoginPage(context);
    }

    private string LoginPage(HttpContext context)
    {
        var login = cookieOptions.Get(options.CurrentValue.AuthenticationScheme).LoginPath;
        return context.Request.PathBase + (login.HasValue ? login.Value! : "/");
    }

    /// <summary>Only a path on this site: a return URL from elsewhere would make the page an open redirect.</summary>
    internal static string LocalOrRoot(string? url) =>
        url is ['/', ..] && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : "/";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking about a ticket in the waiting line failed; the waiting page asks again")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaving the waiting line failed; the ticket lapses at its timeout")]
    private partial void LogLeaveFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "A ticket left the waiting line without a seat ({Reason}; none: unknown to the site)")]
    private partial void LogLeftLine(TicketEndReason? reason);
}

/// <summary>Where a waiting user stands after a visit.</summary>
internal abstract record WaitingState
{
    private WaitingState()
    {
    }

    public sealed record Waiting(TicketWaiting Ticket) : WaitingState;

    /// <summary>Signed in: go on to <paramref name="Location"/>.</summary>
    public sealed record Admitted(string Location) : WaitingState;

    /// <summary>Not (or no longer) in the line: back to the sign-in page, where a notice says why.</summary>
    public sealed record Gone(string Location) : WaitingState;

    /// <summary>The cluster did not answer; still in the line as far as anyone knows.</summary>
    public sealed record Unavailable(TimeSpan PollAfter) : WaitingState;
}
