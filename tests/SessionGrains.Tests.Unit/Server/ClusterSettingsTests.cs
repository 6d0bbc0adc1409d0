using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;
using SessionGrains.Persistence;
using SessionGrains.Server.Hosting;

namespace SessionGrains.Tests.Unit.Server;

/// <summary>Cluster settings that cannot work stop the server, or the web app, at start-up with a message naming them.</summary>
public sealed class ClusterSettingsTests
{
    private const string AdminKey = "cluster-settings-admin-key-0123456789";

    [Theory]
    [InlineData(StorageKind.Sqlite, ClusteringKind.AdoNet, null, "Clustering AdoNet needs Storage PostgreSql")]
    [InlineData(StorageKind.PostgreSql, ClusteringKind.AdoNet, "silo-7.internal", "AdvertisedAddress must be an IP address")]
    [InlineData(StorageKind.PostgreSql, (ClusteringKind)7, null, "Clustering must be 'Localhost' or 'AdoNet'")]
    public void Impossible_server_cluster_settings_are_refused(StorageKind storage, ClusteringKind clustering, string? advertisedAddress, string failure)
    {
        var options = new SessionGrainsOptions { Storage = storage, Clustering = clustering, AdvertisedAddress = advertisedAddress, AdminApiKey = AdminKey };

        var result = new SessionGrainsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(failure, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_on_PostgreSQL_with_an_advertised_address_is_accepted()
    {
        var options = new SessionGrainsOptions
        {
            Storage = StorageKind.PostgreSql,
            Clustering = ClusteringKind.AdoNet,
            AdvertisedAddress = "10.0.0.11",
            AdminApiKey = AdminKey,
        };

        Assert.True(new SessionGrainsOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_web_app_told_to_find_the_cluster_in_PostgreSQL_needs_its_connection_string()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SessionGrains:SiteId"] = "demo",
            ["SessionGrains:Client:Clustering"] = "AdoNet",
        });

        var refused = Assert.Throws<OptionsValidationException>(() => builder.AddSessionGrainsClient());

        Assert.Contains("ConnectionStrings:SessionGrains must name the cluster's PostgreSQL database", refused.Message, StringComparison.Ordinal);
    }
}
