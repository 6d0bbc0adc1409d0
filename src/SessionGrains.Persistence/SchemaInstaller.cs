using System.Data.Common;
using System.Reflection;

namespace SessionGrains.Persistence;

/// <summary>
/// Brings a database up to the schema the server needs, by applying the scripts under deploy/sql
/// (embedded in the server) that it has not applied yet, in order, each in its own transaction.
/// </summary>
public sealed partial class SchemaInstaller(StorageTarget target, ILogger<SchemaInstaller> logger)
{
    private const string ResourcePrefix = "SessionGrains.Sql.";

    // Any fixed number: it serialises installers of one database, several silos starting at once.
    private const long PostgreSqlLockKey = 0x5E55_1025;

    private static Assembly ScriptAssembly => typeof(SchemaInstaller).Assembly;

    public static IReadOnlyList<string> ScriptNames(string dialect) =>
        [.. ScriptAssembly.GetManifestResourceNames()
            .Where(n => n.StartsWith($"{ResourcePrefix}{dialect}/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        await using var connection = target.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        if (target.Kind == StorageKind.Sqlite)
        {
            // Readers never wait for the writer, and commits are cheaper. Persistent; not allowed inside a transaction.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        }

        foreach (var resource in ScriptNames(target.Dialect))
        {
            var script = resource[(resource.LastIndexOf('/') + 1)..];
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (target.Kind == StorageKind.PostgreSql)
            {
                await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgreSqlLockKey});", cancellationToken);
            }

            await ExecuteAsync(
                connection,
                transaction,
                "CREATE TABLE IF NOT EXISTS SessionGrainsSchema (Script varchar(200) NOT NULL PRIMARY KEY, AppliedOn varchar(40) NOT NULL);",
                cancellationToken);

            if (await IsAppliedAsync(connection, transaction, script, cancellationToken))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, ReadScript(resource), cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO SessionGrainsSchema (Script, AppliedOn) VALUES (@script, @appliedOn);";
                record.AddParameter("script", script);
                record.AddParameter("appliedOn", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            LogApplied(script, target);
        }
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, string script, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM SessionGrainsSchema WHERE Script = @script;";
        command.AddParameter("script", script);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string ReadScript(string resource)
    {
        using var stream = ScriptAssembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Schema script {resource} is missing from the server.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Script} to {Database}")]
    private partial void LogApplied(string script, StorageTarget database);
}
