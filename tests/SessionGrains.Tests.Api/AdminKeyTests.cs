using System.Net;
using System.Net.Http.Headers;
using SessionGrains.Persistence;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Tests.Api;

/// <summary>Where the admin key comes from when the operator did not configure one.</summary>
public sealed class AdminKeyTests
{
    [Fact]
    public async Task The_embedded_default_generates_a_private_key_file_and_logs_only_where_it_is()
    {
        using var data = new TempFolder("sessiongrains-key");
        var path = Path.Combine(data.Path, "admin-api-key");
        string key;
        await using (var server = await StartAsync(data))
        {
            key = (await File.ReadAllTextAsync(path)).Trim();
            Assert.True(key.Length >= 40);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            await server.WaitForOutputAsync(path);
            Assert.DoesNotContain(key, server.Output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, await ListSitesAsync(server, key));
        }

        // A restart keeps the same key.
        await using var restarted = await StartAsync(data);
        Assert.Equal(HttpStatusCode.OK, await ListSitesAsync(restarted, key));
    }

    [Fact]
    public async Task A_configured_key_read_from_a_file_with_a_trailing_newline_still_works()
    {
        using var data = new TempFolder("sessiongrains-key");

        await using var server = await StartAsync(data, ApiServer.AdminKey + "\n");

        Assert.Equal(HttpStatusCode.OK, await ListSitesAsync(server, ApiServer.AdminKey));
        Assert.False(File.Exists(Path.Combine(data.Path, "admin-api-key")));
    }

    [Theory]
    [InlineData(StorageKind.PostgreSql, null, "AdminApiKey must be set when storage is PostgreSQL")]
    [InlineData(StorageKind.Sqlite, "too-short", "AdminApiKey must be 32 to 256 characters")]
    [InlineData(StorageKind.Sqlite, "an admin key with spaces inside it, long enough", "AdminApiKey must be 32 to 256 characters, without spaces")]
    public void A_missing_or_weak_configured_key_is_refused_at_start_up(StorageKind storage, string? adminApiKey, string failure)
    {
        var options = new SessionGrainsOptions { Storage = storage, AdminApiKey = adminApiKey };

        var result = new SessionGrainsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(failure, result.FailureMessage, StringComparison.Ordinal);
    }

    private static Task<ServerProcess> StartAsync(TempFolder data, string? adminApiKey = null)
    {
        var environment = new Dictionary<string, string> { ["SessionGrains__DataDirectory"] = data.Path };
        if (adminApiKey is not null)
        {
            environment["SessionGrains__AdminApiKey"] = adminApiKey;
        }

        return ServerProcess.StartAsync(environment);
    }

    private static async Task<HttpStatusCode> ListSitesAsync(ServerProcess server, string key)
    {
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.GetAsync(new Uri("/api/sites", UriKind.Relative));
        return response.StatusCode;
    }
}
