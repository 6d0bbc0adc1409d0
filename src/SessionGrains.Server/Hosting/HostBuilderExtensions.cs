using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using SessionGrains.Server.Auth;
using SessionGrains.Server.Health;
using SessionGrains.Persistence;

namespace SessionGrains.Server.Hosting;

public static class HostBuilderExtensions
{
    /// <summary>Co-hosts a SessionGrains silo in this application, configured from the <c>SessionGrains</c> section.</summary>
    public static IHostApplicationBuilder AddSessionGrainsSilo(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SessionGrainsOptions.SectionName);
        var options = section.Get<SessionGrainsOptions>() ?? new SessionGrainsOptions();

        // The silo is configured from these values right now, so check them now rather than at first use.
        var validation = new SessionGrainsOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SessionGrainsOptions), validation.Failures);
        }

        var storage = options.ToStorageTarget(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseSessionGrainsClustering(options, storage);
            if (options.Tls.Enabled)
            {
                silo.UseSessionGrainsTls(options.Tls);
            }

            silo.AddSessionGrains(storage, builder.Configuration);

            // The runtime view for operators, mapped at /dashboard behind the admin sign-in. Its live log stream
            // stays off: logs go to the journal, and a browser tab is no place to keep them.
            silo.AddDashboard(dashboard => dashboard.HideTrace = true);
        });

        // Orleans clients act with a key, checked on the silo like the HTTP API's.
        builder.AddSessionGrainsKeys();

        // Each check runs at most once a second, however often /healthz is asked (CachedHealthCheck).
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SiloHealthCheck>();
        builder.Services.AddSingleton<StorageHealthCheck>();
        builder.Services.AddSingleton(typeof(CachedHealthCheck<>));
        builder.Services.AddHealthChecks()
            .AddCheck<CachedHealthCheck<SiloHealthCheck>>("silo")
            .AddCheck<CachedHealthCheck<StorageHealthCheck>>("storage");
        return builder;
    }

    private static void UseSessionGrainsClustering(this ISiloBuilder silo, SessionGrainsOptions options, StorageTarget storage)
    {
        if (options.Clustering == ClusteringKind.Localhost)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            return;
        }

        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.UseAdoNetClustering(clustering =>
        {
            clustering.Invariant = storage.Invariant;
            clustering.ConnectionString = storage.ConnectionString;
        });
        silo.Configure<ClusterMembershipOptions>(ClusterTuning.Apply);

        if (options.AdvertisedAddress is { } address)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(address), options.SiloPort, options.GatewayPort);
        }
        else
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort);
        }
    }
}
