namespace SessionGrains.Tests.Infrastructure;

/// <summary>The real server (SessionGrains.Server), on free loopback ports, configured through environment variables.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly AppProcess _app;

    private ServerProcess(AppProcess app, int siloPort, int gatewayPort)
    {
        _app = app;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>Where other silos reach this one; with the address, what Orleans calls the silo.</summary>
    public int SiloPort { get; }

    public Uri Address => _app.Address;

    /// <summary>Where Orleans clients (web apps using the library) connect.</summary>
    public int GatewayPort { get; }

    public string Output => _app.Output;

    public static Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment) =>
        AppProcess.WithFreshPortsAsync(() => StartOnceAsync(environment));

    private static async Task<ServerProcess> StartOnceAsync(IReadOnlyDictionary<string, string> environment)
    {
        var siloPort = AppProcess.FreePort();
        var gatewayPort = AppProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["SessionGrains__SiloPort"] = AppProcess.Port(siloPort),
            ["SessionGrains__GatewayPort"] = AppProcess.Port(gatewayPort),
        };
        foreach (var (name, value) in environment)
        {
            settings[name] = value;
        }

        var app = await AppProcess.StartAsync(Path.Combine(AppContext.BaseDirectory, "SessionGrains.Server.dll"), settings, "/healthz");
        return new ServerProcess(app, siloPort, gatewayPort);
    }

    public bool HasExited => _app.HasExited;

    public Task KillAsync() => _app.KillAsync();

    public Task StopAsync(TimeSpan timeout) => _app.StopAsync(timeout);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
