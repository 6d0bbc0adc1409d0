using System.Net;
using SessionGrains.Grains.Keys;

namespace SessionGrains.Tests.Api.Server;

/// <summary>A stranger's made-up keys cost the cluster no work: their ids fail their check digits in memory.</summary>
public sealed class MadeUpKeyTests
{
    [Fact]
    public async Task Ten_thousand_requests_with_made_up_site_keys_activate_no_grain()
    {
        using var data = new TempFolder("sessiongrains-made-up-keys");
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["SessionGrains__DataDirectory"] = data.Path,
            ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,

            // The limit on wrong keys per network would turn this flood away before authentication; what is measured
            // here is what each wrong key costs when it does get that far.
            ["SessionGrains__RateLimits__AuthFailuresPerMinute"] = "1000000",
        });
        await using var admin = await GatewayClient.ConnectAsync(server, ApiServer.AdminKey);
        using var http = new HttpClient { BaseAddress = server.Address };
        var siteId = Sites.NewId();
        using (var issued = await SendAsync(http, HttpMethod.Post, $"/api/sites/{siteId}/keys", ApiServer.AdminKey))
        {
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        }

        var keysBefore = await KeyGrainActivationsAsync(admin);
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            using var response = await SendAsync(http, HttpMethod.Get, $"/api/sites/{siteId}", SiteKeys.MadeUp());
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        });

        // A key's record is only ever read by its grain's activation: no activation, no storage read.
        Assert.Equal(keysBefore, await KeyGrainActivationsAsync(admin));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", key);
        return http.SendAsync(request);
    }

    private static async Task<int> KeyGrainActivationsAsync(GatewayClient admin)
    {
        var statistics = await admin.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(ApiKeyGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
