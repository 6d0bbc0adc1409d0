using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Persistence.Secrets;

/// <summary>
/// Loads the cluster secret and the legacy site key ids as the silo starts, right after the schema is installed and
/// before the silo takes any call. A silo that cannot load them does not start.
/// </summary>
internal sealed class SecretsLifecycle(
    StorageTarget target,
    IOptions<ClusterOptions> cluster,
    ClusterSecret secret,
    LegacySiteKeyIds legacyKeyIds) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SecretsLifecycle), ServiceLifecycleStage.RuntimeInitialize + 1, LoadAsync);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var store = new SecretStore(target, cluster.Value.ServiceId);
        try
        {
            secret.Loaded(await store.ReadOrCreateClusterSecretAsync(cancellationToken));
            legacyKeyIds.Loaded(await store.ReadSiteKeyIdsAsync(cancellationToken));
        }
        catch (Exception ex)
        {
            secret.Failed(ex);
            legacyKeyIds.Failed(ex);
            throw;
        }
    }
}
