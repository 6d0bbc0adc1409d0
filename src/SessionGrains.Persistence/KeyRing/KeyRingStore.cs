using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace SessionGrains.Persistence.KeyRing;

/// <summary>
/// Keeps ASP.NET Core Data Protection's key ring in the database the silos share
/// (deploy/sql: the data protection scripts), one row per key, under this deployment's service id: what one server
/// protects, every server reads, before and after a restart.
/// </summary>
/// <remarks>
/// Rows are only added, each with an id of its own, so servers that create their first key at the same moment
/// each keep theirs; the framework reads them all and settles on one. The interface is synchronous: the framework
/// calls it only when it loads or renews its key ring, not on each request. Key material is never logged.
/// </remarks>
public sealed partial class KeyRingStore(StorageTarget storage, string serviceId, ILogger<KeyRingStore> logger) : IXmlRepository
{
    // Apart from the schema's (PostgreSqlSchemaTurn.LockKey): a server may make its first key while another installs the schema.
    private const long TurnLockKey = 0x5E55_1026;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = storage.CreateConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Xml FROM SessionGrainsDataProtectionKeys WHERE ServiceId = @service ORDER BY Id;";
        command.AddParameter("@service", serviceId);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = storage.CreateConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO SessionGrainsDataProtectionKeys (ServiceId, FriendlyName, Xml) VALUES (@service, @name, @xml);";
        command.AddParameter("@service", serviceId);
        command.AddParameter("@name", friendlyName);
        command.AddParameter("@xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
        LogStored(friendlyName, storage);
    }

    /// <summary>
    /// Runs <paramref name="action"/> while no other server of this database runs its own: on PostgreSQL under an
    /// advisory lock held by a transaction of its own (released however it ends); SQLite serves a single server.
    /// </summary>
    public async Task TakeTurnAsync(Action action, CancellationToken cancellationToken)
    {
        if (storage.Kind != StorageKind.PostgreSql)
        {
            action();
            return;
        }

        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({TurnLockKey});", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        action();
        await transaction.CommitAsync(cancellationToken);
    }

    // The friendly name is the key's id ("key-<guid>"), never its material.
    [LoggerMessage(Level = LogLevel.Information, Message = "Stored data protection entry {FriendlyName} in {Database}")]
    private partial void LogStored(string friendlyName, StorageTarget database);
}
