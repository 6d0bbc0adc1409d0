using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// Behind a load balancer an operator's requests land on any server: a sign-in and a form token issued by one
/// server are good on every other (the key ring is in the database they share).
/// </summary>
[Collection(ServerClusterCollection.Name)]
public sealed class OperatorAcrossServersTests(ServerCluster cluster)
{
    [Fact]
    public async Task A_sign_in_and_a_form_token_from_one_server_work_on_every_other()
    {
        var servers = cluster.LiveAddresses;
        Assert.True(servers.Count >= 2, "The cluster fixture runs several servers.");
        var siteId = Sites.NewId();
        using var api = ServerCluster.Admin();
        using var opened = await api.PostAsJsonAsync(new Uri(servers[0], $"/api/sites/{siteId}/sessions"), new { userId = "ann" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var sessionId = (await opened.ReadJsonAsync()).GetProperty("sessionId").GetString()!;

        using var operatorClient = await OperatorPages.SignedInClientAsync(servers[0], ApiServer.AdminKey);
        var token = await OperatorPages.AntiforgeryTokenAsync(operatorClient, new Uri(servers[0], $"/admin/sites/{siteId}"));
        foreach (var server in servers)
        {
            var page = await operatorClient.GetStringAsync(new Uri(server, $"/admin/sites/{siteId}"));
            Assert.Contains($"data-session=\"{sessionId}\"", page, StringComparison.Ordinal);
        }

        using var kill = await operatorClient.PostAsync(
            new Uri(servers[^1], $"/admin/sites/{siteId}?handler=Kick"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["sessionId"] = sessionId, ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, kill.StatusCode);
        var site = await Eventually.WaitForAsync(
            async () => (await api.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri(servers[0], $"/api/sites/{siteId}"))).GetProperty("active").GetInt32(),
            active => active == 0);
        Assert.Equal(0, site);
    }
}
