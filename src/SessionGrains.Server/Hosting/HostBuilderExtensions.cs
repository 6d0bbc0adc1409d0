using Microsoft.Extensions.Options;
using SessionGrains.Server.Health;
using SessionGrains.Server.Storage;

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

        var storage = StorageTarget.FromConfiguration(options, builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddSessionGrains(storage, builder.Configuration);
        });

        builder.Services.AddHealthChecks()
            .AddCheck<SiloHealthCheck>("silo")
            .AddCheck<StorageHealthCheck>("storage");
        return builder;
    }
}
