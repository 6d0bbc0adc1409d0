using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Persistence.State;

/// <summary>
/// The silo's store for site state and session ends. Writes are grouped: every write that arrives while a
/// transaction is in flight goes into the next one, whichever site or session it is for, so a silo commits
/// as often as its database can and no more, and one commit (one fsync) carries many admissions and endings.
/// Each write's task completes only once the transaction holding it committed.
/// </summary>
public sealed partial class StateStore(IStateDatabase database, TimeProvider clock, ILogger<StateStore> logger) : ISiteStore, ISessionEndLog, IDisposable
{
    /// <summary>Bounds one transaction, so a burst is written in steps that each finish quickly.</summary>
    public const int MaxWritesPerCommit = 5_000;

    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private List<PendingWrite> _queue = [];
    private bool _writing;
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    public Task<StoredSite?> ReadAsync(string siteId, CancellationToken cancellationToken = default) =>
        GuardAsync(database.ReadSiteAsync(siteId, cancellationToken));

    public Task WriteAsync(SiteWrite write, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(write, null));

    public Task<SessionEnd?> FindAsync(string siteId, SessionId sessionId, CancellationToken cancellationToken = default) =>
        GuardAsync(database.FindEndAsync(siteId, sessionId, cancellationToken));

    public Task RecordAsync(SessionEnd ending, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(null, ending));

    public void Dispose() => (database as IDisposable)?.Dispose();

    private Task Enqueue(PendingWrite write)
    {
        lock (_lock)
        {
            _queue.Add(write);
            if (_writing)
            {
                return write.Done.Task;
            }

            _writing = true;
        }

        _ = Task.Run(WriteWhileQueuedAsync);
        return write.Done.Task;
    }

    private async Task WriteWhileQueuedAsync()
    {
        while (TakeBatch() is { } batch)
        {
            await CommitAsync(batch).ConfigureAwait(false);
        }
    }

    private List<PendingWrite>? TakeBatch()
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
                return null;
            }

            // A site has one write in flight at a time, but two activations of one site (a hand-over) may both
            // queue one: the later waits for the next transaction, where it meets the version the first one left.
            var batch = new List<PendingWrite>(Math.Min(_queue.Count, MaxWritesPerCommit));
            var rest = new List<PendingWrite>();
            var sites = new HashSet<string>(StringComparer.Ordinal);
            foreach (var write in _queue)
            {
                if (batch.Count < MaxWritesPerCommit && (write.Site is null || sites.Add(write.Site.SiteId)))
                {
                    batch.Add(write);
                }
                else
                {
                    rest.Add(write);
                }
            }

            _queue = rest;
            return batch;
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var sites = new List<SiteWrite>(batch.Count);
        var ends = new List<SessionEnd>();
        var siteWrites = new List<PendingWrite>(batch.Count);
        foreach (var write in batch)
        {
            if (write.Site is { } site)
            {
                sites.Add(site);
                siteWrites.Add(write);
            }
            else
            {
                ends.Add(write.End!);
            }
        }

        var now = clock.GetUtcNow();
        DateTimeOffset? prune = null;
        if (now >= _nextPrune)
        {
            prune = now - ISessionEndLog.Retention;
            _nextPrune = now + PruneEvery;
        }

        IReadOnlySet<int> conflicts;
        try
        {
            conflicts = await database.CommitAsync(sites, ends, prune, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogCommitFailed(ex, batch.Count);
            _nextPrune = DateTimeOffset.MinValue;
            foreach (var write in batch)
            {
                write.Done.SetException(StorageFaultBoundary.Unavailable(ex));
            }

            return;
        }

        for (var i = 0; i < siteWrites.Count; i++)
        {
            if (conflicts.Contains(i))
            {
                siteWrites[i].Done.SetException(new SiteWriteConflictException(sites[i].SiteId));
            }
            else
            {
                siteWrites[i].Done.SetResult();
            }
        }

        foreach (var write in batch)
        {
            if (write.End is not null)
            {
                write.Done.SetResult();
            }
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

    private sealed record PendingWrite(SiteWrite? Site, SessionEnd? End)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
