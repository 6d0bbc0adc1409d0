using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionGrains.Persistence;

namespace SessionGrains.Server.Health;

/// <summary>Healthy when the database answers and holds the Orleans query table.</summary>
internal sealed partial class StorageHealthCheck(StorageTarget storage, ILogger<StorageHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Each check is a database round-trip; at Debug the log shows how often they happen.
        LogAsking();
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health check: asking the database")]
    private partial void LogAsking();
}
