using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;
using SessionGrains.Persistence.State;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>Stores nothing and reads nothing back: only to measure what the grains cost without storage.</summary>
public sealed class DiscardingStateDatabase : IStateDatabase
{
    public Task<StoredSite?> ReadSiteAsync(string siteId, CancellationToken cancellationToken) => Task.FromResult<StoredSite?>(null);

    public Task<IReadOnlyList<UsageDay>> ReadUsageAsync(string siteId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UsageDay>>([]);

    public Task<SessionEnd?> FindEndAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken) => Task.FromResult<SessionEnd?>(null);

    public Task<IReadOnlySet<int>> CommitAsync(IReadOnlyList<SiteWrite> sites, EndPruning? pruning, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<int>>(new HashSet<int>());
}
