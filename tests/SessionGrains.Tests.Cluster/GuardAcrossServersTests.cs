using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// The sign-in guard holds across the cluster: failures reported to different servers add up, and the block answers
/// on every server.
/// </summary>
[Collection(ServerClusterCollection.Name)]
public sealed class GuardAcrossServersTests(ServerCluster cluster)
{
    [Fact]
    public async Task Two_failures_on_one_server_and_two_on_another_block_the_address_on_every_server()
    {
        var servers = cluster.LiveAddresses;
        Assert.True(servers.Count >= 2, "The cluster fixture runs several servers.");
        var siteId = Sites.NewId();
        using var api = ServerCluster.Admin();
        using (var configured = await api.PutAsJsonAsync(new Uri(servers[0], $"/api/sites/{siteId}"), new { limit = 5 }))
        {
            Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        }

        foreach (var server in new[] { servers[0], servers[0], servers[1], servers[1] })
        {
            using var reported = await api.PostAsJsonAsync(new Uri(server, $"/api/sites/{siteId}/sign-in-attempts"), new { clientIp = "203.0.113.50", userId = "ann", succeeded = false });
            Assert.Equal(HttpStatusCode.NoContent, reported.StatusCode);
        }

        foreach (var server in servers)
        {
            using var check = await api.PostAsJsonAsync(new Uri(server, $"/api/sites/{siteId}/sign-in-attempts/check"), new { clientIp = "203.0.113.50", userId = "bob" });
            var problem = await check.AssertProblemAsync(HttpStatusCode.TooManyRequests, "sign_in_blocked");
            Assert.Equal("address", problem.GetProperty("scope").GetString());
        }
    }
}
