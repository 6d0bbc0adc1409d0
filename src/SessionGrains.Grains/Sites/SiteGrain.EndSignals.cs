using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites;

/// <summary>The end signal: how a site tells a session's grain that it ended the session.</summary>
public sealed partial class SiteGrain
{
    /// <summary>How long an end signal the cluster cannot deliver is sent again: the failover bound of a silo's death.</summary>
    public static readonly TimeSpan EndSignalRetryBound = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan FirstEndSignalPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestEndSignalPause = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Tells a session's grain that the site ended the session (the end is stored). Until a silo that died is declared
    /// dead, Orleans cannot deliver calls whose directory entry that silo held, while the grain itself, on another
    /// silo, goes on answering from memory. So an undelivered signal is sent again, with growing pauses, for up to
    /// <see cref="EndSignalRetryBound"/>. Never throws: a signal still undelivered then is logged, and the grain learns
    /// of the end from the site at its next renewal.
    /// </summary>
    private async Task SignalEndAsync(SessionId sessionId, SessionEndReason reason)
    {
        var giveUpAt = clock.GetUtcNow() + EndSignalRetryBound;
        var pause = FirstEndSignalPause;
        while (true)
        {
            try
            {
                await Control(sessionId).EndAsync(reason);
                return;
            }
            catch (OrleansMessageRejectionException) when (clock.GetUtcNow() + pause <= giveUpAt)
            {
                LogEndSignalRetry(SiteId, sessionId, pause);
            }
            catch (Exception ex)
            {
                LogEndNotTold(ex, SiteId, sessionId, reason);
                return;
            }

            await Task.Delay(pause, clock);
            pause = pause * 2 < LongestEndSignalPause ? pause * 2 : LongestEndSignalPause;
        }
    }

    private ISessionControlGrain Control(SessionId sessionId) =>
        GrainFactory.GetGrain<ISessionControlGrain>(sessionId.Value, SiteId);
}
