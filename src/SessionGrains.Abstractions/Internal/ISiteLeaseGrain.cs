using Orleans.Concurrency;

namespace SessionGrains.Internal;

/// <summary>The site's side of the lease protocol, called by session grains only. Same activation as <see cref="ISiteGrain"/>.</summary>
public interface ISiteLeaseGrain : IGrainWithStringKey
{
    Task<LeaseLookup> GetLeaseAsync(SessionId sessionId);

    /// <summary>
    /// Moves the lease to <paramref name="lastActivityAt"/> + the site's idle timeout, plus headroom for the touches
    /// still to come unless <paramref name="exact"/> (a grain about to deactivate hands over its final deadline). Durable.
    /// </summary>
    Task<LeaseLookup> RenewLeaseAsync(SessionId sessionId, DateTimeOffset lastActivityAt, bool exact);

    /// <summary>The session ended on its own (idle or logout); its seat is free. Idempotent.</summary>
    Task ReleaseAsync(SessionId sessionId, SessionEndReason reason);

    /// <summary>
    /// A silo about to shut down hands over the exact idle deadlines of this site's sessions it hosts, in one call,
    /// so their leases end them on time while no grain tracks them.
    /// </summary>
    Task HandOverAsync(IReadOnlyList<SessionActivity> sessions);
}

/// <summary>
/// The session's side, called by its site. One-way, so a site never waits on a session grain
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
}
