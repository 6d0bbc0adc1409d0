using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Postgresql;
using Npgsql;

namespace SessionGrains.Persistence;

/// <summary>
/// Brings a database up to the schema the server needs: DbUp applies the scripts of deploy/sql (embedded in this
/// assembly, <see cref="SchemaScripts"/>) that its journal (<see cref="SchemaJournal"/>) does not list, in order, each
/// in a transaction of its own that also records it.
/// </summary>
public sealed partial class SchemaInstaller(StorageTarget target, ILogger<SchemaInstaller> logger)
{
    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        if (target.Kind == StorageKind.PostgreSql)
        {
            // Silos starting together take turns: the first applies what is missing, the others then find it recorded.
            await using var turn = await PostgreSqlSchemaTurn.TakeAsync(target, logger, cancellationToken);

            // A data source of our own, so that its connections close with this run instead of idling in a pool.
            await using var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
            await UpgradeAsync(DeployChanges.To.PostgresqlDatabase(new PostgresqlConnectionManager(dataSource)), cancellationToken);
        }
        else
        {
            await UseWriteAheadLogAsync(cancellationToken);

            // SQLite serves one silo; should two servers start on one file anyway, each script's transaction takes the
            // file's write lock first (Microsoft.Data.Sqlite begins IMMEDIATE), so they apply scripts one at a time and
            // never both change the schema at once (see SchemaJournal for what a script applied twice records).
            await UpgradeAsync(DeployChanges.To.SqliteDatabase(target.ConnectionString), cancellationToken);
        }
    }

    private async Task UpgradeAsync(UpgradeEngineBuilder builder, CancellationToken cancellationToken)
    {
        var upgrader = builder
            .WithScripts(SchemaScripts.Names(target.Dialect).Select(name => new SqlScript(name, SchemaScripts.Read(target.Dialect, name))))
            .JournalTo((connectionManager, log) => new SchemaJournal(connectionManager, log, target.Kind))
            .WithTransactionPerScript()

            // DbUp would read $name$ as a variable of its own, and the PostgreSQL scripts quote with $query$ and $function$.
            .WithVariablesDisabled()
            .LogTo(new DbUpLog(logger))
            .Build();
        upgrader.ScriptExecuted += (_, e) => LogApplied(((ScriptExecutedEventArgs)e).Script.Name, target);

        // DbUp only works synchronously: off the caller's thread, so the silo's start is not held by blocking calls.
        var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Applying schema script {result.ErrorScript?.Name ?? "(none: reading the journal)"} to {target.Describe()} failed.",
                result.Error);
        }

        if (!result.Scripts.Any())
        {
            LogUpToDate(target);
        }
    }

    private async Task UseWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        // Readers never wait for the writer, and commits are cheaper. Persistent; not allowed inside a transaction.
        await using var connection = target.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {Script} to {Database}")]
    private partial void LogApplied(string script, StorageTarget database);

    [LoggerMessage(Level = LogLevel.Information, Message = "The schema of {Database} is up to date")]
    private partial void LogUpToDate(StorageTarget database);
}
