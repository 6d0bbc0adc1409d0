using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using SessionGrains.Persistence;

namespace SessionGrains.Testing;

/// <summary>
/// An in-process silo configured exactly as the server configures it (real grain storage on a real database),
/// whose grains run on a fake clock, so idle timeouts can be crossed instantly and exactly.
/// Restarting it keeps the database and the clock: what survives is what the grains stored.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _configuration;
    private readonly Action<ISiloBuilder>? _configureSilo;
    private InProcessTestCluster _cluster;

    private TestSilo(StorageTarget storage, FakeTimeProvider clock, IReadOnlyDictionary<string, string?> configuration, Action<ISiloBuilder>? configureSilo, InProcessTestCluster cluster)
    {
        Storage = storage;
        Clock = clock;
        _configuration = configuration;
        _configureSilo = configureSilo;
        _cluster = cluster;
    }

    public static DateTimeOffset Epoch { get; } = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public StorageTarget Storage { get; }

    public FakeTimeProvider Clock { get; }

    public IGrainFactory Grains => _cluster.Client;

    public InProcessTestCluster Cluster => _cluster;

    public static async Task<TestSilo> StartAsync(
        StorageKind kind,
        IReadOnlyDictionary<string, string?>? configuration = null,
        Action<ISiloBuilder>? configureSilo = null)
    {
        var storage = await TestStorage.CreateAsync(kind);
        var clock = new FakeTimeProvider(Epoch);
        var settings = configuration ?? new Dictionary<string, string?>();
        return new TestSilo(storage, clock, settings, configureSilo, await DeployAsync(storage, clock, settings, configureSilo));
    }

    /// <summary>
    /// A silo whose grain calls pass through <paramref name="filters"/>: each is registered as an incoming filter, an
    /// outgoing one, or both, by the interfaces it implements.
    /// </summary>
    public static Task<TestSilo> StartWithCallFiltersAsync(StorageKind kind, params object[] filters) =>
        StartAsync(kind, configureSilo: silo =>
        {
            foreach (var filter in filters)
            {
                if (filter is IIncomingGrainCallFilter incoming)
                {
                    silo.Services.AddSingleton(incoming);
                }

                if (filter is IOutgoingGrainCallFilter outgoing)
                {
                    silo.Services.AddSingleton(outgoing);
                }
            }
        });

    /// <summary>
    /// Stops the silo gracefully (grains deactivate as in a normal shutdown) and starts a new one on the same database,
    /// after <paramref name="whileStopped"/> if given (what an operator might do to the database between the two).
    /// </summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        _cluster = await DeployAsync(Storage, Clock, _configuration, _configureSilo);
    }

    /// <summary>Kills the silo (no grain gets to deactivate or save anything) and starts a new one on the same database.</summary>
    public async Task CrashAndRestartAsync()
    {
        foreach (var silo in _cluster.Silos.ToList())
        {
            await _cluster.KillSiloAsync(silo);
        }

        await _cluster.DisposeAsync();
        _cluster = await DeployAsync(Storage, Clock, _configuration, _configureSilo);
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        TestStorage.Delete(Storage);
    }

    private static async Task<InProcessTestCluster> DeployAsync(
        StorageTarget storage,
        FakeTimeProvider clock,
        IReadOnlyDictionary<string, string?> settings,
        Action<ISiloBuilder>? configureSilo)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = "sessiongrains-tests";
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
            host.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, clock));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSessionGrains(storage, configuration);
            configureSilo?.Invoke(silo);
        });

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
