using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionGrains.Benchmarks.Peers;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>
/// The real server (src/SessionGrains.Server, built in Release) in its own process on loopback, on the embedded
/// default storage in a fresh folder: what HTTP clients and the ASP.NET Core library talk to.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ServiceId = "sessiongrains";
    private readonly Process _process;
    private readonly string _folder;

    private ServerProcess(Process process, string folder, Uri address, int gatewayPort, string adminKey)
    {
        _process = process;
        _folder = folder;
        Address = address;
        GatewayPort = gatewayPort;
        AdminKey = adminKey;
    }

    public Uri Address { get; }

    public int GatewayPort { get; }

    public string AdminKey { get; }

    public static async Task<ServerProcess> StartAsync()
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "SessionGrains.Server", "bin", "Release", "net10.0", "SessionGrains.Server.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in Release first (tests/benchmarks.sh does).");
        }

        var folder = Path.Combine(Path.GetTempPath(), $"sessiongrains-bench-server-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var address = new Uri($"http://127.0.0.1:{Ports.Free()}");
        var gatewayPort = Ports.Free();
        var adminKey = $"sga_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["SessionGrains__DataDirectory"] = folder;
        start.Environment["SessionGrains__AdminApiKey"] = adminKey;
        start.Environment["SessionGrains__SiloPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SessionGrains__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SessionGrains__ServiceId"] = ServiceId;

        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"The server did not become healthy:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        return new ServerProcess(process, folder, address, gatewayPort, adminKey);
    }

    /// <summary>The load through HTTP.</summary>
    public HttpSessionLimiter Http(int connections) => new(Address, AdminKey, connections);

    /// <summary>The load through an Orleans client over loopback TCP: the ASP.NET Core library's way in.</summary>
    public async Task<GrainSessionLimiter> ClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(GatewayPort, ServiceId, "sessiongrains"));
        var host = builder.Build();
        await host.StartAsync();
        return new GrainSessionLimiter(host.Services.GetRequiredService<IClusterClient>(), "SessionGrains (Orleans client)", async () =>
        {
            await host.StopAsync();
            host.Dispose();
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SessionGrains.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from the repository (no SessionGrains.sln above the program).");
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }
}
