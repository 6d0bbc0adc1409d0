using Orleans.Concurrency;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// The session's side, called by its site (and by its silo's idle alarms).
/// </summary>
public interface ISessionControlGrain : IGrainWithGuidCompoundKey
{
    /// <summary>
    /// The site ended this session (signed out, kicked, evicted, or its lease ran out), and its end is stored. The site
    /// waits for the answer only on a sign-out; it is reentrant, so a session grain waiting on it meanwhile is no cycle.
    /// </summary>
    Task EndAsync(SessionEndReason reason);

    /// <summary>The session's idle alarm rang (<see cref="IdleAlarms"/>): end it if its deadline passed, else set the next.</summary>
    [OneWay]
    Task IdleAlarmAsync();
}
