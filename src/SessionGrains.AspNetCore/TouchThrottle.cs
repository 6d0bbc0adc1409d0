using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// What this web server knows of each recent session: when it last touched it, so requests closer together than
/// <see cref="SessionGateOptions.TouchInterval"/> cost no grain call, and whether the site pushed its end
/// (<see cref="PushedEnds"/>), so the next request signs out at once. One lookup answers both. An entry is needed for one
/// touch interval (after that the next request touches the session, and the session says whether it ended), so older
/// ones are swept out as the table grows: memory follows the number of recently active users and recent ends.
/// </summary>
internal sealed class TouchThrottle(TimeProvider clock, IOptionsMonitor<SessionGateOptions> options)
{
    private const int SweepThreshold = 4096;

    private readonly ConcurrentDictionary<SessionId, Entry> _entries = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    /// <summary>
    /// The session as this server knows it: touched within the interval, or ended by the site. An end stays until swept,
    /// not taken out by the first request: a page's parallel requests all carry the ended session's cookie.
    /// </summary>
    public TouchState StateOf(SessionId sessionId)
    {
        // A lock-free read: it runs on every authenticated request.
        if (!_entries.TryGetValue(sessionId, out var entry))
        {
            return default;
        }

        return entry.Ended is { } reason
            ? new TouchState(Fresh: false, reason)
            : new TouchState(clock.GetUtcNow() - entry.At < options.CurrentValue.TouchInterval, Ended: null);
    }

    public bool IsFresh(SessionId sessionId) => StateOf(sessionId).Fresh;

    /// <summary>This server touched the session now; a pushed end stays (a touch answered before the push came says nothing).</summary>
    public void Record(SessionId sessionId)
    {
        var now = clock.GetUtcNow();
        _entries.AddOrUpdate(
            sessionId,
            static (_, at) => new Entry(at, null),
            static (_, old, at) => old.Ended is null ? new Entry(at, null) : old,
            now);
        SweepIfLarge(now);
    }

    /// <summary>The site pushed this session's end: its last touch says nothing any more.</summary>
    public void Ended(SessionId sessionId, SessionEndReason reason)
    {
        var now = clock.GetUtcNow();
        _entries[sessionId] = new Entry(now, reason);
        SweepIfLarge(now);
    }

    /// <summary>Drops the session's last touch, so the next request asks the session; a pushed end stays.</summary>
    public void Forget(SessionId sessionId)
    {
        if (_entries.TryGetValue(sessionId, out var entry) && entry.Ended is null)
        {
            _entries.TryRemove(new KeyValuePair<SessionId, Entry>(sessionId, entry));
        }
    }

    private void SweepIfLarge(DateTimeOffset now)
    {
        var interval = options.CurrentValue.TouchInterval;
        if (_entries.Count <= SweepThreshold || now - _lastSweep <= interval)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (id, entry) in _entries)
        {
            if (now - entry.At >= interval)
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    private readonly record struct Entry(DateTimeOffset At, SessionEndReason? Ended);
}

/// <summary>What <see cref="TouchThrottle"/> knows of a session: touched within the interval, or ended by the site.</summary>
internal readonly record struct TouchState(bool Fresh, SessionEndReason? Ended);
