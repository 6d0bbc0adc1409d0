using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Where the site pushes its ends to this web server (<see cref="IEndWatcher"/>, subscribed by
/// <see cref="EndWatchSubscription"/>): each is noted in the <see cref="TouchThrottle"/>, so the session's next request
/// here is signed out at once, with the reason, however recently it was touched.
/// </summary>
internal sealed partial class PushedEnds(TouchThrottle throttle, ILogger<PushedEnds> logger) : IEndWatcher
{
    public Task SessionsEnded(IReadOnlyList<SessionEndSignal> ends)
    {
        foreach (var end in ends)
        {
            throttle.Ended(end.SessionId, end.Reason);
            LogPushed(end.SessionId, end.Reason);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The site ended session {SessionId} ({Reason}); its next request here signs out")]
    private partial void LogPushed(SessionId sessionId, SessionEndReason reason);
}
