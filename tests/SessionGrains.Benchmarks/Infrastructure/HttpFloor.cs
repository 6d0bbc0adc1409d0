using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>
/// ASP.NET Core alone (tests/SessionGrains.Benchmarks.HttpFloor, built in Release) in its own process on loopback: the
/// HTTP rows' requests answered at once in the server's shapes, with no key check, grain or storage. What it reaches
/// bounds what the server, or any ASP.NET Core server, can reach on the same machine.
/// </summary>
public sealed class HttpFloor : IAsyncDisposable
{
    private readonly AppProcess _app;

    private HttpFloor(AppProcess app) => _app = app;

    public Uri Address => _app.Address;

    public static async Task<HttpFloor> StartAsync() => new(await AppProcess.StartAsync(
        Repository.BuiltProgram("SessionGrains.Benchmarks.HttpFloor", "tests"),
        new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        },
        "/healthz"));

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
