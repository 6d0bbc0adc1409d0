using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionGrains.Server.Health;

/// <summary>
/// Runs <typeparamref name="TCheck"/> at most once per <see cref="Lifetime"/> and gives every caller in between the same
/// answer, so a flood of <c>/healthz</c> requests (load balancers, monitors, a careless script) costs one database
/// round-trip and one grain call a second. Callers that arrive while a check runs wait for that one rather than start
/// their own. A failure is cached as briefly as a success, so it shows within about a second.
/// </summary>
public sealed class CachedHealthCheck<TCheck>(TCheck check, TimeProvider clock) : IHealthCheck
    where TCheck : IHealthCheck
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _answer;
    private long _startedAt;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_answer is null || (_answer.IsCompleted && clock.GetElapsedTime(_startedAt) >= Lifetime))
            {
                _startedAt = clock.GetTimestamp();

                // Shared by every caller, so no one caller's abort may cancel it; the check bounds its own time.
                _answer = check.CheckHealthAsync(context, CancellationToken.None);
            }

            return _answer.WaitAsync(cancellationToken);
        }
    }
}
