using SessionGrains.Persistence;
using SessionGrains.Server.RateLimits;

namespace SessionGrains.Server.Hosting;

/// <summary>The server's own settings: configuration section <c>SessionGrains</c> (environment: <c>SessionGrains__…</c>).</summary>
public sealed class SessionGrainsOptions
{
    public const string SectionName = "SessionGrains";
    public const int MinAdminApiKeyLength = 32;
    public const int MaxApiKeyLength = 256;
    public static readonly TimeSpan MaxOperatorSignInLifetime = TimeSpan.FromDays(7);

    /// <summary>Where the embedded SQLite database lives (and, later, other local files).</summary>
    public string DataDirectory { get; set; } = "./data";

    public StorageKind Storage { get; set; } = StorageKind.Sqlite;

    /// <summary>How silos find each other: one silo on this machine, or a cluster whose membership lives in PostgreSQL.</summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>
    /// With <see cref="ClusteringKind.AdoNet"/>: the IP address other silos and clients reach this silo at; it also
    /// listens there. Default: this machine's first non-loopback IPv4 address.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "sessiongrains";

    /// <summary>Names this deployment's state in storage: keep it stable across restarts and upgrades.</summary>
    public string ServiceId { get; set; } = "sessiongrains";

    /// <summary>
    /// The operator's API key (32 to 256 characters; surrounding whitespace is ignored). Required with PostgreSQL; with SQLite, when unset,
    /// one is generated on first start and kept in <see cref="DataDirectory"/>.
    /// </summary>
    public string? AdminApiKey { get; set; }

    /// <summary>
    /// Marks the admin UI's cookies Secure, so browsers send them over HTTPS only. Set it when operators reach the
    /// server through an HTTPS proxy (the server itself speaks plain HTTP, so it cannot tell).
    /// </summary>
    public bool SecureCookies { get; set; }

    /// <summary>
    /// How long an operator's sign-in lasts at most, from the moment they signed in, however active they are; unused,
    /// it ends sooner (after 8 hours without a request). From 1 second to 7 days.
    /// </summary>
    public TimeSpan OperatorSignInLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-ins per site and wrong keys per client network (<c>SessionGrains:RateLimits</c>).</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>TLS between silos and from clients to gateways; off on the single-machine default.</summary>
    public SiloTlsOptions Tls { get; set; } = new();

    /// <summary>The database these settings name: PostgreSQL by its connection string, or SQLite in <see cref="DataDirectory"/>.</summary>
    public StorageTarget ToStorageTarget(IConfiguration configuration)
    {
        if (Storage == StorageKind.PostgreSql)
        {
            var connectionString = configuration.GetConnectionString(StorageTarget.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"{SectionName}:Storage is PostgreSql, so ConnectionStrings:{StorageTarget.ConnectionStringName} must be set.");
            }

            return StorageTarget.PostgreSql(connectionString);
        }

        var folder = Path.GetFullPath(DataDirectory);
        Directory.CreateDirectory(folder);
        return StorageTarget.Sqlite(Path.Combine(folder, StorageTarget.SqliteFileName));
    }
}

public enum ClusteringKind
{
    /// <summary>A single silo on loopback: no other silo can join.</summary>
    Localhost,

    /// <summary>Membership in the PostgreSQL database that holds the state (Microsoft.Orleans.Clustering.AdoNet).</summary>
    AdoNet,
}
