using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Server.Storage;

namespace SessionGrains.Server.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Everything a silo needs to host SessionGrains' grains on <paramref name="storage"/>, apart from clustering:
    /// the grain storage, the schema it needs, and the site defaults from configuration.
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder silo, StorageTarget storage, IConfiguration configuration)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Default, options =>
        {
            options.Invariant = storage.Invariant;
            options.ConnectionString = storage.ConnectionString;
        });

        var services = silo.Services;

        // Orleans' own binary format: compact, and tolerant of added fields thanks to the [Id] attributes.
        services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.Default)
            .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));

        services.AddSingleton<LocalSessions>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, HandOverOnShutdown>();

        services.AddSingleton(storage);
        services.AddSingleton<SchemaInstaller>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaInstallerLifecycle>();

        services.AddOptions<SiteDefaultsOptions>()
            .Bind(configuration.GetSection(SiteDefaultsOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiteDefaultsOptions>, SiteDefaultsOptionsValidator>();
        return silo;
    }
}
