using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SessionGrains.AspNetCore;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Gates the app's cookie sign-ins with SessionGrains seats, using the <see cref="IGrainFactory"/> already in the
    /// container (a co-hosted silo, or an Orleans client; see <see cref="AddSessionGrainsClient"/>).
    /// </summary>
    public static IServiceCollection AddSessionGate(this IServiceCollection services, Action<SessionGateOptions>? configure = null)
    {
        var options = services.AddOptions<SessionGateOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionGateOptions>, SessionGateOptionsValidator>());
        services.TryAddSingleton<TouchThrottle>();
        services.TryAddSingleton<PushedEnds>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EndWatchSubscription>());
        services.TryAddSingleton<SessionNotices>();
        services.TryAddSingleton<WaitingCookie>();
        services.TryAddSingleton<WaitingRoom>();
        services.TryAddSingleton<WaitingPageMapped>();
        services.TryAddSingleton<SiteAdmissions>();
        services.TryAddSingleton<SessionGate>();
        services.TryAddSingleton<SignInGuard>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, CookieEventsHook>());
        services.AddDataProtection();
        return services;
    }

    /// <summary>
    /// Connects to a SessionGrains cluster as an Orleans client (section <c>SessionGrains:Client</c>) and gates the
    /// app's cookie sign-ins (section <c>SessionGrains</c>): the one registration a web app needs. The client acts with
    /// the site's key (<see cref="SessionGateOptions.SiteKey"/>), and may do what that key may do, nothing more.
    /// </summary>
    public static IHostApplicationBuilder AddSessionGrainsClient(this IHostApplicationBuilder builder, Action<SessionGateOptions>? configure = null)
    {
        var client = builder.Configuration.GetSection(SessionGrainsClientOptions.SectionName).Get<SessionGrainsClientOptions>() ?? new();
        var connectionString = builder.Configuration.GetConnectionString(SessionGrainsClientOptions.ConnectionStringName);
        client.Validate(connectionString);
        builder.UseOrleansClient(orleans =>
        {
            if (client.Clustering == ClientClustering.AdoNet)
            {
                orleans.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = client.ClusterId;
                    cluster.ServiceId = client.ServiceId;
                });
                orleans.UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = "Npgsql";
                    clustering.ConnectionString = connectionString;
                });

                // Learn of silos that joined or left within seconds, not the default minute.
                orleans.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
            }
            else
            {
                orleans.UseLocalhostClustering(client.GatewayPort, client.ServiceId, client.ClusterId);
            }

            orleans.UseConnectionRetryFilter<ConnectUntilReachable>();
            ClientTls.ConfigureTls(orleans, client);
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionGateOptions>, SiteKeyRequired>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, SiteKeyPerRequest>());

        builder.Services.AddOptions<SessionGateOptions>().Bind(builder.Configuration.GetSection(SessionGateOptions.SectionName));
        builder.Services.AddSessionGate(configure);
        return builder;
    }
}
