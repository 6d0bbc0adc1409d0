namespace SessionGrains.AspNetCore;

/// <summary>Where the SessionGrains cluster is: configuration section <c>SessionGrains:Client</c>.</summary>
public sealed class SessionGrainsClientOptions
{
    public const string SectionName = "SessionGrains:Client";

    /// <summary>The connection string (<c>ConnectionStrings:SessionGrains</c>) of the cluster's PostgreSQL database, for <see cref="ClientClustering.AdoNet"/>.</summary>
    public const string ConnectionStringName = "SessionGrains";

    /// <summary>How the client finds the silos: one on this machine, or every active silo listed in PostgreSQL.</summary>
    public ClientClustering Clustering { get; set; } = ClientClustering.Localhost;

    /// <summary>With <see cref="ClientClustering.Localhost"/>: the silo's gateway port (the server's <c>SessionGrains:GatewayPort</c>).</summary>
    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "sessiongrains";

    public string ServiceId { get; set; } = "sessiongrains";

    /// <summary>TLS to the gateways; off on the single-machine default.</summary>
    public ClientTlsOptions Tls { get; set; } = new();

    internal void Validate(string? connectionString)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(Clustering))
        {
            failures.Add($"{SectionName}:Clustering must be 'Localhost' or 'AdoNet'.");
        }

        if (Clustering == ClientClustering.Localhost && GatewayPort is < 1 or > 65535)
        {
            failures.Add($"{SectionName}:GatewayPort must be a TCP port (1-65535).");
        }

        if (Clustering == ClientClustering.AdoNet && string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add($"{SectionName}:Clustering is AdoNet, so ConnectionStrings:{ConnectionStringName} must name the cluster's PostgreSQL database.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            failures.Add($"{SectionName} needs a ClusterId and a ServiceId matching the server's.");
        }

        Tls.Validate(failures);
        if (failures.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(SectionName, typeof(SessionGrainsClientOptions), failures);
        }
    }
}

public enum ClientClustering
{
    /// <summary>One silo on this machine, at <see cref="SessionGrainsClientOptions.GatewayPort"/>.</summary>
    Localhost,

    /// <summary>The gateways of the active silos, read from the cluster's membership table in PostgreSQL.</summary>
    AdoNet,
}
