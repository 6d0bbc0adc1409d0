using SessionGrains.Batching;

namespace SessionGrains.Tests.Unit.Batching;

/// <summary>
/// The group-commit primitive on its own. Every flush waits until the test lets it finish, so what goes in which
/// batch is decided by the test, not by timing.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task The_first_item_is_flushed_at_once_and_items_arriving_meanwhile_go_together_in_the_next_flush()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync);

        var first = commit.AddAsync(1);
        var second = commit.AddAsync(2);
        var third = commit.AddAsync(3);

        Assert.Equal([[1]], flushes.Batches);
        flushes.FinishNext();
        Assert.Equal("1", await first);
        await flushes.StartedAsync(2);
        Assert.Equal([[1], [2, 3]], flushes.Batches);
        Assert.False(second.IsCompleted);
        flushes.FinishNext();
        Assert.Equal(["2", "3"], await Task.WhenAll(second, third));
    }

    [Fact]
    public async Task A_flush_starts_inside_the_call_that_queues_a_quiet_moments_first_item()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync);

        var added = commit.AddAsync(7);

        // A grain relies on this: its flush takes the changes made in the same turn.
        Assert.Equal([[7]], flushes.Batches);
        flushes.FinishNext();
        Assert.Equal("7", await added);
    }

    [Fact]
    public async Task A_failed_flush_fails_exactly_its_callers_and_the_next_flush_goes_on()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync);

        var first = commit.AddAsync(1);
        var second = commit.AddAsync(2);
        var third = commit.AddAsync(3);
        flushes.FinishNext();
        await first;
        await flushes.StartedAsync(2);
        var fourth = commit.AddAsync(4);
        flushes.FailNext(new InvalidOperationException("disk full"));

        Assert.Equal("disk full", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Equal("disk full", (await Assert.ThrowsAsync<InvalidOperationException>(() => third)).Message);
        await flushes.StartedAsync(3);
        flushes.FinishNext();
        Assert.Equal("4", await fourth);
        Assert.Equal([[1], [2, 3], [4]], flushes.Batches);
    }

    [Fact]
    public async Task A_flush_takes_at_most_the_batch_size_in_arrival_order()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync, maxBatchSize: 2);

        var all = Enumerable.Range(1, 6).Select(i => commit.AddAsync(i)).ToList();
        for (var flush = 1; flush <= 4; flush++)
        {
            await flushes.StartedAsync(flush);
            flushes.FinishNext();
        }

        Assert.Equal(["1", "2", "3", "4", "5", "6"], await Task.WhenAll(all));
        Assert.Equal([[1], [2, 3], [4, 5], [6]], flushes.Batches);
    }

    [Fact]
    public async Task Items_with_the_same_exclusive_key_never_share_a_flush()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync, exclusiveKey: i => i % 10);

        var all = new[] { 1, 11, 2, 21, 3, 12 }.Select(i => commit.AddAsync(i)).ToList();
        for (var flush = 1; flush <= 3; flush++)
        {
            await flushes.StartedAsync(flush);
            flushes.FinishNext();
        }

        Assert.Equal(["1", "11", "2", "21", "3", "12"], await Task.WhenAll(all));
        Assert.Equal([[1], [11, 2, 3], [21, 12]], flushes.Batches);
    }

    [Fact]
    public async Task Several_flushes_may_be_in_flight_each_with_a_batch_of_its_own()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync, maxFlushesInFlight: 2);

        var first = commit.AddAsync(1);
        var second = commit.AddAsync(2);
        var third = commit.AddAsync(3);
        var fourth = commit.AddAsync(4);

        Assert.Equal([[1], [2]], flushes.Batches);
        flushes.FinishNext();
        await first;
        await flushes.StartedAsync(3);
        Assert.Equal([3, 4], flushes.Batches[2]);
        flushes.FinishNext();
        flushes.FinishNext();
        Assert.Equal(["2", "3", "4"], await Task.WhenAll(second, third, fourth));
    }

    [Fact]
    public async Task An_item_cancelled_before_its_flush_is_withdrawn_and_one_cancelled_after_is_still_flushed()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync);
        using var tooLate = new CancellationTokenSource();
        using var inTime = new CancellationTokenSource();

        var first = commit.AddAsync(1, tooLate.Token);
        var withdrawn = commit.AddAsync(2, inTime.Token);
        var third = commit.AddAsync(3);
        await tooLate.CancelAsync();
        await inTime.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        flushes.FinishNext();
        Assert.Equal("1", await first);
        await flushes.StartedAsync(2);
        flushes.FinishNext();
        Assert.Equal("3", await third);
        Assert.Equal([[1], [3]], flushes.Batches);
        Assert.True(commit.AddAsync(4, inTime.Token).IsCanceled);
    }

    [Fact]
    public async Task Waiting_for_the_flush_in_flight_follows_its_outcome_and_returns_at_once_when_none_is()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(flushes.FlushAsync);
        Assert.True(commit.WhenFlushedAsync().IsCompletedSuccessfully);

        var first = commit.AddAsync(1);
        var flushed = commit.WhenFlushedAsync();
        Assert.False(flushed.IsCompleted);
        flushes.FinishNext();
        await flushed;
        await first;

        var second = commit.AddAsync(2);
        var failed = commit.WhenFlushedAsync();
        flushes.FailNext(new TimeoutException());
        await Assert.ThrowsAsync<TimeoutException>(() => failed);
        await Assert.ThrowsAsync<TimeoutException>(() => second);
        Assert.True(commit.WhenFlushedAsync().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_result_the_commit_maps_to_a_failure_fails_that_item_alone()
    {
        var flushes = new HeldFlushes();
        var commit = new GroupCommit<int, string>(
            flushes.FlushAsync,
            failureOf: (item, _) => item == 2 ? new InvalidOperationException($"item {item} refused") : null);

        var first = commit.AddAsync(1);
        var second = commit.AddAsync(2);
        var third = commit.AddAsync(3);
        flushes.FinishNext();
        await first;
        await flushes.StartedAsync(2);
        flushes.FinishNext();

        Assert.Equal("item 2 refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
        Assert.Equal("3", await third);
        Assert.Equal([[1], [2, 3]], flushes.Batches);
    }

    [Fact]
    public async Task A_flush_that_returns_the_wrong_number_of_results_fails_its_callers()
    {
        var commit = new GroupCommit<int, string>(_ => Task.FromResult<IReadOnlyList<string>>([]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.AddAsync(1));
    }

    /// <summary>A flush that records its batch and completes only when the test says so, in the order flushes started.</summary>
    private sealed class HeldFlushes
    {
        private readonly Lock _lock = new();
        private readonly List<TaskCompletionSource<IReadOnlyList<string>>> _held = [];
        private readonly List<TaskCompletionSource> _started = [];
        private int _finished;

        public List<int[]> Batches { get; } = [];

        public Task<IReadOnlyList<string>> FlushAsync(IReadOnlyList<int> batch)
        {
            var held = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                Batches.Add([.. batch]);
                _held.Add(held);
                StartedSignal(Batches.Count).TrySetResult();
            }

            return held.Task;
        }

        /// <summary>Completes once <paramref name="count"/> flushes have started.</summary>
        public Task StartedAsync(int count)
        {
            lock (_lock)
            {
                return StartedSignal(count).Task;
            }
        }

        public void FinishNext()
        {
            var (held, batch) = Next();
            held.SetResult([.. batch.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }

        public void FailNext(Exception failure) => Next().Held.SetException(failure);

        private (TaskCompletionSource<IReadOnlyList<string>> Held, int[] Batch) Next()
        {
            lock (_lock)
            {
                var i = _finished++;
                return (_held[i], Batches[i]);
            }
        }

        private TaskCompletionSource StartedSignal(int count)
        {
            while (_started.Count < count)
            {
                _started.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _started[count - 1];
        }
    }
}
