using System.Net;
using System.Security.Cryptography;
using System.Text;
using SessionGrains.Grains.Keys;
using SessionGrains.Persistence;

namespace SessionGrains.Tests.Api.Server;

/// <summary>Site keys issued before key ids carried check digits keep working after the upgrade.</summary>
public sealed class LegacyKeyTests
{
    [Theory]
    [InlineData(StorageKind.Sqlite)]
    [InlineData(StorageKind.PostgreSql)]
    public async Task A_key_stored_before_the_server_started_works_though_its_id_has_no_check_digits(StorageKind kind)
    {
        using var data = new TempFolder("sessiongrains-legacy-keys");
        var environment = new Dictionary<string, string>
        {
            ["SessionGrains__DataDirectory"] = data.Path,
            ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
        };
        if (kind == StorageKind.PostgreSql)
        {
            environment["SessionGrains__Storage"] = "PostgreSql";
            environment["ConnectionStrings__SessionGrains"] = (await TestStorage.CreateAsync(kind)).ConnectionString;
        }

        var siteId = Sites.NewId();

        // A key as earlier versions issued it: a random id, stored by the key's grain.
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var secret = SiteKeys.NewSecret();
        var key = $"sgk_{keyId}_{secret}";
        await using (var server = await ServerProcess.StartAsync(environment))
        {
            await using var admin = await GatewayClient.ConnectAsync(server, ApiServer.AdminKey);
            await admin.Grains.GetGrain<IApiKeyGrain>(keyId).IssueAsync(siteId, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

            // Unknown to this server: its list of earlier keys was read as it started.
            Assert.Equal(HttpStatusCode.Unauthorized, await GetSiteAsync(server, siteId, key));
        }

        await using (var upgraded = await ServerProcess.StartAsync(environment))
        {
            Assert.Equal(HttpStatusCode.OK, await GetSiteAsync(upgraded, siteId, key));
            Assert.Equal(HttpStatusCode.Unauthorized, await GetSiteAsync(upgraded, siteId, $"sgk_{keyId}_{secret[..^1]}{(secret[^1] == 'A' ? 'B' : 'A')}"));
        }
    }

    private static async Task<HttpStatusCode> GetSiteAsync(ServerProcess server, string siteId, string key)
    {
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        using var response = await client.GetAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative));
        return response.StatusCode;
    }
}
