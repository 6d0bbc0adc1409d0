using SessionGrains.Server.Hosting;

namespace SessionGrains.Server.Auth;

public static class KeyRegistration
{
    /// <summary>
    /// The keys and who holds them, for the HTTP API and for the silo's gateway alike: the admin key, site keys and their
    /// ids, and the grain-call filters that keep Orleans clients to what their key may do.
    /// </summary>
    public static IHostApplicationBuilder AddSessionGrainsKeys(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(provider => AdminKeySource.Resolve(
            builder.Configuration.GetSection(SessionGrainsOptions.SectionName).Get<SessionGrainsOptions>() ?? new(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("SessionGrains.Server.AdminKey")));
        services.AddSingleton<SiteKeyIds>();
        services.AddSingleton<SiteKeyStore>();
        services.AddSingleton<KeyVerifier>();

        services.AddSingleton<SiloCallMark>();
        services.AddSingleton<IOutgoingGrainCallFilter>(provider => provider.GetRequiredService<SiloCallMark>());
        services.AddSingleton<IIncomingGrainCallFilter, ClientCallGuard>();
        return builder;
    }
}
