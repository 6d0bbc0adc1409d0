using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionGrains.Benchmarks.Peers;
using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>
/// The real server (src/SessionGrains.Server, built in Release) in its own process on loopback, on the embedded
/// default storage in a fresh folder: what HTTP clients and the ASP.NET Core library talk to.
/// </summary>
public sealed class BenchmarkServer : IAsyncDisposable
{
    private const string ServiceId = "sessiongrains";
    private readonly ServerProcess _server;
    private readonly TempFolder _folder;

    private BenchmarkServer(ServerProcess server, TempFolder folder, string adminKey)
    {
        _server = server;
        _folder = folder;
        AdminKey = adminKey;
    }

    public Uri Address => _server.Address;

    public int GatewayPort => _server.GatewayPort;

    public string AdminKey { get; }

    /// <param name="settings">Settings beyond the defaults, as environment variables (e.g. <c>SessionGrains__RateLimits__SiteOpenBurst</c>).</param>
    public static async Task<BenchmarkServer> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = new TempFolder("sessiongrains-bench-server");
        Directory.CreateDirectory(folder.Path);
        var adminKey = $"sga_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}";
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["SessionGrains__DataDirectory"] = folder.Path,
            ["SessionGrains__AdminApiKey"] = adminKey,
            ["SessionGrains__ServiceId"] = ServiceId,
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var server = await ServerProcess.StartAsync(environment);
        var started = new BenchmarkServer(server, folder, adminKey);
        try
        {
            // Listening is not enough: the load starts once the server says it is healthy.
            using var probe = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.WaitForAsync(() => HealthAsync(probe), status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            return started;
        }
        catch (TimeoutException ex)
        {
            await started.DisposeAsync();
            throw new InvalidOperationException($"The server did not become healthy:{Environment.NewLine}{server.Output}", ex);
        }
    }

    /// <summary>The load through HTTP.</summary>
    public HttpSessionLimiter Http(int connections) => new(Address, AdminKey, connections);

    /// <summary>
    /// The load through an Orleans client over loopback TCP: the ASP.NET Core library's way in. Like the library, it
    /// acts with each site's own key, so the gateway's key check is part of every admission and touch measured; only
    /// setting a site up takes the admin key.
    /// </summary>
    public async Task<GrainSessionLimiter> ClientAsync()
    {
        var siteKeys = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(GatewayPort, ServiceId, "sessiongrains"));
        var host = builder.Build();
        await host.StartAsync();
        return new GrainSessionLimiter(
            host.Services.GetRequiredService<IClusterClient>(),
            "SessionGrains (Orleans client)",
            async () =>
            {
                await host.StopAsync();
                host.Dispose();
            },
            siteCreated: async siteId => siteKeys[siteId] = await SiteKeys.IssueAsync(Address, AdminKey, siteId),
            keys: new GrainSessionLimiter.ClientKeys(AdminKey, siteId => siteKeys[siteId]));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private static async Task<HttpStatusCode?> HealthAsync(HttpClient probe)
    {
        try
        {
            using var response = await probe.GetAsync(new Uri("/healthz", UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
