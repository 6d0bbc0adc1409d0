using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.Grains;

namespace SessionGrains.Server.Health;

/// <summary>Healthy when the co-hosted silo is active in its cluster and answers a grain call.</summary>
internal sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    // A site id no customer can have (ids may not contain '~'), so the probe never touches real data.
    private const string ProbeSiteId = "~healthz";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IHealthProbeGrain>(ProbeSiteId).PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The silo did not answer.", ex);
        }
    }
}
