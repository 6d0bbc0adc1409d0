namespace SessionGrains.Testing;

/// <summary>
/// The real server (SessionGrains.Server, from its own build output), on free loopback ports, configured through
/// environment variables.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly AppProcess _app;
    private TempFolder? _ownData;

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

    /// <inheritdoc cref="AppProcess.WaitForOutputAsync"/>
    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null) => _app.WaitForOutputAsync(text, timeout);

    /// <summary>The server as built in its own project's output.</summary>
    public static string DllPath => Repository.BuiltProgram("SessionGrains.Server");

    /// <summary>
    /// A server of its own for one test class: the embedded SQLite store in a throwaway folder (deleted with the
    /// server) and <see cref="ApiServer.AdminKey"/> as its admin key.
    /// </summary>
    public static async Task<ServerProcess> StartThrowawayAsync()
    {
        var data = new TempFolder("sessiongrains-server");
        try
        {
            var server = await StartAsync(new Dictionary<string, string>
            {
                ["SessionGrains__DataDirectory"] = data.Path,
                ["SessionGrains__AdminApiKey"] = ApiServer.AdminKey,
            });
            server._ownData = data;
            return server;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public static Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment) =>
        AppProcess.WithFreshPortsAsync(() => StartOnceAsync(environment));

    private static async Task<ServerProcess> StartOnceAsync(IReadOnlyDictionary<string, string> environment)
    {
        var (siloPort, gatewayPort) = Ports.FreePair();
        var settings = new Dictionary<string, string>
        {
            ["SessionGrains__SiloPort"] = Ports.Text(siloPort),
            ["SessionGrains__GatewayPort"] = Ports.Text(gatewayPort),
        };
        foreach (var (name, value) in environment)
        {
            settings[name] = value;
        }

        var app = await AppProcess.StartAsync(DllPath, settings, "/healthz");
        return new ServerProcess(app, siloPort, gatewayPort);
    }

    public bool HasExited => _app.HasExited;

    /// <inheritdoc cref="AppProcess.ProcessId"/>
    public int ProcessId => _app.ProcessId;

    public Task KillAsync() => _app.KillAsync();

    public Task StopAsync(TimeSpan timeout) => _app.StopAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _ownData?.Dispose();
    }
}
