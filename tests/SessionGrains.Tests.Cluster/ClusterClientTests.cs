using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// The sample web app as an external Orleans client of the three-silo cluster: it finds the gateways through the
/// PostgreSQL membership table, and refuses sign-ins it cannot seat while the database is down (fail-closed).
/// </summary>
[Collection(ServerClusterCollection.Name)]
public sealed class ClusterClientTests(ServerCluster cluster, Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task The_sample_app_signs_users_in_through_the_membership_table_and_refuses_them_while_the_database_is_down()
    {
        var (siteId, key) = await cluster.NewSiteAsync(new { limit = 2, idleTimeoutSeconds = 600 });

        await using var web = await SampleWebProcess.StartAsync(siteId, key, cluster.ClientSettings);
        var alice = await chromium.NewPersonAsync();
        await alice.SignInAsync(web, "alice");
        await Expect(alice.Locator("#signed-in-user")).ToHaveTextAsync("alice");

        var bob = await chromium.NewPersonAsync();
        await cluster.Database.StopAsync();
        try
        {
            await bob.SignInAsync(web, "bob");
            await Expect(bob.Locator("#refusal-message")).ToHaveTextAsync("Signing in is not possible right now. Please try again in a moment.");
            Assert.DoesNotContain(await bob.Context.CookiesAsync(), c => c.Name == "SampleWeb.Auth");
        }
        finally
        {
            await cluster.Database.StartAgainAsync();
        }

        // Nothing was lost: alice is still signed in, and bob gets the second seat once the database is back.
        await bob.SignInAsync(web, "bob");
        await Expect(bob.Locator("#signed-in-user")).ToHaveTextAsync("bob");
        await alice.ReloadAsync();
        await Expect(alice.Locator("#who .user")).ToHaveTextAsync(["alice", "bob"]);
    }
}
