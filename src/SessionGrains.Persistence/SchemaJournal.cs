using System.Data;
using System.Data.Common;
using System.Globalization;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Postgresql;
using DbUp.Sqlite;
using DbUp.Support;

namespace SessionGrains.Persistence;

/// <summary>
/// DbUp's record of the scripts applied to a database, kept in the table that the hand-written installer of earlier
/// versions kept: <c>SessionGrainsSchema (Script, AppliedOn)</c>, one row per script file name, with the same columns,
/// names and time format.
/// </summary>
/// <remarks>
/// Why this table rather than DbUp's own (<c>schemaversions</c>), with the old rows moved into it:
/// <list type="bullet">
/// <item>An existing database upgrades with nothing to move: its rows already name the scripts as DbUp names them
/// (<see cref="SchemaScripts.Names"/>), so nothing is run again and no step can stop half-way between two journals.</item>
/// <item>During a rolling upgrade, silos of the previous version and of this one start against the same database; they
/// read and write one journal (and take turns under one lock, <see cref="PostgreSqlSchemaTurn"/>), so neither applies
/// what the other has, and rolling back to the previous version finds its journal up to date.</item>
/// <item>Operators and the deployment docs know this table.</item>
/// </list>
/// </remarks>
internal sealed class SchemaJournal(Func<IConnectionManager> connectionManager, Func<IUpgradeLog> log, StorageKind kind)
    : TableJournal(connectionManager, log, ObjectParser(kind), null, TableName)
{
    // Unquoted everywhere, as the old installer wrote it: PostgreSQL folds it to sessiongrainsschema, SQLite ignores
    // case. (DbUp would quote it, and on PostgreSQL "SessionGrainsSchema" is another table.)
    public const string TableName = "SessionGrainsSchema";

    protected override string CreateSchemaTableSql(string quotedPrimaryKeyName) =>
        $"CREATE TABLE IF NOT EXISTS {TableName} (Script varchar(200) NOT NULL PRIMARY KEY, AppliedOn varchar(40) NOT NULL);";

    protected override string DoesTableExistSql() => kind == StorageKind.PostgreSql
        ? $"SELECT CASE WHEN to_regclass('{TableName}') IS NULL THEN 0 ELSE 1 END;"
        : $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{TableName}' COLLATE NOCASE;";

    protected override string GetJournalEntriesSql() => $"SELECT Script FROM {TableName} ORDER BY Script;";

    // A row that is already there is left alone. On PostgreSQL silos take turns, so it never is; SQLite has no lock
    // across a whole run, so two servers started at once on one file may both apply a script (idempotent, each in a
    // write transaction of its own, one after the other): the script is still recorded once.
    protected override string GetInsertJournalEntrySql(string scriptName, string applied) =>
        $"INSERT INTO {TableName} (Script, AppliedOn) VALUES ({scriptName}, {applied}) ON CONFLICT (Script) DO NOTHING;";

    protected override IDbCommand GetInsertScriptCommand(Func<IDbCommand> dbCommandFactory, SqlScript script)
    {
        // DbUp binds its local time as a timestamp; the column holds UTC text in round-trip format, as it always has.
        var command = (DbCommand)dbCommandFactory();
        command.CommandText = GetInsertJournalEntrySql("@script", "@appliedOn");
        command.AddParameter("script", script.Name);
        command.AddParameter("appliedOn", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return command;
    }

    private static ISqlObjectParser ObjectParser(StorageKind kind) =>
        kind == StorageKind.PostgreSql ? new PostgresqlObjectParser() : new SqliteObjectParser();
}
