using System.Net;
using System.Net.Http.Headers;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Tests.Api;

/// <summary>Where the admin key comes from when the operator did not configure one.</summary>
public sealed class AdminKeyTests
{
    [Fact]
    public async Task The_embedded_default_generates_a_private_key_file_and_logs_only_where_it_is()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"sessiongrains-key-{Guid.NewGuid():N}");
        try
        {
            string key;
            await using (var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["SessionGrains__DataDirectory"] = dataDirectory }))
            {
                var path = Path.Combine(dataDirectory, "admin-api-key");
                key = (await File.ReadAllTextAsync(path)).Trim();
                Assert.True(key.Length >= 40);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
                Assert.Contains(path, server.Output, StringComparison.Ordinal);
                Assert.DoesNotContain(key, server.Output, StringComparison.Ordinal);

                using var client = new HttpClient { BaseAddress = server.Address };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/sites", UriKind.Relative))).StatusCode);
            }

            // A restart keeps the same key.
            await using (var restarted = await ServerProcess.StartAsync(new Dictionary<string, string> { ["SessionGrains__DataDirectory"] = dataDirectory }))
            {
                using var client = new HttpClient { BaseAddress = restarted.Address };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/sites", UriKind.Relative))).StatusCode);
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_configured_key_read_from_a_file_with_a_trailing_newline_still_works()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"sessiongrains-key-{Guid.NewGuid():N}");
        try
        {
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
            {
                ["SessionGrains__DataDirectory"] = dataDirectory,
                ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey + "\n",
            });
            using var client = new HttpClient { BaseAddress = server.Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiServer.AdminKey);

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/sites", UriKind.Relative))).StatusCode);
            Assert.False(File.Exists(Path.Combine(dataDirectory, "admin-api-key")));
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
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
}
