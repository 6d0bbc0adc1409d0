using System.Net;
using Npgsql;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Api.Server;

/// <summary>The real server process answers /healthz according to its silo and its database.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task The_embedded_default_creates_its_database_and_reports_healthy()
    {
        using var data = new TempFolder("sessiongrains-server");
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__DataDirectory"] = data.Path,
        });
        using var client = new HttpClient { BaseAddress = server.Address };

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(data.Path, "sessiongrains.db")));
    }

    [Fact]
    public async Task On_PostgreSQL_it_reports_unhealthy_when_the_database_goes_away()
    {
        var storage = await TestStorage.CreateAsync(StorageKind.PostgreSql);
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__Storage"] = "PostgreSql",
            ["ConnectionStrings__SessionGrains"] = storage.ConnectionString,
            ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
        });
        using var client = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        var database = new NpgsqlConnectionStringBuilder(storage.ConnectionString).Database;
        await using (var admin = new NpgsqlConnection((await PostgresServer.GetAsync()).ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {database} WITH (FORCE);", admin);
            await drop.ExecuteNonQueryAsync();
        }

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_configuration_stops_the_server_at_start_up()
    {
        using var data = new TempFolder("sessiongrains-server");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__SiteDefaults__Limit"] = "-5",
            ["SessionGrains__DataDirectory"] = data.Path,
        }));

        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
    }
}
