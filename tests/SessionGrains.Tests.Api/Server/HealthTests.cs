using System.Net;
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

        await TestStorage.DropAsync(storage);
        var dropped = TimeProvider.System.GetTimestamp();

        // An answer from before the drop may be given for up to a second (CachedHealthCheck); then the failure shows.
        await Eventually.WaitForAsync(
            async () => (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable);
        Assert.InRange(TimeProvider.System.GetElapsedTime(dropped), TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_flood_of_health_requests_asks_the_database_about_once_a_second()
    {
        using var data = new TempFolder("sessiongrains-server");
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__DataDirectory"] = data.Path,
            ["Logging__LogLevel__SessionGrains.Server.Health"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        using var client = new HttpClient { BaseAddress = server.Address };
        var before = await DatabaseChecksUntilAsync(server, client);

        var started = TimeProvider.System.GetTimestamp();
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var checks = await DatabaseChecksUntilAsync(server, client) - before;

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.OK, "Healthy"), answer));
        Assert.InRange(checks, 0, 1 + (int)elapsed.TotalSeconds);
    }
    /// <summary>
    /// The database checks the server has logged so far. A request for a path of its own marks the log: once its line is
    /// there, so is every check logged before it (one logger, one queue, one pipe).
    /// </summary>
    private static async Task<int> DatabaseChecksUntilAsync(ServerProcess server, HttpClient client)
    {
        var marker = $"/marker-{Guid.NewGuid():N}";
        using (await client.GetAsync(new Uri(marker, UriKind.Relative)))
        {
        }

        var output = await Eventually.WaitForAsync(() => Task.FromResult(server.Output), text => text.Contains(marker, StringComparison.Ordinal));
        var logged = output[..output.IndexOf(marker, StringComparison.Ordinal)];
        return logged.Split("Health check: asking").Length - 1;
    }

    [Theory]
    [InlineData("SessionGrains__SiteDefaults__Limit", "-5", "SessionGrains:SiteDefaults:")]
    [InlineData("SessionGrains__EndedSessions__KeptPerSite", "0", "SessionGrains:EndedSessions:KeptPerSite")]
    public async Task Invalid_configuration_stops_the_server_at_start_up(string variable, string value, string named)
    {
        using var data = new TempFolder("sessiongrains-server");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(new Dictionary<string, string>
        {
            [variable] = value,
            ["SessionGrains__DataDirectory"] = data.Path,
        }));

        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
