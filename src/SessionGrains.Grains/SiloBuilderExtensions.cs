using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Sites;
using SessionGrains.Grains.Telemetry;

namespace SessionGrains.Grains;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// What the site and session grains need beside their storage: the hand-over of idle deadlines when the silo
    /// stops, and the defaults of sites never configured, bound from <paramref name="configuration"/> and checked
    /// as the silo starts.
    /// </summary>
    public static ISiloBuilder AddSiteAndSessionGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddSingleton<LocalSessions>();
        services.AddSingleton<IdleAlarms>();
        services.AddMetrics();
        services.AddSingleton<SiteMetrics>();
        services.AddSingleton<HandOverOnShutdown>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<HandOverOnShutdown>());

        services.AddOptions<SiteDefaultsOptions>()
            .Bind(configuration.GetSection(SiteDefaultsOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiteDefaultsOptions>, SiteDefaultsOptionsValidator>();
        return silo;
    }
}
