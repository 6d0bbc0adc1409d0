using System.Net;
using System.Net.Http.Headers;

namespace SessionGrains.Tests.Api;

/// <summary>A server of its own with small rate limits; each class its own, as a failure limit locks loopback out for a minute.</summary>
public abstract class RateLimitedServer : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"sessiongrains-limits-{Guid.NewGuid():N}");

    protected ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ServerProcess.StartAsync(new Dictionary<string, string>
    {
        ["SessionGrains__DataDirectory"] = _dataDirectory,
        ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
        ["SessionGrains__RateLimits__SiteOpensPerSecond"] = "1",
        ["SessionGrains__RateLimits__SiteOpenBurst"] = "3",
        ["SessionGrains__RateLimits__AuthFailuresPerMinute"] = "5",
    });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    protected HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = Server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected async Task<string> IssueKeyAsync(string siteId)
    {
        using var admin = Client(ApiServer.AdminKey);
        using var response = await admin.PostAsync(new Uri($"/api/sites/{siteId}/keys", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("key").GetString()!;
    }
}

public sealed class SiteOpenRateLimitTests : RateLimitedServer
{
    [Fact]
    public async Task A_site_key_past_its_burst_gets_429_rate_limited_and_another_sites_key_is_unaffected()
    {
        var siteId = Sites.NewId();
        using var site = Client(await IssueKeyAsync(siteId));
        var otherSiteId = Sites.NewId();
        using var otherSite = Client(await IssueKeyAsync(otherSiteId));

        // A burst of 3 and one more a second: 20 at once leave most of them over the limit, however slow the machine.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => site.OpenSessionAsync(siteId, $"user-{i}")));

        var admitted = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(admitted, 3, 10);
        Assert.Equal(20, admitted + limited.Count);
        await limited[0].AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.All(limited, r => Assert.InRange(r.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)));

        // Nothing was admitted for the refused sign-ins; reading the site is not limited.
        Assert.Equal(admitted, (await site.GetSiteAsync(siteId)).GetProperty("active").GetInt32());
        using var other = await otherSite.OpenSessionAsync(otherSiteId, "ann");
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);

        // The admin key is not limited.
        using var admin = Client(ApiServer.AdminKey);
        using var byAdmin = await admin.OpenSessionAsync(siteId, "operator");
        Assert.Equal(HttpStatusCode.Created, byAdmin.StatusCode);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}

public sealed class ApiKeyFailureLimitTests : RateLimitedServer
{
    [Fact]
    public async Task After_five_wrong_keys_an_address_is_refused_with_429_rate_limited_even_with_a_good_key()
    {
        var siteId = Sites.NewId();
        var goodKey = await IssueKeyAsync(siteId);
        using var wrong = Client("sgk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var refused = await wrong.GetAsync(new Uri($"/api/sites/{siteId}", UriKind.Relative));
            await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using var good = Client(goodKey);
        using var locked = await good.OpenSessionAsync(siteId, "ann");

        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(locked.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }
}
