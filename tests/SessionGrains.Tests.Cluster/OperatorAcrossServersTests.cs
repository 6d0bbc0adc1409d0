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

    [Fact]
    public async Task A_restart_of_every_server_keeps_operators_signed_in_and_their_form_tokens_good()
    {
        var siteId = Sites.NewId();
        using var api = ServerCluster.Admin();
        using var opened = await api.PostAsJsonAsync(new Uri(cluster.LiveAddresses[0], $"/api/sites/{siteId}/sessions"), new { userId = "ann" });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var sessionId = (await opened.ReadJsonAsync()).GetProperty("sessionId").GetString()!;
        using var operatorClient = await OperatorPages.SignedInClientAsync(cluster.LiveAddresses[0], ApiServer.AdminKey);
        var token = await OperatorPages.AntiforgeryTokenAsync(operatorClient, new Uri(cluster.LiveAddresses[0], $"/admin/sites/{siteId}"));

        // One after another, as a rolling upgrade does: afterwards no process that issued the cookie is left.
        for (var i = 0; i < ServerCluster.Size; i++)
        {
            await cluster.StopAsync(i);
            await cluster.StartAsync(i);
        }

        foreach (var server in cluster.LiveAddresses)
        {
            using var page = await operatorClient.GetAsync(new Uri(server, $"/admin/sites/{siteId}"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var kick = await operatorClient.PostAsync(
            new Uri(cluster.LiveAddresses[^1], $"/admin/sites/{siteId}?handler=Kick"),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["sessionId"] = sessionId, ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, kick.StatusCode);
    }
}
