using System.Data.Common;
using System.Security.Cryptography;
using SessionGrains.Grains.Keys;

namespace SessionGrains.Persistence.Secrets;

/// <summary>Reads (and on first start creates) the cluster's secret, and lists the site keys already stored.</summary>
internal sealed class SecretStore(StorageTarget target, string serviceId)
{
    private const string ClusterSecretName = "cluster";

    public async Task<byte[]> ReadOrCreateClusterSecretAsync(CancellationToken cancellationToken)
    {
        await using var connection = target.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        // Silos starting together may both insert: the first row wins, and everyone reads that one.
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO SessionGrainsSecret (ServiceId, Name, Value, CreatedOn)
                VALUES (@ServiceId, @Name, @Value, @CreatedOn)
                ON CONFLICT (ServiceId, Name) DO NOTHING;
                """;
            AddKey(insert);
            insert.AddParameter("@Value", RandomNumberGenerator.GetBytes(32));
            insert.AddParameter("@CreatedOn", target.Kind == StorageKind.Sqlite ? DateTimeOffset.UtcNow.ToString("O") : DateTimeOffset.UtcNow);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT Value FROM SessionGrainsSecret WHERE ServiceId = @ServiceId AND Name = @Name;";
        AddKey(select);
        return await select.ExecuteScalarAsync(cancellationToken) as byte[] is { Length: 32 } secret
            ? secret
            : throw new InvalidOperationException($"The cluster secret in {target.Describe()} (table SessionGrainsSecret) is not 32 bytes long.");
    }

    /// <summary>The ids of every site key in grain storage, revoked ones included.</summary>
    public async Task<IReadOnlySet<string>> ReadSiteKeyIdsAsync(CancellationToken cancellationToken)
    {
        await using var connection = target.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT GrainIdN0, GrainIdN1 FROM OrleansStorage
            WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName;
            """;
        select.AddParameter("@ServiceId", serviceId);
        select.AddParameter("@StateName", ApiKeyGrain.StateName);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(KeyIdOf(reader.GetInt64(0), reader.GetInt64(1)));
        }

        return ids;
    }

    /// <summary>
    /// A key id is 32 hex digits, which the Orleans storage provider reads as a Guid and stores as its two halves
    /// (GrainIdN0, GrainIdN1, in the byte order of <see cref="Guid.ToByteArray()"/>); this puts them back together.
    /// </summary>
    private static string KeyIdOf(long n0, long n1)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, n0);
        BitConverter.TryWriteBytes(bytes[8..], n1);
        return new Guid(bytes).ToString("N");
    }

    private void AddKey(DbCommand command)
    {
        command.AddParameter("@ServiceId", serviceId);
        command.AddParameter("@Name", ClusterSecretName);
    }
}
