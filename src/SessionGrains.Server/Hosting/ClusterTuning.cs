using Orleans.Configuration;

namespace SessionGrains.Server.Hosting;

/// <summary>
/// How fast the cluster gives up on a silo that stopped answering. A dead silo's sites cannot admit anyone until
/// it is declared dead (their grains cannot move before), so we detect in about 10 seconds instead of Orleans'
/// default of about half a minute. The price: a silo that stalls for longer than that (a long GC pause, a
/// saturated network) is declared dead too, and must restart to rejoin. See docs/deployment.md.
/// </summary>
internal static class ClusterTuning
{
    /// <summary>Each silo probes some others this often; a probe unanswered within this time counts as missed.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes in a row before a silo votes its peer dead: about 6 seconds of silence.</summary>
    public const int MissedProbesLimit = 3;

    /// <summary>How often silos and clients re-read membership, as a backstop for the gossip that normally tells them at once.</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(10);

    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.TableRefreshTimeout = TableRefresh;

        // Votes from two silos (or from all, in a cluster of two) declare a silo dead.
        options.NumVotesForDeathDeclaration = 2;
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }
}
