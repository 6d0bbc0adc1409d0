using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.Persistence;

namespace SessionGrains.Server.Health;

/// <summary>Healthy when the database answers and holds the Orleans query table.</summary>
internal sealed class StorageHealthCheck(StorageTarget storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = storage.CreateConnection();
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM OrleansQuery;";
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy(storage.Describe());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{storage.Describe()} did not answer.", ex);
        }
    }
}
