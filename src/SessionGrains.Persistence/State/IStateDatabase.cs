using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Persistence.State;

/// <summary>
/// One database engine's side of <see cref="StateStore"/>: reads, and batches of writes committed as one
/// transaction (deploy/sql: the site store and ended sessions scripts).
/// </summary>
public interface IStateDatabase
{
    Task<StoredSite?> ReadSiteAsync(string siteId, CancellationToken cancellationToken);

    Task<SessionEnd?> FindEndAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies every site write whose expected version still holds and records every end, in one transaction.
    /// A site write whose version no longer holds changes nothing; it is reported, and the rest commit.
    /// </summary>
    /// <param name="endedBefore">When set, ends recorded before this moment are deleted in the same transaction.</param>
    /// <returns>The indexes (into <paramref name="sites"/>) of the writes that lost to another writer.</returns>
    Task<IReadOnlySet<int>> CommitAsync(IReadOnlyList<SiteWrite> sites, IReadOnlyList<SessionEnd> ends, DateTimeOffset? endedBefore, CancellationToken cancellationToken);
}
