using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using Npgsql;
using SessionGrains.Grains.Sites.Storage;
using SessionGrains.Server.Storage;
using SessionGrains.Server.Storage.Sites;

namespace SessionGrains.Server.Hosting;

public static class SiloBuilderExtensions
{
    // The provider itself; grains use it through StorageFaultBoundary, under StorageNames.Default.
    private const string AdoNetStorageName = StorageNames.Default + "-adonet";

    /// <summary>
    /// Everything a silo needs to host SessionGrains' grains on <paramref name="storage"/>, apart from clustering:
    /// the grain storage, the schema it needs, reminders, and the site defaults from configuration.
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder silo, StorageTarget storage, IConfiguration configuration)
    {
        silo.AddAdoNetGrainStorage(AdoNetStorageName, options =>
        {
            options.Invariant = storage.Invariant;
            options.ConnectionString = storage.ConnectionString;
        });
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            StorageNames.Default,
            (services, _) => new StorageFaultBoundary(services.GetRequiredKeyedService<IGrainStorage>(AdoNetStorageName)));

        if (storage.Kind == StorageKind.PostgreSql)
        {
            silo.UseAdoNetReminderService(reminders =>
            {
                reminders.Invariant = storage.Invariant;
                reminders.ConnectionString = storage.ConnectionString;
            });
        }
        else
        {
            // SQLite runs one silo: when it restarts, every site wakes on its next call and ends its runaway
            // leases then, so reminders need not outlive the process.
            silo.UseInMemoryReminderService();
        }

        var services = silo.Services;

        // Orleans' own binary format: compact, and tolerant of added fields thanks to the [Id] attributes.
        services.AddOptions<AdoNetGrainStorageOptions>(AdoNetStorageName)
            .Configure<Serializer>((options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));

        services.AddSingleton<SiteRecordFormat>();
        services.AddSingleton<ISiteStore>(provider => CreateSiteStore(provider, storage));

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

    private static ISiteStore CreateSiteStore(IServiceProvider services, StorageTarget storage)
    {
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        var format = services.GetRequiredService<SiteRecordFormat>();
        return storage.Kind switch
        {
            StorageKind.PostgreSql => new PostgreSqlSiteStore(
                NpgsqlDataSource.Create(storage.ConnectionString),
                serviceId,
                format,
                services.GetRequiredService<ILogger<PostgreSqlSiteStore>>()),
            _ => new SqliteSiteStore(storage.ConnectionString, serviceId, format, services.GetRequiredService<ILogger<SqliteSiteStore>>()),
        };
    }
}
