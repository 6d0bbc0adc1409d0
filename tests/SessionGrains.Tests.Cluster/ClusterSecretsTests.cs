namespace SessionGrains.Tests.Cluster;

/// <summary>Silos log their configuration and every database fault, but never a secret.</summary>
[Collection(ServerClusterCollection.Name)]
public sealed class ClusterSecretsTests(ServerCluster cluster)
{
    [Fact]
    public void No_silo_logs_the_database_password_or_the_admin_key()
    {
        var output = cluster.AllOutput;

        Assert.Contains("Application started", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerCluster.DatabasePassword, output, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiServer.AdminKey, output, StringComparison.Ordinal);
    }
}
