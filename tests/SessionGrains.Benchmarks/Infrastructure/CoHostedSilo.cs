using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionGrains.Benchmarks.Peers;
using SessionGrains.Persistence;
using SessionGrains.Persistence.State;
using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>
/// A SessionGrains silo in this process, configured as the server configures it (the same grains, storage and
/// schema), whose grains the load calls directly: the co-hosted figures, with no network in between.
/// </summary>
public sealed class CoHostedSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly StorageTarget _storage;

    private CoHostedSilo(IHost host, StorageTarget storage)
    {
        _host = host;
        _storage = storage;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    /// <summary>A silo on the embedded default, SQLite, in a fresh folder.</summary>
    public static async Task<CoHostedSilo> StartOnSqliteAsync() =>
        await StartAsync(await TestStorage.CreateAsync(StorageKind.Sqlite));

    public static Task<CoHostedSilo> StartOnPostgreSqlAsync(string connectionString) =>
        StartAsync(StorageTarget.PostgreSql(connectionString));

    /// <summary>A silo on SQLite whose site and session-end writes are discarded: a bound for measurements only.</summary>
    public static async Task<CoHostedSilo> StartDiscardingStateAsync() =>
        await StartAsync(
            await TestStorage.CreateAsync(StorageKind.Sqlite),
            services => services.AddSingleton(provider => new StateStore(
                new DiscardingStateDatabase(),
                TimeProvider.System,
                provider.GetRequiredService<ILogger<StateStore>>())));

    public GrainSessionLimiter Limiter(string name = "SessionGrains") => new(Grains, name);

    private static async Task<CoHostedSilo> StartAsync(StorageTarget storage, Action<IServiceCollection>? replace = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            var (siloPort, gatewayPort) = Ports.FreePair();
            silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: gatewayPort);
            silo.AddSessionGrains(storage, new ConfigurationBuilder().Build());
            replace?.Invoke(silo.Services);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new CoHostedSilo(host, storage);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();

        // A SQLite folder goes; a PostgreSQL database goes with its server.
        TestStorage.Delete(_storage);
    }
}
