using System.Net;
using System.Reflection;
using SessionGrains.Grains.Keys;

namespace SessionGrains.Tests.Api.Server;

/// <summary>
/// The tenant boundary on the gateway: an Orleans client acts with a key, and may do what that key may do over HTTP,
/// nothing more. Every method of every grain interface is tried, found by reflection, so a new one cannot slip by.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class OrleansClientAccessTests(ApiServer server)
{
    public static TheoryData<string> StrangerKeys => ["none", "made-up", "revoked", "other site's"];

    [Theory]
    [MemberData(nameof(StrangerKeys))]
    public async Task A_client_without_a_live_key_of_the_site_is_refused_every_method_of_every_grain(string keyKind)
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        await using var client = await ConnectAsync(await KeyAsync(keyKind, siteId));

        foreach (var method in GrainMethods())
        {
            await AssertRefusedAsync(client, siteId, method);
        }
    }

    [Fact]
    public async Task A_client_with_its_sites_key_may_call_exactly_the_site_scoped_methods_of_its_site()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        await using var client = await ConnectAsync(await server.IssueKeyAsync(siteId));

        foreach (var method in GrainMethods())
        {
            if (method.IsDefined(typeof(SiteScopedAttribute)))
            {
                await AssertNotRefusedAsync(client, siteId, method);
            }
            else
            {
                await AssertRefusedAsync(client, siteId, method);
            }
        }

        // ...and works as the library uses it: open, touch, read, end.
        var admitted = Assert.IsType<SessionAdmitted>(await client.Grains.GetSiteGrain(siteId).OpenSessionAsync(Sites.User("ann")));
        var session = client.Grains.GetSessionGrain(siteId, admitted.SessionId);
        Assert.IsType<SessionActive>(await session.TouchAsync());
        Assert.Contains((await client.Grains.GetSiteGrain(siteId).GetStatusAsync()).Sessions, s => s.UserId == "ann");
        Assert.True(await client.Grains.GetSiteGrain(siteId).SignOutAsync(admitted.SessionId));
    }

    [Fact]
    public async Task The_admin_key_may_change_settings_and_look_inside_the_cluster()
    {
        var siteId = await server.NewSiteAsync(new { limit = 5 });
        await using var client = await ConnectAsync(ApiServer.AdminKey);

        var settings = await client.Grains.GetSiteGrain(siteId).UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 7 });

        Assert.Equal(7, settings.Limit);
        Assert.NotEmpty(await client.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true));
    }

    private async Task<string?> KeyAsync(string kind, string siteId)
    {
        switch (kind)
        {
            case "none":
                return null;
            case "made-up":
                return SiteKeys.MadeUp();
            case "other site's":
                return await server.IssueKeyAsync(await server.NewSiteAsync(new { limit = 5 }));
            case "revoked":
                var key = await server.IssueKeyAsync(siteId);
                using (var admin = server.Admin())
                using (var revoked = await admin.DeleteAsync(new Uri($"/api/sites/{siteId}/keys/{key[4..36]}", UriKind.Relative)))
                {
                    Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
                }

                return key;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Every method of every grain interface of the product: the public contract and the internal protocol.</summary>
    private static IEnumerable<MethodInfo> GrainMethods() =>
        new[] { typeof(ISiteGrain).Assembly, typeof(IApiKeyGrain).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsInterface && typeof(IGrain).IsAssignableFrom(type))
            .SelectMany(type => type.GetMethods())
            .OrderBy(method => $"{method.DeclaringType!.FullName}.{method.Name}", StringComparer.Ordinal);

    private async Task AssertRefusedAsync(GatewayClient client, string siteId, MethodInfo method)
    {
        var name = $"{method.DeclaringType!.Name}.{method.Name}";
        if (method.IsDefined(typeof(Orleans.Concurrency.OneWayAttribute)))
        {
            // A one-way call returns before the cluster has seen it: the refusal shows in the server's log.
            var line = $"Refused {name} from an Orleans client";
            var before = Occurrences(server.Process.Output, line);
            await Call(client, siteId, method);
            await Eventually.WaitForAsync(() => Task.FromResult(Occurrences(server.Process.Output, line)), count => count > before);
            return;
        }

        var refused = await Assert.ThrowsAsync<CallRefusedException>(() => Call(client, siteId, method));
        Assert.Contains(name, refused.Message, StringComparison.Ordinal);
    }

    private static async Task AssertNotRefusedAsync(GatewayClient client, string siteId, MethodInfo method)
    {
        try
        {
            await Call(client, siteId, method);
        }
        catch (Exception ex) when (ex is not CallRefusedException)
        {
            // Default arguments may be invalid input for the grain: that is the grain answering, not the gate refusing.
        }
    }

    private static Task Call(GatewayClient client, string siteId, MethodInfo method)
    {
        var grainInterface = method.DeclaringType!;
        IGrain grain = typeof(IGrainWithStringKey).IsAssignableFrom(grainInterface)
            ? client.Grains.GetGrain(grainInterface, siteId)
            : typeof(IGrainWithGuidCompoundKey).IsAssignableFrom(grainInterface)
                ? client.Grains.GetGrain(grainInterface, Guid.NewGuid(), siteId)
                : throw new NotSupportedException($"{grainInterface.Name} has a kind of key this test does not know.");
        var arguments = method.GetParameters()
            .Select(parameter => parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null)
            .ToArray();
        return (Task)method.Invoke(grain, arguments)!;
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private Task<GatewayClient> ConnectAsync(string? key) => GatewayClient.ConnectAsync(server.Process, key);
}
