using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The site's sign-in guard around the app's own password check: asks first, checks the password only when allowed,
/// and reports the outcome. If the cluster cannot be reached the password check goes ahead (fail open: the guard slows
/// robots down, and signing in still needs a seat, which fails closed); a lost report costs one uncounted failure.
/// </summary>
internal sealed partial class SignInGuard(IGrainFactory grains, IOptionsMonitor<SessionGateOptions> options, ILogger<SignInGuard> logger)
{
    public async Task<SignInGuardResult> GuardAsync(HttpContext http, string userId, Func<Task<bool>> checkPassword)
    {
        ArgumentNullException.ThrowIfNull(checkPassword);
        if (ClientAddress.Of(http.Connection.RemoteIpAddress) is not { } clientIp || !RequestRules.IsValidUserId(userId))
        {
            // Nothing the guard could count (no address, or a user id no site could store): the password check decides.
            return Outcome(await checkPassword());
        }

        var attempt = new SignInAttempt { ClientIp = clientIp, UserId = userId };
        var guard = grains.GetSignInGuard(options.CurrentValue.SiteId);
        try
        {
            if (await guard.CheckAsync(attempt) is SignInBlocked blocked)
            {
                return new SignInGuardResult
                {
                    Outcome = SignInGuardOutcome.Blocked,
                    Message = blocked.Message,
                    BlockedUntil = blocked.BlockedUntil,
                    Scope = blocked.Scope,
                };
            }
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidRequestException))
        {
            LogCheckFailed(ex, userId);
        }

        var succeeded = await checkPassword();
        try
        {
            await guard.ReportAsync(attempt, succeeded);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or InvalidRequestException))
        {
            LogReportFailed(ex, userId);
        }

        return Outcome(succeeded);
    }

    private static SignInGuardResult Outcome(bool succeeded) =>
        new() { Outcome = succeeded ? SignInGuardOutcome.Succeeded : SignInGuardOutcome.Failed };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sign-in guard could not be asked about user {UserId}; the password check goes ahead")]
    private partial void LogCheckFailed(Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sign-in guard could not be told how user {UserId}'s sign-in went")]
    private partial void LogReportFailed(Exception exception, string userId);
}
