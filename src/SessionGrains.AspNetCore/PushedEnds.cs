using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The ends the site pushed to this web server (<see cref="IEndWatcher"/>, subscribed by <see cref="EndWatchSubscription"/>):
/// a request whose session is here is signed out at once, with the reason, however recently it was touched. An end is
/// needed for one touch interval only (after that, the next request touches the session, and the session says it ended),
/// so older ones are swept out once the table grows: memory follows the rate of ends, not their total.
/// </summary>
internal sealed partial class PushedEnds(
    TimeProvider clock,
    IOptionsMonitor<SessionGateOptions> options,
    TouchThrottle throttle,
    ILogger<PushedEnds> logger) : IEndWatcher
{
    private const int SweepThreshold = 4096;

    private readonly ConcurrentDictionary<SessionId, (SessionEndReason Reason, DateTimeOffset PushedAt)> _ended = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>
    /// Why the site ended this session, if it said so within the touch interval. Not taken out: a page's parallel
    /// requests all carry the ended session's cookie, and each must see the end.
    /// </summary>
    public bool TryGet(SessionId sessionId, out SessionEndReason reason)
    {
        // A lock-free read: it runs on every authenticated request.
        if (!_ended.TryGetValue(sessionId, out var end))
        {
            reason = default;
            return false;
        }

        reason = end.Reason;
        return true;
    }

    public Task SessionsEnded(IReadOnlyList<SessionEndSignal> ends)
    {
        var now = clock.GetUtcNow();
        foreach (var end in ends)
        {
            _ended[end.SessionId] = (end.Reason, now);

            // Its last touch says nothing any more.
            throttle.Forget(end.SessionId);
            LogPushed(end.SessionId, end.Reason);
        }

        SweepIfLarge(now);
        return Task.CompletedTask;
    }

    private void SweepIfLarge(DateTimeOffset now)
    {
        var interval = options.CurrentValue.TouchInterval;
        if (_ended.Count <= SweepThreshold || now - _lastSweep <= interval)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (sessionId, end) in _ended)
        {
            if (now - end.PushedAt > interval)
            {
                _ended.TryRemove(sessionId, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The site ended session {SessionId} ({Reason}); its next request here signs out")]
    private partial void LogPushed(SessionId sessionId, SessionEndReason reason);
}
