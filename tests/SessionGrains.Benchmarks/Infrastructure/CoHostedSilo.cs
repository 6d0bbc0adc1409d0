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
    private readonly string? _folder;

    private CoHostedSilo(IHost host, string? folder)
    {
        _host = host;
        _folder = folder;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    /// <summary>A silo on the embedded default, SQLite, in a fresh folder.</summary>
    public static Task<CoHostedSilo> StartOnSqliteAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"sessiongrains-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return StartAsync(StorageTarget.Sqlite(Path.Combine(folder, StorageTarget.SqliteFileName)), folder);
    }

    public static Task<CoHostedSilo> StartOnPostgreSqlAsync(string connectionString) =>
        StartAsync(StorageTarget.PostgreSql(connectionString), null);

    /// <summary>A silo on SQLite whose site and session-end writes are discarded: a bound for measurements only.</summary>
    public static Task<CoHostedSilo> StartDiscardingStateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"sessiongrains-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return StartAsync(
            StorageTarget.Sqlite(Path.Combine(folder, StorageTarget.SqliteFileName)),
            folder,
            services => services.AddSingleton(provider => new StateStore(
                new DiscardingStateDatabase(),
                TimeProvider.System,
                provider.GetRequiredService<ILogger<StateStore>>())));
    }

    public GrainSessionLimiter Limiter(string name = "SessionGrains") => new(Grains, name);

    private static async Task<CoHostedSilo> StartAsync(StorageTarget storage, string? folder, Action<IServiceCollection>? replace = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: Ports.Free(), gatewayPort: Ports.Free());
            silo.AddSessionGrains(storage, new ConfigurationBuilder().Build());
            replace?.Invoke(silo.Services);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new CoHostedSilo(host, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
