using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using SessionGrains.Server.Health;

namespace SessionGrains.Tests.Unit.Server;

/// <summary>A health check asked often runs at most once a second; its answer, good or bad, lasts that second only.</summary>
public sealed class CachedHealthCheckTests
{
    private readonly FakeTimeProvider _clock = new(TestSilo.Epoch);
    private readonly GatedCheck _inner = new();

    [Fact]
    public async Task Callers_within_a_second_share_one_check_and_a_failure_shows_when_the_second_is_over()
    {
        var cached = new CachedHealthCheck<GatedCheck>(_inner, _clock);
        _inner.Open(HealthStatus.Healthy);

        var flood = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cached.CheckHealthAsync(Context())));
        Assert.All(flood, result => Assert.Equal(HealthStatus.Healthy, result.Status));
        Assert.Equal(1, _inner.Runs);

        _inner.Open(HealthStatus.Unhealthy);
        _clock.Advance(CachedHealthCheck<GatedCheck>.Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal(HealthStatus.Healthy, (await cached.CheckHealthAsync(Context())).Status);
        Assert.Equal(1, _inner.Runs);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HealthStatus.Unhealthy, (await cached.CheckHealthAsync(Context())).Status);
        Assert.Equal(2, _inner.Runs);
    }

    [Fact]
    public async Task Callers_during_a_slow_check_wait_for_it_and_one_giving_up_cancels_it_for_no_one_else()
    {
        var cached = new CachedHealthCheck<GatedCheck>(_inner, _clock);
        using var impatient = new CancellationTokenSource();

        var gaveUp = cached.CheckHealthAsync(Context(), impatient.Token);
        var waiting = Enumerable.Range(0, 10).Select(_ => cached.CheckHealthAsync(Context())).ToList();
        await impatient.CancelAsync();
        // A check still running after its second is still the one to wait for: no second one starts beside it.
        _clock.Advance(TimeSpan.FromSeconds(5));
        waiting.Add(cached.CheckHealthAsync(Context()));
        _inner.Open(HealthStatus.Healthy);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        Assert.All(await Task.WhenAll(waiting), result => Assert.Equal(HealthStatus.Healthy, result.Status));
        Assert.Equal(1, _inner.Runs);
    }

    private HealthCheckContext Context() => new() { Registration = new HealthCheckRegistration("storage", _inner, null, null) };

    /// <summary>A check that answers once opened, counting its runs.</summary>
    public sealed class GatedCheck : IHealthCheck
    {
        private TaskCompletionSource<HealthStatus> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Runs { get; private set; }

        public void Open(HealthStatus status)
        {
            if (!_gate.TrySetResult(status))
            {
                _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _gate.SetResult(status);
            }
        }

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Runs++;
            return new HealthCheckResult(await _gate.Task.WaitAsync(cancellationToken));
        }
    }
}
