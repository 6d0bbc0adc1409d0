namespace SessionGrains.Batching;

/// <summary>
/// Group commit. Items that arrive while a flush is in flight go together in the next flush; each caller waits
/// for the flush that holds its item and gets that item's result; a failed flush fails exactly its callers. A
/// quiet moment's first item is flushed at once, alone, so grouping adds no waiting when the load is light, and a
/// busy moment makes a few large flushes instead of many small ones.
/// </summary>
/// <remarks>
/// A flush runs in the context of the call that starts it and continues there: in a grain, on the grain's own
/// scheduler, so a flush may read and change the grain's state. A component that many callers share passes
/// <paramref name="flushOn"/> (e.g. <see cref="TaskScheduler.Default"/>) so that its flushes never run on, or wait for,
/// whichever caller happened to start them.
/// </remarks>
/// <param name="flush">Stores one batch and returns one result per item, in the batch's order.</param>
/// <param name="maxBatchSize">The most items one flush takes; the rest wait for the next.</param>
/// <param name="maxFlushesInFlight">How many flushes may run at once, each with a batch of its own.</param>
/// <param name="exclusiveKey">When set, a batch holds at most one item per key (null keys excepted); a later item with the same key waits for the next flush.</param>
/// <param name="flushOn">Where flushes start; null to start them in the caller's context.</param>
/// <param name="failureOf">When set, says which results are failures: an item whose result it maps to an exception fails alone, with it.</param>
public sealed class GroupCommit<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> flush,
    int maxBatchSize = int.MaxValue,
    int maxFlushesInFlight = 1,
    Func<TItem, object?>? exclusiveKey = null,
    TaskScheduler? flushOn = null,
    Func<TItem, TResult, Exception?>? failureOf = null)
{
    private readonly int _maxBatchSize = maxBatchSize >= 1 ? maxBatchSize : throw new ArgumentOutOfRangeException(nameof(maxBatchSize));
    private readonly int _maxFlushesInFlight = maxFlushesInFlight >= 1 ? maxFlushesInFlight : throw new ArgumentOutOfRangeException(nameof(maxFlushesInFlight));
    private readonly Lock _lock = new();
    private readonly List<Task> _inFlight = [];
    private int _inFlightCount; // _inFlight.Count, readable without the lock
    private List<Pending> _queue = [];
    private int _flushers;

    /// <summary>
    /// Queues <paramref name="item"/> for the next flush and completes with its result once that flush is done.
    /// Cancelling before the flush takes the item withdraws it; once taken, it is flushed, and the task reports how.
    /// </summary>
    public Task<TResult> AddAsync(TItem item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        var pending = new Pending(item);
        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the item is queued, so a cancellation racing with this call is never missed.
            pending.Withdrawal = cancellationToken.Register(() => Withdraw(pending, cancellationToken));
        }

        bool startFlusher;
        lock (_lock)
        {
            if (pending.Withdrawn)
            {
                return pending.Result.Task;
            }

            _queue.Add(pending);
            startFlusher = _flushers < _maxFlushesInFlight;
            if (startFlusher)
            {
                _flushers++;
            }
        }

        if (startFlusher)
        {
            _ = flushOn is null
                ? FlushWhileQueuedAsync()
                : Task.Factory.StartNew(FlushWhileQueuedAsync, CancellationToken.None, TaskCreationOptions.DenyChildAttach, flushOn).Unwrap();
        }

        return pending.Result.Task;
    }

    /// <summary>Completes when the flushes in flight now are done, and fails if one of them failed; at once if none is.</summary>
    public Task WhenFlushedAsync()
    {
        // A site asks this on every refusal; while nothing is in flight (the common case) it takes no lock.
        if (Volatile.Read(ref _inFlightCount) == 0)
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            return _inFlight.Count switch
            {
                0 => Task.CompletedTask,
                1 => _inFlight[0],
                _ => Task.WhenAll([.. _inFlight]),
            };
        }
    }

    private async Task FlushWhileQueuedAsync()
    {
        while (Take() is { } batch)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _inFlight.Add(done.Task);
                Volatile.Write(ref _inFlightCount, _inFlight.Count);
            }

            try
            {
                // A plain array: the batch may cross the wire (a grain call), and every serializer knows arrays.
                var items = new TItem[batch.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = batch[i].Item;
                }

                // No ConfigureAwait(false): the flush loop stays in the context that started it (see the remarks).
                var results = await flush(items);
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A flush of {batch.Count} item(s) returned {results.Count} result(s).");
                }

                Finish(done);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (failureOf?.Invoke(batch[i].Item, results[i]) is { } failure)
                    {
                        batch[i].Result.TrySetException(failure);
                    }
                    else
                    {
                        batch[i].Result.TrySetResult(results[i]);
                    }
                }
            }
            catch (Exception ex)
            {
                Finish(done, ex);
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(ex);
                }
            }
        }
    }

    private List<Pending>? Take()
    {
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                _flushers--;
                return null;
            }

            List<Pending> batch;
            if (exclusiveKey is null)
            {
                var count = Math.Min(_queue.Count, _maxBatchSize);
                batch = _queue.GetRange(0, count);
                _queue.RemoveRange(0, count);
            }
            else
            {
                batch = [];
                var rest = new List<Pending>();
                var keys = new HashSet<object>();
                foreach (var pending in _queue)
                {
                    var key = exclusiveKey(pending.Item);
                    if (batch.Count < _maxBatchSize && (key is null || keys.Add(key)))
                    {
                        batch.Add(pending);
                    }
                    else
                    {
                        rest.Add(pending);
                    }
                }

                _queue = rest;
            }

            foreach (var pending in batch)
            {
                pending.Taken = true;
                pending.Withdrawal.Unregister();
            }

            return batch;
        }
    }

    private void Withdraw(Pending pending, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (pending.Taken)
            {
                return;
            }

            pending.Withdrawn = true;
            _queue.Remove(pending);
        }

        pending.Result.TrySetCanceled(cancellationToken);
    }

    private void Finish(TaskCompletionSource done, Exception? failure = null)
    {
        lock (_lock)
        {
            _inFlight.Remove(done.Task);
            Volatile.Write(ref _inFlightCount, _inFlight.Count);
        }

        if (failure is null)
        {
            done.SetResult();
        }
        else
        {
            done.SetException(failure);
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Withdrawal { get; set; }

        /// <summary>A flush holds it: it can no longer be withdrawn. Guarded by the lock, like <see cref="Withdrawn"/>.</summary>
        public bool Taken { get; set; }

        public bool Withdrawn { get; set; }
    }
}
