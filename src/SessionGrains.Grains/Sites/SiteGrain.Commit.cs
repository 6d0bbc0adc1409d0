using SessionGrains.Grains.Sites.Storage;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// Group commit. A change waits for the write that holds it: if none is in flight, it starts one; if one is,
/// it waits for the next, which takes every change made in the meantime. So a site writes as often as its
/// storage can take and no more, however many requests arrive, and each write carries only what changed
/// (see <see cref="ISiteStore"/>), so its cost does not grow with the number of live sessions.
/// </summary>
public sealed partial class SiteGrain
{
    private long _version;
    private bool _headerChanged;
    private TaskCompletionSource? _inFlight;
    private TaskCompletionSource? _next;
    private bool _failed;

    private bool HasUnsavedChanges => _headerChanged || _sessions.HasChanges;

    /// <summary>
    /// Completes once every change made so far (by this request or any before it) is stored; fails with
    /// <see cref="StorageUnavailableException"/> if that write failed.
    /// </summary>
    private Task CommitAsync()
    {
        if (_failed)
        {
            // Memory may be ahead of storage until the activation is gone: answer nothing from it.
            return Task.FromException(new StorageUnavailableException());
        }

        if (!HasUnsavedChanges)
        {
            // What this request saw may still be on its way to storage.
            return _inFlight?.Task ?? Task.CompletedTask;
        }

        if (_inFlight is not null)
        {
            return (_next ??= NewWrite()).Task;
        }

        // The loop may finish before it yields (a write with nothing left to store), clearing _inFlight: keep our own.
        var write = _inFlight = NewWrite();
        _ = WriteWhileChangedAsync();
        return write.Task;
    }

    private async Task WriteWhileChangedAsync()
    {
        while (_inFlight is { } write)
        {
            IReadOnlyList<(SessionId SessionId, SessionEndReason Reason)> notices;
            try
            {
                notices = await WriteChangesAsync();
            }
            catch (Exception ex)
            {
                Fail(ex);
                return;
            }

            write.SetResult();
            foreach (var (sessionId, reason) in notices)
            {
                Control(sessionId).EndAsync(reason).Ignore();
            }

            var now = clock.GetUtcNow();
            ScheduleExpiryTimer(now);
            KeepBackstop();

            // Every change of the count is stored before the history shows it.
            _activity.RecordActive(now, _sessions.Counted);

            _inFlight = _next;
            _next = null;
        }
    }

    /// <summary>Writes what changed since the last write; returns the end notices that write makes safe to send.</summary>
    private async Task<IReadOnlyList<(SessionId, SessionEndReason)>> WriteChangesAsync()
    {
        if (!_header.Listed)
        {
            // Once per site, before its first write; registering twice is harmless.
            await GrainFactory.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).RegisterAsync(SiteId);
            _header.Listed = true;
            _headerChanged = true;
        }

        // Taken in one turn, so the write holds exactly the changes made before this point.
        var (upserts, removals) = _sessions.TakeChanges();
        var changes = new SiteWrite(SiteId, _version, _headerChanged ? _header.Snapshot() : null, upserts, removals);
        _headerChanged = false;
        (SessionId, SessionEndReason)[] notices = [.. _unsentEndNotices];
        _unsentEndNotices.Clear();

        if (!changes.IsEmpty)
        {
            await store.WriteAsync(changes);
            _version++;
        }

        return notices;
    }

    private void Fail(Exception exception)
    {
        // This activation's memory is now ahead of storage. Drop it, so the next request starts again from what
        // storage holds, and fail every request whose changes were not stored: nothing of theirs was acknowledged.
        LogSaveFailed(exception, SiteId);
        _failed = true;
        _unsentEndNotices.Clear();
        DeactivateOnIdle();

        // Callers get one plain type for "not saved, try again", whatever the storage's own fault was.
        _inFlight?.SetException(new StorageUnavailableException());
        _next?.SetException(new StorageUnavailableException());
        _inFlight = null;
        _next = null;
    }

    private static TaskCompletionSource NewWrite() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
