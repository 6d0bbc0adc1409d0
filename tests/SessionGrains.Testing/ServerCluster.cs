using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace SessionGrains.Testing;

/// <summary>
/// Three real server processes in cluster mode (membership, grain state and reminders in PostgreSQL) on a
/// PostgreSQL server of their own, which tests may stop and start. Tests kill, stop and restart the servers;
/// each test leaves all three running again. The cluster tests share one; the soak (tests/SessionGrains.Soak) runs one
/// for its whole length.
/// </summary>
public sealed class ServerCluster : IAsyncLifetime
{
    public const int Size = 3;

    public const string DatabasePassword = "db-password-that-must-never-be-logged";

    private readonly ServerProcess?[] _servers = new ServerProcess?[Size];
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";
    private readonly string _homes = Path.Combine(Path.GetTempPath(), $"sessiongrains-homes-{Guid.NewGuid():N}");
    private readonly System.Text.StringBuilder _pastOutput = new();
    private IHost? _clientHost;

    /// <summary>Settings every server gets on top of the cluster's own, e.g. log levels.</summary>
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();

    public PostgresServer Database { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    /// <summary>An Orleans client of the cluster (through the membership table, as web apps connect) with the admin key, for looking inside.</summary>
    public IClusterClient OrleansClient => _clientHost!.Services.GetRequiredService<IClusterClient>();

    /// <summary>The HTTP API of every server that is running now.</summary>
    public IReadOnlyList<Uri> LiveAddresses => [.. _servers.Where(s => s is { HasExited: false }).Select(s => s!.Address)];

    /// <summary>The settings a web app needs to reach this cluster as an Orleans client.</summary>
    public IReadOnlyDictionary<string, string> ClientSettings => new Dictionary<string, string>
    {
        ["SessionGrains__Client__Clustering"] = "AdoNet",
        ["SessionGrains__Client__ClusterId"] = _clusterId,
        ["ConnectionStrings__SessionGrains"] = ConnectionString,
    };

    public async Task InitializeAsync()
    {
        // PostgreSQL's default durability, not the tests' fast settings (no fsync, commits acknowledged before their WAL
        // is written): a database stopped at once then loses no acknowledged commit, so runs that stop it can hold the
        // servers to everything they acknowledged.
        Database = await PostgresServer.StartDurableAsync();

        // The test server trusts every local connection; the password is there to show it never reaches a log.
        ConnectionString = new NpgsqlConnectionStringBuilder(await Database.CreateDatabaseAsync()) { Password = DatabasePassword }.ConnectionString;
        for (var i = 0; i < Size; i++)
        {
            await StartAsync(i);
        }

        var client = Host.CreateApplicationBuilder();

        // The tests stop silos and the database on purpose: the client's complaints about it are noise here.
        client.Logging.ClearProviders();
        client.UseOrleansClient(orleans => orleans
            .Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = _clusterId;
                cluster.ServiceId = "sessiongrains";
            })
            .UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = "Npgsql";
                clustering.ConnectionString = ConnectionString;
            })
            .Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2))
            .ActWithKey(ApiServer.AdminKey));
        _clientHost = client.Build();
        await _clientHost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_clientHost is not null)
        {
            await _clientHost.StopAsync();
            _clientHost.Dispose();
        }

        foreach (var server in _servers)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        await Database.DisposeAsync();
        if (Directory.Exists(_homes))
        {
            Directory.Delete(_homes, recursive: true);
        }
    }

    public static HttpClient Admin() => Http(ApiServer.AdminKey);

    /// <summary>An HTTP client for any server of the cluster (absolute addresses), sending <paramref name="key"/>.</summary>
    public static HttpClient Http(string key)
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(40) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// Starts server <paramref name="index"/> (again), on new ports; returns once its API answers and, on a restart,
    /// once the membership lists all <see cref="Size"/> silos as active, so the next test finds a whole cluster.
    /// </summary>
    public async Task StartAsync(int index)
    {
        var restart = _servers[index] is not null;
        if (_servers[index] is { } previous)
        {
            // Out of the list first: storms read it concurrently.
            _servers[index] = null;
            await previous.DisposeAsync();
            _pastOutput.Append(CultureInfo.InvariantCulture, $"--- server {index}, until its restart:\n{previous.Output}\n");
        }

        // Each server a machine of its own: nothing may be shared through the file system (a key ring in the home folder).
        var home = Directory.CreateDirectory(Path.Combine(_homes, $"server-{index}")).FullName;
        _servers[index] = await ServerProcess.StartAsync(new Dictionary<string, string>(ExtraSettings)
        {
            ["HOME"] = home,
            ["SessionGrains__Storage"] = "PostgreSql",
            ["SessionGrains__Clustering"] = "AdoNet",
            ["SessionGrains__AdvertisedAddress"] = "127.0.0.1",
            ["SessionGrains__ClusterId"] = _clusterId,
            ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
            ["ConnectionStrings__SessionGrains"] = ConnectionString,

            // The login storms sign in as fast as the machine allows, to time recovery: the sign-in rate limit would
            // time itself instead.
            ["SessionGrains__RateLimits__SiteOpensPerSecond"] = "1000000",
            ["SessionGrains__RateLimits__SiteOpenBurst"] = "1000000",
        });
        if (restart)
        {
            await WaitUntilActiveSilosAsync(Size, TimeProvider.System.GetTimestamp());
        }
    }

    /// <summary>
    /// Configures a new site through the first live server and issues it a key. Right after a restart the cluster
    /// may still be settling (a silo joining, a dead one not yet declared), and 503 means "try again": so it asks
    /// until the cluster answers, as a client should.
    /// </summary>
    public async Task<(string SiteId, string Key)> NewSiteAsync(object settings)
    {
        var siteId = Sites.NewId();
        using var admin = Admin();
        var key = await Eventually.WaitForAsync(
            async () =>
            {
                using var configured = await admin.PutAsJsonAsync(new Uri(LiveAddresses[0], $"/api/sites/{siteId}"), settings);
                if (configured.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    return null;
                }

                configured.EnsureSuccessStatusCode();
                using var issued = await admin.PostAsync(new Uri(LiveAddresses[0], $"/api/sites/{siteId}/keys"), null);
                if (issued.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    return null;
                }

                issued.EnsureSuccessStatusCode();
                return (await issued.ReadJsonAsync()).GetProperty("key").GetString();
            },
            issued => issued is not null);
        return (siteId, key!);
    }

    /// <summary>SIGKILL: the silo vanishes mid-work, with its grains and whatever they held in memory.</summary>
    public Task KillAsync(int index) => Server(index).KillAsync();

    /// <summary>SIGTERM, as systemd stops the service: the silo leaves gracefully.</summary>
    public Task StopAsync(int index) => Server(index).StopAsync(TimeSpan.FromSeconds(60));

    /// <summary>Which server hosts the site's grain (and so, placed beside it, its sessions' grains).</summary>
    public async Task<int> HostOfSiteAsync(string siteId)
    {
        var management = OrleansClient.GetGrain<IManagementGrain>(0);

        // The client may still try the gateway of a silo an earlier test restarted; it moves on by itself.
        var silo = await Eventually.WaitForAsync(
            () => AskAsync(async () => await management.GetActivationAddress(OrleansClient.GetSiteGrain(siteId))),
            address => address is not null) ?? throw new InvalidOperationException($"Site {siteId} is not active anywhere.");
        var index = Array.FindIndex(_servers, s => s is not null && s.SiloPort == silo.Endpoint.Port);
        return index >= 0 ? index : throw new InvalidOperationException($"No server of this cluster is silo {silo}.");
    }

    /// <summary>Waits until the membership lists exactly <paramref name="count"/> active silos; returns the time since <paramref name="since"/>.</summary>
    public async Task<TimeSpan> WaitUntilActiveSilosAsync(int count, long since)
    {
        var management = OrleansClient.GetGrain<IManagementGrain>(0);
        await Eventually.WaitForAsync(
            () => AskAsync(async () => (int?)(await management.GetHosts(onlyActive: true)).Count),
            active => active == count,
            TimeSpan.FromSeconds(60));
        return TimeProvider.System.GetElapsedTime(since);
    }

    /// <summary>The operating system's process id of every server that is running now, by index.</summary>
    public IReadOnlyDictionary<int, int> LiveProcessIds => Enumerable.Range(0, Size)
        .Where(i => _servers[i] is { HasExited: false })
        .ToDictionary(i => i, i => _servers[i]!.ProcessId);

    /// <summary>Everything every server wrote so far, those restarted since included.</summary>
    public string AllOutput => _pastOutput + string.Join('\n', _servers.Select((s, i) => $"--- server {i}:\n{s?.Output}"));

    /// <summary>The last lines every server wrote, for failure messages.</summary>
    public string RecentOutput(int lines = 40) => string.Join(
        "\n",
        _servers.Select((s, i) => $"--- server {i}:\n{string.Join('\n', (s?.Output ?? "").Split('\n').TakeLast(lines))}"));

    /// <summary>
    /// A call through the test's client, or null when the client's gateway was a silo that is gone: the client
    /// moves to another gateway by itself, so the caller simply asks again.
    /// </summary>
    private static async Task<T?> AskAsync<T>(Func<Task<T?>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is Orleans.Runtime.Messaging.ConnectionFailedException or OrleansMessageRejectionException or SiloUnavailableException or TimeoutException)
        {
            return default;
        }
    }

    private ServerProcess Server(int index) => _servers[index] ?? throw new InvalidOperationException($"Server {index} never started.");
}
