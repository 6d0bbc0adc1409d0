using Npgsql;

namespace SessionGrains.Persistence;

/// <summary>
/// One silo's turn at applying the schema to a PostgreSQL database: a session-level advisory lock, held on a connection
/// of its own for the whole DbUp run, from reading the journal to recording the last script. DbUp takes no lock itself,
/// and its connection is its own, in and out of a transaction per script, so the lock cannot live there.
/// </summary>
internal sealed partial class PostgreSqlSchemaTurn : IAsyncDisposable
{
    /// <summary>
    /// The key the hand-written installer of earlier versions took (per script, with pg_advisory_xact_lock): session and
    /// transaction locks on one key exclude each other, so during a rolling upgrade an old silo and a new one starting
    /// together take turns too.
    /// </summary>
    public const long LockKey = 0x5E55_1025;

    private readonly NpgsqlConnection _connection;

    private PostgreSqlSchemaTurn(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Waits until no other silo is applying the schema (at most the connection's command timeout).</summary>
    public static async Task<PostgreSqlSchemaTurn> TakeAsync(StorageTarget target, ILogger logger, CancellationToken cancellationToken)
    {
        // Not pooled: closing the connection ends the session, and the lock with it, whatever went wrong. A pooled
        // connection would go on holding the lock, idle in the pool, until its next user reset it.
        var connectionString = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Pooling = false }.ConnectionString;
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!await TryLockAsync(connection, cancellationToken))
            {
                LogWaiting(logger, target);
                await LockAsync(connection, cancellationToken);
            }

            return new PostgreSqlSchemaTurn(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the session, which releases the lock.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey});", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey});", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Another silo is applying the schema to {Database}; waiting for its turn")]
    private static partial void LogWaiting(ILogger logger, StorageTarget database);
}
