using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Persistence.State;

/// <summary>
/// One database engine's side of <see cref="StateStore"/>: reads, and batches of writes committed as one
/// transaction (deploy/sql: the site store and ended sessions scripts).
/// </summary>
public interface IStateDatabase
{
    Task<StoredSite?> ReadSiteAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>A site's usage rows from <paramref name="firstDay"/> to <paramref name="lastDay"/>, both included, oldest first.</summary>
    Task<IReadOnlyList<UsageDay>> ReadUsageAsync(string siteId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);

    Task<SessionEnd?> FindEndAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies every site write whose expected version still holds, with the end records it carries, in one transaction.
    /// A site write whose version no longer holds changes nothing and records nothing; it is reported, and the rest commit.
    /// </summary>
    /// <param name="pruning">When set, the ends it names are deleted in the same transaction, after the new ones are recorded.</param>
    /// <returns>The indexes (into <paramref name="sites"/>) of the writes that lost to another writer.</returns>
    Task<IReadOnlySet<int>> CommitAsync(IReadOnlyList<SiteWrite> sites, EndPruning? pruning, CancellationToken cancellationToken);
}

/// <summary>Which recorded session ends a commit deletes.</summary>
/// <param name="EndedBefore">When set, every end recorded before this moment, of any site.</param>
/// <param name="Sites">Sites of which only the newest <paramref name="KeptPerSite"/> ends are kept (by end time, then session id).</param>
public sealed record EndPruning(DateTimeOffset? EndedBefore, IReadOnlyList<string> Sites, int KeptPerSite)
{
    /// <summary>When set, the usage rows of every site for days before this one go too (retention, with the old ends).</summary>
    public DateOnly? UsageBefore { get; init; }
}
