namespace SessionGrains.Persistence;

/// <summary>Installs the schema as the silo starts, before the storage providers read their queries from it.</summary>
internal sealed class SchemaInstallerLifecycle(SchemaInstaller installer) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaInstallerLifecycle), ServiceLifecycleStage.RuntimeInitialize, installer.InstallAsync);
}
