using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites.Storage;
using SessionGrains.Persistence.Secrets;
using SessionGrains.Persistence.State;

namespace SessionGrains.Persistence;

public static class SiloBuilderExtensions
{
    // The provider itself; grains use it through StorageFaultBoundary, under StorageNames.Default.
    private const string AdoNetStorageName = StorageNames.Default + "-adonet";

    /// <summary>
    /// Everything a silo needs to host SessionGrains' grains on <paramref name="storage"/>, apart from clustering:
    /// the grains' own services (<see cref="Grains.SiloBuilderExtensions.AddSiteAndSessionGrains"/>) and their storage
    /// (<see cref="AddSessionGrainsStorage"/>), with how many ended sessions it keeps bound from <paramref name="configuration"/>.
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder silo, StorageTarget storage, IConfiguration configuration)
    {
        silo.AddSiteAndSessionGrains(configuration).AddSessionGrainsStorage(storage);
        silo.Services.AddOptions<EndedSessionsOptions>().Bind(configuration.GetSection(EndedSessionsOptions.SectionName));
        return silo;
    }

    /// <summary>
    /// Wires <paramref name="storage"/> into the silo: the schema, installed as the silo starts, and the cluster's secret; the state store for
    /// sites and session ends; the grain storage for the rest; and reminders (durable on PostgreSQL).
    /// </summary>
    public static ISiloBuilder AddSessionGrainsStorage(this ISiloBuilder silo, StorageTarget storage)
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

        // Sites and session ends share one store, so one transaction carries the writes of many grains.
        services.AddSingleton<SiteRecordFormat>();
        services.AddMetrics();
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton(provider => CreateStateStore(provider, storage));
        services.AddSingleton<ISiteStore>(provider => provider.GetRequiredService<StateStore>());
        services.AddSingleton<ISessionEndLog>(provider => provider.GetRequiredService<StateStore>());
        services.AddOptions<EndedSessionsOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EndedSessionsOptions>, EndedSessionsOptionsValidator>();

        services.AddSingleton(storage);
        services.AddSingleton<SchemaInstaller>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaInstallerLifecycle>();

        // Loaded right after the schema: the secret keys are derived from, and the ids of keys issued before key ids
        // carried check digits.
        services.AddSingleton<ClusterSecret>();
        services.AddSingleton<LegacySiteKeyIds>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SecretsLifecycle>();
        return silo;
    }

    private static StateStore CreateStateStore(IServiceProvider services, StorageTarget storage)
    {
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        var format = services.GetRequiredService<SiteRecordFormat>();
        IStateDatabase database = storage.Kind switch
        {
            StorageKind.PostgreSql => new PostgreSqlStateDatabase(PostgreSqlStateDatabase.CreateDataSource(storage.ConnectionString), serviceId, format),
            _ => new SqliteStateDatabase(storage.ConnectionString, serviceId, format),
        };
        return new StateStore(
            database,
            services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Grains),
            services.GetRequiredService<ILogger<StateStore>>(),
            services.GetRequiredService<IOptions<EndedSessionsOptions>>().Value.KeptPerSite,
            services.GetService<StorageMetrics>());
    }
}
