using Orleans.Runtime.Messaging;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// Two silos with TLS on both of their ports and client certificates required: they form one cluster over TLS, the
/// sample app signs a user in through it with its client certificate, and a silo or a client without a certificate
/// from the cluster's CA, or a client without TLS at all, is refused.
/// </summary>
[Collection(TlsClusterCollection.Name)]
public sealed class TlsTests(TlsCluster cluster, Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task Two_silos_form_one_cluster_over_TLS_and_the_sample_app_signs_a_user_in_with_its_client_certificate()
    {
        // Both silos active: each accepted the other's certificate, in both directions.
        using (var client = await cluster.ConnectAsync(cluster.ClientTls(cluster.WebCertificate)))
        {
            await Eventually.WaitForAsync(() => TlsCluster.ActiveSilosAsync(client), active => active == TlsCluster.Size, TimeSpan.FromSeconds(60));
        }

        var siteId = Sites.NewId();
        var siteKey = await SiteKeys.IssueAsync(cluster.Servers[0].Address, ApiServer.AdminKey, siteId);

        await using var web = await SampleWebProcess.StartAsync(siteId, siteKey, cluster.ClientSettings(cluster.Certificates.CaPath, cluster.WebCertificate));
        var alice = await chromium.NewPersonAsync();
        await alice.SignInAsync(web, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");
    }

    [Fact]
    public async Task A_silo_with_a_certificate_from_another_CA_cannot_join()
    {
        // The intruder trusts the cluster's CA as well as its own, so only the cluster's silos can keep it out.
        var bothAuthorities = Path.Combine(Path.GetDirectoryName(cluster.OtherAuthority.CaPath)!, "both-cas.pem");
        await File.WriteAllLinesAsync(bothAuthorities, [await File.ReadAllTextAsync(cluster.Certificates.CaPath), await File.ReadAllTextAsync(cluster.OtherAuthority.CaPath)]);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var joined = await cluster.StartSiloAsync(cluster.OtherAuthority.IssueSilo("intruder"), bothAuthorities);
        });

        // It gave up because no silo of the cluster would talk to it; the cluster goes on with its own two.
        Assert.Contains("Failed to get ping responses from", refused.Message, StringComparison.Ordinal);
        using var client = await cluster.ConnectAsync(cluster.ClientTls(cluster.WebCertificate));
        Assert.Equal(TlsCluster.Size, await TlsCluster.ActiveSilosAsync(client));
    }

    [Fact]
    public async Task A_client_without_a_certificate_from_the_cluster_CA_is_refused()
    {
        // The control: the same client with the web app's certificate is let in.
        using (var admitted = await cluster.ConnectAsync(cluster.ClientTls(cluster.WebCertificate)))
        {
            Assert.True(await TlsCluster.ActiveSilosAsync(admitted) >= 1);
        }

        await Assert.ThrowsAsync<ConnectionFailedException>(() => cluster.ConnectAsync(cluster.ClientTls(certificate: null)));
        await Assert.ThrowsAsync<ConnectionFailedException>(() => cluster.ConnectAsync(cluster.ClientTls(cluster.OtherAuthority.IssueClient("foreign"))));
    }

    [Fact]
    public async Task A_client_without_TLS_is_refused()
    {
        await Assert.ThrowsAsync<ConnectionFailedException>(() => cluster.ConnectAsync(tls: null));
    }
}
