using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Remembers when this web server last touched each session, so requests closer together than
/// <see cref="SessionGateOptions.TouchInterval"/> cost no grain call. Entries older than the interval are useless,
/// and are swept out as the table grows, so memory follows the number of recently active users.
/// </summary>
internal sealed class TouchThrottle(TimeProvider clock, IOptionsMonitor<SessionGateOptions> options)
{
    private const int SweepThreshold = 4096;

    private readonly ConcurrentDictionary<SessionId, DateTimeOffset> _touchedAt = new();
    private DateTimeOffset _lastSweep = DateTimeOffset.MinValue;

    public bool IsFresh(SessionId sessionId) =>
        _touchedAt.TryGetValue(sessionId, out var touchedAt) && clock.GetUtcNow() - touchedAt < options.CurrentValue.TouchInterval;

    public void Record(SessionId sessionId)
    {
        var now = clock.GetUtcNow();
        _touchedAt[sessionId] = now;
        var interval = options.CurrentValue.TouchInterval;
        if (_touchedAt.Count > SweepThreshold && now - _lastSweep > interval)
        {
            _lastSweep = now;
            foreach (var (id, touchedAt) in _touchedAt)
            {
                if (now - touchedAt >= interval)
                {
                    _touchedAt.TryRemove(id, out _);
                }
            }
        }
    }

    public void Forget(SessionId sessionId) => _touchedAt.TryRemove(sessionId, out _);
}
