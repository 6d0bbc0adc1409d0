using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionGrains.Tests.Api.Server;

/// <summary>
/// The server under a service manager that speaks systemd's notify protocol (as with <c>Type=notify</c>): it reports
/// READY=1 on <c>NOTIFY_SOCKET</c> once it can serve, not before. The manager here is a shell named "systemd", which
/// is how .NET's hosting recognises its parent, listening on a socket of the test's own.
/// </summary>
public sealed class SystemdTests
{
    [Fact]
    public async Task The_server_tells_the_service_manager_it_is_ready_only_once_it_serves()
    {
        using var folder = new TempFolder("sessiongrains-systemd");
        Directory.CreateDirectory(folder.Path);
        var manager = Path.Combine(folder.Path, "systemd");
        File.Copy("/bin/bash", manager);
        File.SetUnixFileMode(manager, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var socketPath = Path.Combine(folder.Path, "notify.sock");
        notifications.Bind(new UnixDomainSocketEndPoint(socketPath));

        var address = new Uri($"http://127.0.0.1:{Ports.Free()}");
        var serverDll = ServerProcess.DllPath;
        var start = new ProcessStartInfo(manager)
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        // Two commands, so the shell stays the server's parent instead of replacing itself with it.
        start.ArgumentList.Add($"dotnet '{serverDll}' --urls {address.ToString().TrimEnd('/')}; exit $?");
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        start.Environment["SessionGrains__DataDirectory"] = Path.Combine(folder.Path, "data");
        start.Environment["SessionGrains__AdminApiKey"] = ApiServer.AdminKey;
        start.Environment["SessionGrains__SiloPort"] = Ports.Text(Ports.Free());
        start.Environment["SessionGrains__GatewayPort"] = Ports.Text(Ports.Free());

        using var service = Process.Start(start)!;
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            var buffer = new byte[4096];
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var received = await notifications.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            var message = Encoding.UTF8.GetString(buffer, 0, received);

            Assert.Contains("READY=1", message, StringComparison.Ordinal);
            using var client = new HttpClient { BaseAddress = address };
            using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }
}
