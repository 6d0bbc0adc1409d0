using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Testing;

/// <summary>A plain Orleans client of a server process, through its gateway, acting with a key (or none).</summary>
public sealed class GatewayClient(IHost host) : IAsyncDisposable
{
    public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IClusterClient>();

    public static async Task<GatewayClient> ConnectAsync(ServerProcess server, string? key)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(orleans =>
        {
            orleans.UseLocalhostClustering(server.GatewayPort, "sessiongrains", "sessiongrains");
            if (key is not null)
            {
                orleans.ActWithKey(key);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        return new GatewayClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
