using SessionGrains.Batching;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Persistence.State;

/// <summary>
/// The silo's store for site state and session ends. Writes are grouped (<see cref="GroupCommit{TItem, TResult}"/>):
/// every write that arrives while a transaction is in flight goes into the next one, whichever site it is for, so a
/// silo commits as often as its database can and no more, and one commit (one fsync) carries many admissions and
/// endings. Each write's task completes only once the transaction holding it committed. A site's write carries the
/// end records of the sessions it ends, so a seat is freed and its end recorded together or not at all.
/// </summary>
public sealed partial class StateStore : ISiteStore, ISessionEndLog, IDisposable
{
    /// <summary>Bounds one transaction, so a burst is written in steps that each finish quickly.</summary>
    public const int MaxWritesPerCommit = 5_000;

    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private readonly IStateDatabase _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<StateStore> _logger;
    private readonly int _endsKeptPerSite;
    private readonly int _pruneAfterEnds;
    private readonly GroupCommit<SiteWrite, bool> _commits;
    private readonly StorageMetrics? _metrics;

    // Ends this store recorded per site since it last pruned that site (one entry per site at most), and the sites due
    // for a prune: every end of the cluster is recorded by some silo's store, so each site that grows is pruned by one
    // of them. Only touched by commits, which run one at a time.
    private readonly Dictionary<string, int> _endsSincePruned = [];
    private readonly HashSet<string> _fullSites = [];
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    public StateStore(
        IStateDatabase database,
        TimeProvider clock,
        ILogger<StateStore> logger,
        int endsKeptPerSite = EndedSessionsOptions.DefaultKeptPerSite,
        StorageMetrics? metrics = null)
    {
        _metrics = metrics;
        ArgumentOutOfRangeException.ThrowIfLessThan(endsKeptPerSite, 1);
        _database = database;
        _clock = clock;
        _logger = logger;
        _endsKeptPerSite = endsKeptPerSite;
        _pruneAfterEnds = Math.Max(1, endsKeptPerSite / 10);

        // A site has one write in flight at a time, but two activations of one site (a hand-over) may both queue
        // one: the later waits for the next transaction, where it meets the version the first one left. Commits
        // run on the thread pool, never on the grain whose write happened to start them.
        _commits = new GroupCommit<SiteWrite, bool>(
            CommitAsync,
            maxBatchSize: MaxWritesPerCommit,
            exclusiveKey: write => write.SiteId,
            flushOn: TaskScheduler.Default,
            failureOf: (write, committed) => committed ? null : new SiteWriteConflictException(write.SiteId));
    }

    public Task<StoredSite?> ReadAsync(string siteId, CancellationToken cancellationToken = default) =>
        GuardAsync(_database.ReadSiteAsync(siteId, cancellationToken));

    public Task WriteAsync(SiteWrite write, CancellationToken cancellationToken = default) =>
        _commits.AddAsync(write, cancellationToken);

    public Task<IReadOnlyList<UsageDay>> ReadUsageAsync(string siteId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default) =>
        GuardAsync(_database.ReadUsageAsync(siteId, firstDay, lastDay, cancellationToken));

    public Task<SessionEnd?> FindAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken = default) =>
        GuardAsync(_database.FindEndAsync(siteId, sessionId, cancellationToken));

    public void Dispose() => (_database as IDisposable)?.Dispose();

    /// <summary>Commits one batch in one transaction; a site write that lost its version check comes back false.</summary>
    private async Task<IReadOnlyList<bool>> CommitAsync(IReadOnlyList<SiteWrite> batch)
    {
        foreach (var write in batch)
        {
            if (write.Ends.Count > 0)
            {
                CountEnds(write.SiteId, write.Ends.Count);
            }
        }

        var pruning = Pruning();
        IReadOnlySet<int> conflicts;
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            conflicts = await _database.CommitAsync(batch, pruning, CancellationToken.None).ConfigureAwait(false);
            _metrics?.Committed(batch.Count, System.Diagnostics.Stopwatch.GetElapsedTime(began));
        }
        catch (Exception ex)
        {
            _metrics?.Failed(batch.Count);
            LogCommitFailed(ex, batch.Count);

            // The counts stay: every site this commit was to prune is pruned by the next one, and so are old ends.
            _nextPrune = DateTimeOffset.MinValue;
            throw StorageFaultBoundary.Unavailable(ex);
        }

        foreach (var site in pruning?.Sites ?? [])
        {
            _endsSincePruned.Remove(site);
            _fullSites.Remove(site);
        }

        var committed = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            committed[i] = !conflicts.Contains(i);
        }

        return committed;
    }

    /// <summary>
    /// What this commit deletes: every 10 minutes, the ends past the retention and the usage rows past theirs
    /// (<see cref="UsageRange.RetentionDays"/> before today); and a site's ends beyond the newest it
    /// keeps as soon as it has ended a tenth as many again since its last prune. So a site's records exceed its allowance
    /// by less than a tenth (per silo recording its ends, usually one), however fast it churns, and the walk down the
    /// site's index that finds its surplus costs about ten index entries per ended session.
    /// </summary>
    private EndPruning? Pruning()
    {
        DateTimeOffset? endedBefore = null;
        var now = _clock.GetUtcNow();
        if (now >= _nextPrune)
        {
            endedBefore = now - ISessionEndLog.Retention;
            _nextPrune = now + PruneEvery;
        }

        return endedBefore is null && _fullSites.Count == 0
            ? null
            : new EndPruning(endedBefore, [.. _fullSites], _endsKeptPerSite)
            {
                UsageBefore = endedBefore is null ? null : DateOnly.FromDateTime(now.UtcDateTime).AddDays(-UsageRange.RetentionDays),
            };
    }

    private void CountEnds(string siteId, int ends)
    {
        var count = _endsSincePruned.GetValueOrDefault(siteId) + ends;
        _endsSincePruned[siteId] = count;
        if (count >= _pruneAfterEnds)
        {
            _fullSites.Add(siteId);
        }
    }

    private async Task<T> GuardAsync<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReadFailed(ex);
            throw StorageFaultBoundary.Unavailable(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "State store: committing {Count} write(s) failed; each caller is told to try again")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "State store: a read failed")]
    private partial void LogReadFailed(Exception exception);
}
