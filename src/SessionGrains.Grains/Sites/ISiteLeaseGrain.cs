using SessionGrains.Grains.Sessions;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The site's side of the protocol with the grains that serve it: the leases of its session grains, and the refusals its
/// guard shards count. Called by those grains only; same activation as <see cref="ISiteGrain"/>. A session grain's
/// activation names itself in each call (its <see cref="ActivationId"/>): the site tells the one it heard from last of an end,
/// and takes an exact deadline only from that one.
/// </summary>
public interface ISiteLeaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// The lease, or why the session ended, without counting as activity. Answered from memory for a session the site
    /// holds, also while its database is away (<see cref="StorageRecovery"/>).
    /// </summary>
    Task<LeaseLookup> GetLeaseAsync(SessionId sessionId, ActivationId activation);

    /// <summary>
    /// A session's grain starts on a touch at <paramref name="touchedAt"/>: a session whose lease ran out ends first, as
    /// idle (the site held its exact deadline, or the headroom past it); else its lease is renewed from the touch. Durable.
    /// </summary>
    Task<LeaseLookup> FirstTouchAsync(SessionId sessionId, DateTimeOffset touchedAt, ActivationId activation);

    /// <summary>
    /// A running grain moves the lease to <paramref name="lastActivityAt"/> + the site's idle timeout, plus headroom for
    /// the touches still to come unless <paramref name="exact"/> (a grain about to deactivate hands over its final
    /// deadline; taken as exact only from the activation the site heard from last). Activity its grain saw counts even if
    /// the lease ran out meanwhile (its renewal could not be stored). Durable.
    /// </summary>
    Task<LeaseLookup> RenewLeaseAsync(SessionId sessionId, DateTimeOffset lastActivityAt, bool exact, ActivationId activation);

    /// <summary>
    /// The session ended on its own (idle or logout); its seat is free. Idempotent. False, and nothing ended, for an
    /// idle end when the site knows of activity later than <paramref name="lastActivityAt"/> (the caller's): another
    /// activation of the session was touched since, so the caller is stale and the user still active.
    /// </summary>
    Task<bool> SessionEndedAsync(SessionId sessionId, SessionEndReason reason, DateTimeOffset lastActivityAt, ActivationId activation);

    /// <summary>
    /// A silo about to shut down hands over the exact idle deadlines of this site's sessions it hosts, in one call,
    /// so their leases end them on time while no grain tracks them (each exact as in <see cref="RenewLeaseAsync"/>).
    /// </summary>
    Task HandOverAsync(IReadOnlyList<SessionActivity> sessions);

    /// <summary>The site's guard shards tell how many attempts they refused since they last told, for the site's history.</summary>
    Task RecordGuardRefusalsAsync(int count);
}
