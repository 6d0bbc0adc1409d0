using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.Persistence.KeyRing;

public static class DataProtectionBuilderExtensions
{
    /// <summary>
    /// Keeps Data Protection's key ring in the silo's database (<see cref="KeyRingStore"/>), under the cluster's
    /// service id, instead of a folder of this machine, and makes its first key as the silo starts (<see cref="FirstKey"/>).
    /// Needs the silo's storage (<see cref="SiloBuilderExtensions.AddSessionGrainsStorage"/>).
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToSessionGrainsStorage(this IDataProtectionBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(provider => new KeyRingStore(
            provider.GetRequiredService<StorageTarget>(),
            provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            provider.GetRequiredService<ILogger<KeyRingStore>>()));
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = provider.GetRequiredService<KeyRingStore>()));
        services.AddSingleton<FirstKey>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<FirstKey>());
        return builder;
    }
}
