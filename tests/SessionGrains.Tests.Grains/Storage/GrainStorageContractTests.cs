using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Grains.Storage;

/// <summary>
/// Our schema scripts against the real Orleans ADO.NET provider: read, write, optimistic concurrency,
/// clear, on both databases.
/// </summary>
public abstract class GrainStorageContractTests(SiloFixture fixture)
{
    private IGrainStorage Storage =>
        fixture.Silo.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);

    [Fact]
    public async Task A_state_never_written_reads_as_empty()
    {
        var state = new GrainState<Probe>();

        await Storage.ReadStateAsync("probe", NewGrainId(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Null(state.State!.Text);
    }

    [Fact]
    public async Task Written_state_reads_back_with_its_version()
    {
        var id = NewGrainId();
        var written = new GrainState<Probe>(new Probe { Text = "first" });

        await Storage.WriteStateAsync("probe", id, written);
        written.State = new Probe { Text = "second" };
        await Storage.WriteStateAsync("probe", id, written);
        var read = new GrainState<Probe>();
        await Storage.ReadStateAsync("probe", id, read);

        Assert.True(read.RecordExists);
        Assert.Equal("second", read.State!.Text);
        Assert.Equal("2", read.ETag);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task A_write_with_a_stale_version_is_refused_and_changes_nothing()
    {
        var id = NewGrainId();
        var first = new GrainState<Probe>(new Probe { Text = "first" });
        await Storage.WriteStateAsync("probe", id, first);
        var stale = new GrainState<Probe>(new Probe { Text = "stale" }) { ETag = first.ETag };
        first.State = new Probe { Text = "newer" };
        await Storage.WriteStateAsync("probe", id, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("probe", id, stale));
        var creatingAgain = new GrainState<Probe>(new Probe { Text = "duplicate" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("probe", id, creatingAgain));

        var read = new GrainState<Probe>();
        await Storage.ReadStateAsync("probe", id, read);
        Assert.Equal("newer", read.State!.Text);
    }

    [Fact]
    public async Task Clearing_empties_the_state_and_keeps_versioning()
    {
        var id = NewGrainId();
        var state = new GrainState<Probe>(new Probe { Text = "doomed" });
        await Storage.WriteStateAsync("probe", id, state);

        await Storage.ClearStateAsync("probe", id, state);
        var read = new GrainState<Probe>();
        await Storage.ReadStateAsync("probe", id, read);

        Assert.Null(read.State!.Text);
        Assert.False(read.RecordExists);
        state.State = new Probe { Text = "reborn" };
        await Storage.WriteStateAsync("probe", id, state);
        await Storage.ReadStateAsync("probe", id, read);
        Assert.Equal("reborn", read.State!.Text);
    }

    [Fact]
    public async Task Grains_with_the_same_key_but_different_extensions_are_kept_apart()
    {
        var key = Guid.NewGuid();
        var a = GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateGuidKey(key, "site-a"));
        var b = GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateGuidKey(key, "site-b"));

        await Storage.WriteStateAsync("probe", a, new GrainState<Probe>(new Probe { Text = "a" }));
        await Storage.WriteStateAsync("probe", b, new GrainState<Probe>(new Probe { Text = "b" }));

        var read = new GrainState<Probe>();
        await Storage.ReadStateAsync("probe", a, read);
        Assert.Equal("a", read.State!.Text);
        await Storage.ReadStateAsync("probe", b, read);
        Assert.Equal("b", read.State!.Text);
    }

    [Fact]
    public async Task Installing_the_schema_again_changes_nothing()
    {
        var rows = await StorageProbe.RowCountAsync(fixture.Silo.Storage);
        var installer = new SchemaInstaller(fixture.Silo.Storage, Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaInstaller>.Instance);

        await installer.InstallAsync(CancellationToken.None);

        Assert.Equal(rows, await StorageProbe.RowCountAsync(fixture.Silo.Storage));
        string[] expected = fixture.Silo.Storage.Kind == StorageKind.PostgreSql
            ? ["0001-orleans-queries.sql", "0002-grain-storage.sql", "0003-clustering.sql", "0004-reminders.sql", "0005-site-state.sql", "0006-data-protection.sql", "0007-cluster-secret.sql", "0008-ended-sessions-per-site.sql", "0009-waiting-lines.sql", "0010-site-usage.sql"]
            : ["0001-orleans-queries.sql", "0002-grain-storage.sql", "0003-site-state.sql", "0004-data-protection.sql", "0005-cluster-secret.sql", "0006-ended-sessions-per-site.sql", "0007-waiting-lines.sql", "0008-site-usage.sql"];
        Assert.Equal(expected, SchemaScripts.Names(fixture.Silo.Storage.Dialect));
    }

    [Fact]
    public async Task Every_script_can_be_run_again_by_hand()
    {
        // A DBA may apply deploy/sql with psql or sqlite3 before the first start, or twice: nothing may fail or change.
        var rows = await StorageProbe.RowCountAsync(fixture.Silo.Storage);
        await using var connection = fixture.Silo.Storage.CreateConnection();
        await connection.OpenAsync();
        foreach (var script in SchemaScripts.Names(fixture.Silo.Storage.Dialect))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SchemaScripts.Read(fixture.Silo.Storage.Dialect, script);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(rows, await StorageProbe.RowCountAsync(fixture.Silo.Storage));
    }

    private static GrainId NewGrainId() => GrainId.Create("probe", Guid.NewGuid().ToString("N"));
}

[GenerateSerializer]
public sealed record Probe
{
    [Id(0)]
    public string? Text { get; init; }
}

public sealed class GrainStorageContractTestsOnSqlite(SqliteSiloFixture fixture) : GrainStorageContractTests(fixture), IClassFixture<SqliteSiloFixture>;

public sealed class GrainStorageContractTestsOnPostgreSql(PostgreSqlSiloFixture fixture) : GrainStorageContractTests(fixture), IClassFixture<PostgreSqlSiloFixture>;
