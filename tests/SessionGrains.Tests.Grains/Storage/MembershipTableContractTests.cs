using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>
/// Our PostgreSQL membership schema (deploy/sql/postgresql/0003-clustering.sql) keeps the contract Orleans' ADO.NET
/// clustering relies on: silos change the table by optimistic concurrency, so of several silos racing with the
/// same table version exactly one wins, and a change quoting an old version changes nothing.
/// </summary>
public sealed class MembershipTableContractTests : IAsyncLifetime
{
    private readonly string _clusterId = $"contract-{Guid.NewGuid():N}";
    private StorageTarget _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = await TestStorage.CreateAsync(StorageKind.PostgreSql);
        await new SchemaInstaller(_storage, NullLogger<SchemaInstaller>.Instance).InstallAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Of_silos_racing_to_join_with_the_same_table_version_exactly_one_wins()
    {
        var table = await OpenTableAsync();
        var version = (await table.ReadAllAsync(CancellationToken.None)).Version;
        var insert = await QueryTextAsync("InsertMembershipKey");

        // Hold the version row, so that all eight joins are under way at once before any can finish. (They run the
        // provider's own query text straight through Npgsql: the provider's calls need not all be in flight at once.)
        await using var holder = new NpgsqlConnection(_storage.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @id FOR UPDATE;", holder, hold))
        {
            lockRow.Parameters.AddWithValue("id", _clusterId);
            await lockRow.ExecuteNonQueryAsync();
        }

        var joining = Enumerable.Range(0, 8).Select(i => JoinAsync(insert, Entry(11111 + i), version.Version)).ToList();
        await Eventually.WaitForAsync(WaitingForLocksAsync, waiting => waiting >= joining.Count);
        await hold.RollbackAsync();
        var joined = await Task.WhenAll(joining);

        Assert.Equal(1, joined.Count(won => won));
        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Single(after.Members);
        Assert.Equal(version.Version + 1, after.Version.Version);
    }

    [Fact]
    public async Task A_change_that_quotes_an_old_version_changes_nothing()
    {
        var table = await OpenTableAsync();
        var entry = Entry(11111);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var stale = (await table.ReadAllAsync(CancellationToken.None)).Version;
        Assert.True(await table.InsertRowAsync(Entry(11112), stale.Next(), CancellationToken.None));

        var (stored, etag) = (await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None)).Members.Single();
        stored.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRowAsync(stored, etag, stale.Next(), CancellationToken.None));
        Assert.Equal(SiloStatus.Active, (await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None)).Members.Single().Item1.Status);

        var current = (await table.ReadAllAsync(CancellationToken.None)).Version;
        Assert.True(await table.UpdateRowAsync(stored, etag, current.Next(), CancellationToken.None));
        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(SiloStatus.Dead, after.Members.Single(m => m.Item1.SiloAddress.Equals(entry.SiloAddress)).Item1.Status);
        Assert.Equal(current.Version + 1, after.Version.Version);
    }

    /// <summary>Sessions of this database waiting for a lock; asked on a connection of its own, outside any
    /// transaction (inside one, PostgreSQL keeps showing the statistics it first read).</summary>
    private async Task<long> WaitingForLocksAsync()
    {
        await using var connection = new NpgsqlConnection(_storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database();", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string> QueryTextAsync(string key)
    {
        await using var connection = new NpgsqlConnection(_storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key;", connection);
        command.Parameters.AddWithValue("key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>One silo's join, bound as the provider binds it; true when the query reports success.</summary>
    private async Task<bool> JoinAsync(string insert, MembershipEntry entry, int version)
    {
        await using var connection = new NpgsqlConnection(_storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(insert, connection);
        command.Parameters.AddWithValue("DeploymentId", _clusterId);
        command.Parameters.AddWithValue("Address", entry.SiloAddress.Endpoint.Address.ToString());
        command.Parameters.AddWithValue("Port", entry.SiloAddress.Endpoint.Port);
        command.Parameters.AddWithValue("Generation", entry.SiloAddress.Generation);
        command.Parameters.AddWithValue("SiloName", entry.SiloName);
        command.Parameters.AddWithValue("HostName", entry.HostName);
        command.Parameters.AddWithValue("Status", (int)entry.Status);
        command.Parameters.AddWithValue("ProxyPort", entry.ProxyPort);
        command.Parameters.AddWithValue("StartTime", entry.StartTime);
        command.Parameters.AddWithValue("IAmAliveTime", entry.IAmAliveTime);
        command.Parameters.AddWithValue("Version", version);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private async Task<IMembershipTable> OpenTableAsync()
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "contract" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = _storage.Invariant, ConnectionString = _storage.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        return table;
    }

    private static MembershipEntry Entry(int port) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1),
        SiloName = $"silo-{port}",
        HostName = "contract-host",
        Status = SiloStatus.Active,
        ProxyPort = port + 10000,
        StartTime = DateTime.UtcNow,
        IAmAliveTime = DateTime.UtcNow,
    };
}
