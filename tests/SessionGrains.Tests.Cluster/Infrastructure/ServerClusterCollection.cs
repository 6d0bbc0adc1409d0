namespace SessionGrains.Tests.Cluster.Infrastructure;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerClusterCollection : ICollectionFixture<ServerCluster>
{
    // Alone on the machine: failure detection is measured in seconds, and other tests' load would blur it.
    public const string Name = "Server cluster";
}
