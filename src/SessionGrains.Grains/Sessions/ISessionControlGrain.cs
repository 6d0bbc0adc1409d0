using Orleans.Concurrency;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// The session's side, called by its site (and by its silo's idle alarms). One-way, so a site never waits on a session grain
/// (which may itself be waiting on the site: no call cycle, no deadlock).
/// </summary>
public interface ISessionControlGrain : IGrainWithGuidCompoundKey
{
    /// <summary>The site admitted this session: start tracking idle time.</summary>
    [OneWay]
    Task StartAsync(SessionLease lease);

    /// <summary>The site ended this session (kicked, evicted, or its lease ran out).</summary>
    [OneWay]
    Task EndAsync(SessionEndReason reason);

    /// <summary>The session's idle alarm rang (<see cref="IdleAlarms"/>): end it if its deadline passed, else set the next.</summary>
    [OneWay]
    Task IdleAlarmAsync();
}
