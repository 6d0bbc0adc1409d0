using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using SessionGrains.Tls;

namespace SessionGrains.Tests.Cluster.Infrastructure;

/// <summary>
/// Two real server processes in cluster mode with TLS on the silo and gateway ports and client certificates required,
/// their certificates issued by a CA made for the run (and a second CA, whose certificates the cluster must refuse).
/// </summary>
public sealed class TlsCluster : IAsyncLifetime
{
    public const int Size = 2;

    private readonly ServerProcess?[] _servers = new ServerProcess?[Size];
    private readonly string _clusterId = $"tls-{Guid.NewGuid():N}";
    private string _connectionString = "";

    public TestCertificates Certificates { get; } = TestCertificates.Create("cluster-ca");

    public TestCertificates OtherAuthority { get; } = TestCertificates.Create("other-ca");

    /// <summary>A web app's client certificate from the cluster's CA.</summary>
    public IssuedCertificate WebCertificate { get; private set; } = null!;

    public IReadOnlyList<ServerProcess> Servers => [.. _servers.Select(s => s!)];

    /// <summary>The settings a web app needs to reach this cluster; with TLS when given the CA, and a client certificate.</summary>
    public Dictionary<string, string> ClientSettings(string? caPath, IssuedCertificate? certificate)
    {
        var settings = new Dictionary<string, string>
        {
            ["SessionGrains__Client__Clustering"] = "AdoNet",
            ["SessionGrains__Client__ClusterId"] = _clusterId,
            ["ConnectionStrings__SessionGrains"] = _connectionString,
        };
        if (caPath is not null)
        {
            settings["SessionGrains__Client__Tls__CaCertificatePath"] = caPath;
        }

        if (certificate is not null)
        {
            settings["SessionGrains__Client__Tls__CertificatePath"] = certificate.CertificatePath;
            settings["SessionGrains__Client__Tls__KeyPath"] = certificate.KeyPath;
        }

        return settings;
    }

    public async Task InitializeAsync()
    {
        var database = await PostgresServer.GetAsync();
        _connectionString = await database.CreateDatabaseAsync();
        WebCertificate = Certificates.IssueClient("web");
        for (var i = 0; i < Size; i++)
        {
            // Each silo a certificate of its own, as each machine would have.
            _servers[i] = await StartSiloAsync(Certificates.IssueSilo($"silo-{i}"), Certificates.CaPath);
        }
    }

    /// <summary>A server of this cluster with the given certificate (as PKCS#12) and CA file; the caller disposes the extra ones.</summary>
    public Task<ServerProcess> StartSiloAsync(IssuedCertificate certificate, string caPath) => ServerProcess.StartAsync(new Dictionary<string, string>
    {
        ["SessionGrains__Storage"] = "PostgreSql",
        ["SessionGrains__Clustering"] = "AdoNet",
        ["SessionGrains__AdvertisedAddress"] = "127.0.0.1",
        ["SessionGrains__ClusterId"] = _clusterId,
        ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
        ["ConnectionStrings__SessionGrains"] = _connectionString,
        ["SessionGrains__Tls__CertificatePath"] = certificate.Pkcs12Path,
        ["SessionGrains__Tls__CertificatePassword"] = TestCertificates.Pkcs12Password,
        ["SessionGrains__Tls__CaCertificatePath"] = caPath,
        ["SessionGrains__Tls__RequireClientCertificates"] = "true",
    });

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        Certificates.Dispose();
        OtherAuthority.Dispose();
    }

    /// <summary>
    /// An Orleans client of the cluster, connected; <paramref name="tls"/> null for one without TLS. Throws when the
    /// cluster refuses it: no retries, so a refusal shows at once.
    /// </summary>
    /// <summary>An Orleans client with the admin key (to look inside), over TLS as <paramref name="tls"/> says.</summary>
    public async Task<IHost> ConnectAsync(Action<TlsOptions>? tls)
    {
        var builder = Host.CreateApplicationBuilder();

        // The refused clients' complaints are expected here.
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(orleans =>
        {
            orleans
                .Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = _clusterId;
                    cluster.ServiceId = "sessiongrains";
                })
                .UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = "Npgsql";
                    clustering.ConnectionString = _connectionString;
                })
                .UseConnectionRetryFilter((_, _) => Task.FromResult(false))
                .ActWithKey(ApiServer.AdminKey);
            if (tls is not null)
            {
                orleans.UseTls(tls);
            }
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>TLS as a web app of this cluster has it: the silos checked against the cluster's CA, and <paramref name="certificate"/> presented.</summary>
    public Action<TlsOptions> ClientTls(IssuedCertificate? certificate) => options =>
    {
        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(Certificates.CaPath));
        options.LocalCertificate = certificate is null ? null : CertificateFiles.LoadWithKey(certificate.CertificatePath, certificate.KeyPath, null);
        options.ClientCertificateMode = certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (silo, chain, _) => trust.Accepts(silo, chain, PeerRole.Silo);
    };

    /// <summary>The silos active in the membership, as a connected client sees them.</summary>
    public static async Task<int> ActiveSilosAsync(IHost client)
    {
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        return (await management.GetHosts(onlyActive: true)).Count;
    }

    public string RecentOutput(int lines = 40) => string.Join(
        "\n",
        _servers.Select((s, i) => $"--- server {i}:\n{string.Join('\n', (s?.Output ?? "").Split('\n').TakeLast(lines))}"));
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TlsClusterCollection : ICollectionFixture<TlsCluster>
{
    public const string Name = "TLS cluster";
}
