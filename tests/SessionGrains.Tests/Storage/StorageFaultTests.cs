using Npgsql;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Tests.Storage;

/// <summary>When the database refuses a write, the request fails and nothing it would have changed is acknowledged or kept.</summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(StorageKind.PostgreSql);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task An_admission_that_cannot_be_written_fails_and_leaves_no_seat_behind()
    {
        var site = _silo.Grains.GetSiteGrain(Sites.NewId());
        await site.UpdateSettingsAsync(new() { Limit = 2 });
        var kept = await site.AdmitAsync(Sites.User("ann"));

        await ExecuteAsync("ALTER TABLE OrleansStorage RENAME TO OrleansStorageAway;");
        await Assert.ThrowsAnyAsync<Exception>(() => site.OpenSessionAsync(Sites.User("bob")));
        await ExecuteAsync("ALTER TABLE OrleansStorageAway RENAME TO OrleansStorage;");

        var status = await site.GetStatusAsync();
        Assert.Equal(kept.SessionId, Assert.Single(status.Sessions).SessionId);
        var next = await site.AdmitAsync(Sites.User("cat"));
        Assert.Equal(2, next.Active);
        Assert.Equal(RefusalReason.SiteFull, (await site.RefuseAsync(Sites.User("dan"))).Reason);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_silo.Storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
