using System.Collections.Concurrent;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// The live sessions whose grains run on this silo, with their latest activity, so that a silo shutting down
/// can hand their idle deadlines to their sites in one call per site (see <see cref="HandOverOnShutdown"/>).
/// </summary>
public sealed class LocalSessions
{
    private readonly ConcurrentDictionary<(string SiteId, SessionId SessionId), ActivityClock> _live = new();

    /// <summary>Live sessions whose grains run on this silo.</summary>
    public int Count => _live.Count;

    internal ActivityClock Track(string siteId, SessionId sessionId, DateTimeOffset lastActivityAt)
    {
        var clock = new ActivityClock(lastActivityAt);
        _live[(siteId, sessionId)] = clock;
        return clock;
    }

    internal void Forget(string siteId, SessionId sessionId) => _live.TryRemove((siteId, sessionId), out _);

    public IEnumerable<(string SiteId, IReadOnlyList<SessionActivity> Sessions)> BySite() =>
        _live.GroupBy(entry => entry.Key.SiteId, StringComparer.Ordinal)
            .Select(site => (site.Key, (IReadOnlyList<SessionActivity>)[.. site.Select(entry => new SessionActivity
            {
                SessionId = entry.Key.SessionId,
                LastActivityAt = entry.Value.LastActivityAt,
            })]));
}

/// <summary>A session's latest activity: written by its grain on every touch, read by the shutdown hand-over.</summary>
internal sealed class ActivityClock(DateTimeOffset lastActivityAt)
{
    private long _utcTicks = lastActivityAt.UtcTicks;

    public DateTimeOffset LastActivityAt
    {
        get => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _utcTicks, value.UtcTicks);
    }
}
