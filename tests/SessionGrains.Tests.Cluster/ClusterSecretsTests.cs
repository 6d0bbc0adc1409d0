using System.Xml.Linq;
using Npgsql;

namespace SessionGrains.Tests.Cluster;

/// <summary>Silos log their configuration and every database fault, but never a secret.</summary>
[Collection(ServerClusterCollection.Name)]
public sealed class ClusterSecretsTests(ServerCluster cluster)
{
    [Fact]
    public void No_silo_logs_the_database_password_or_the_admin_key()
    {
        var output = cluster.AllOutput;

        Assert.Contains("Application started", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerCluster.DatabasePassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiServer.AdminKey, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_silo_logs_the_key_ring_s_keys()
    {
        var secrets = new List<string>();
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT Xml FROM SessionGrainsDataProtectionKeys;", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                secrets.AddRange(XElement.Parse(reader.GetString(0)).Descendants("value").Select(value => value.Value));
            }
        }

        Assert.NotEmpty(secrets);
        var output = cluster.AllOutput;
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, output, StringComparison.Ordinal));
    }
}
