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

    internal ActivityClock Track(string siteId, SessionId sessionId, DateTimeOffset lastActivityAt, ActivationId activation)
    {
        var clock = new ActivityClock(lastActivityAt, activation);
        _live[(siteId, sessionId)] = clock;
        return clock;
    }

    internal void Forget(string siteId, SessionId sessionId) => _live.TryRemove((siteId, sessionId), out _);

    /// <summary>
    /// The latest activity of every session not handed over yet, by site; from now on their grains answer no touch from
    /// memory (<see cref="ActivityClock.TryRecord"/>), so no touch is answered that the site was not told of.
    /// </summary>
    public IReadOnlyList<(string SiteId, IReadOnlyList<SessionActivity> Sessions)> HandOver()
    {
        List<(string SiteId, SessionActivity Activity)> handedOver = [];
        foreach (var ((siteId, sessionId), clock) in _live)
        {
            if (clock.HandOver() is { } lastActivityAt)
            {
                handedOver.Add((siteId, new SessionActivity { SessionId = sessionId, LastActivityAt = lastActivityAt, Activation = clock.Activation }));
            }
        }

        return [.. handedOver
            .GroupBy(entry => entry.SiteId, StringComparer.Ordinal)
            .Select(site => (site.Key, (IReadOnlyList<SessionActivity>)[.. site.Select(entry => entry.Activity)]))];
    }
}

/// <summary>
/// A session's latest activity: written by its grain on every touch, read by the shutdown hand-over, which also marks
/// it handed over in the same atomic step, so that a touch is either in what the site was told or refused here.
/// </summary>
internal sealed class ActivityClock(DateTimeOffset lastActivityAt, ActivationId activation)
{
    // The mark shares the word with the ticks (which stay below it for any date), so one atomic step sets it and reads them.
    private const long HandedOverMark = 1L << 62;

    private long _state = lastActivityAt.UtcTicks;

    /// <summary>The activation whose activity this is.</summary>
    public ActivationId Activation { get; } = activation;

    public DateTimeOffset LastActivityAt => new(Volatile.Read(ref _state) & ~HandedOverMark, TimeSpan.Zero);

    /// <summary>The silo handed the session over to its site: its grain must ask the site again.</summary>
    public bool HandedOver => (Volatile.Read(ref _state) & HandedOverMark) != 0;

    /// <summary>Records a touch at <paramref name="at"/>; false, and nothing recorded, once the session was handed over.</summary>
    public bool TryRecord(DateTimeOffset at)
    {
        var seen = Volatile.Read(ref _state);
        while ((seen & HandedOverMark) == 0)
        {
            var found = Interlocked.CompareExchange(ref _state, at.UtcTicks, seen);
            if (found == seen)
            {
                return true;
            }

            seen = found;
        }

        return false;
    }

    /// <summary>Marks the session handed over; the last activity recorded before, or null if it was handed over already.</summary>
    public DateTimeOffset? HandOver()
    {
        var before = Interlocked.Or(ref _state, HandedOverMark);
        return (before & HandedOverMark) != 0 ? null : new DateTimeOffset(before, TimeSpan.Zero);
    }
}
