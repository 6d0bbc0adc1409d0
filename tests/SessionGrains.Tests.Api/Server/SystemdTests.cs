using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionGrains.Tests.Api.Server;

/// <summary>
/// The server under a service manager that speaks systemd's notify protocol (as with <c>Type=notify</c>): it reports
/// READY=1 on <c>NOTIFY_SOCKET</c> once it can serve, not before. The manager here is a shell named "systemd", which
/// is how .NET's hosting recognises its parent, listening on a socket of the test's own. And the units and the install
/// script in deploy/: valid for systemd, and keeping the sample app away from the server's secrets and data.
/// </summary>
public sealed class SystemdTests
{
    private static readonly string[] Units = ["sessiongrains-server.service", "sessiongrains-sampleweb.service"];

    [Fact]
    public async Task The_units_pass_systemd_analyze_verify_without_a_word()
    {
        var units = string.Join(' ', Units.Select(unit => $"'{Path.Combine(Repository.Root, "deploy", "systemd", unit)}'"));

        var output = await Processes.RunAsync("bash", ["-c", $"systemd-analyze verify {units} 2>&1"]);

        Assert.Equal(string.Empty, output.Trim());
    }

    [Fact]
    public void The_sample_app_runs_as_a_user_of_its_own_that_cannot_reach_the_server_s_files()
    {
        var server = ServiceSettings("sessiongrains-server.service");
        var sample = ServiceSettings("sessiongrains-sampleweb.service");

        // The server's user owns its state (the SQLite database, the generated admin key) and shares it with no group.
        Assert.Equal(["sessiongrains"], server["User"]);
        Assert.Equal(["sessiongrains"], server["StateDirectory"]);
        Assert.Equal(["0700"], server["StateDirectoryMode"]);
        Assert.False(server.ContainsKey("SupplementaryGroups"));

        // The sample app gets a user systemd makes up at each start: never the server's, nor in its group.
        Assert.Equal(["yes"], sample["DynamicUser"]);
        Assert.False(sample.ContainsKey("User"));
        Assert.False(sample.ContainsKey("Group"));
        Assert.False(sample.ContainsKey("SupplementaryGroups"));
        var hidden = sample["InaccessiblePaths"].SelectMany(paths => paths.Split(' ')).Select(path => path.TrimStart('-')).ToList();
        Assert.Contains("/var/lib/sessiongrains", hidden);
        Assert.Contains(Assert.Single(server["EnvironmentFile"]), hidden);
        Assert.NotEqual(server["EnvironmentFile"], sample["EnvironmentFile"]);
    }

    [Fact]
    public async Task The_install_script_makes_env_files_root_s_alone_new_or_kept()
    {
        using var folder = new TempFolder("sessiongrains-install");
        var envDir = Path.Combine(folder.Path, "etc");
        Directory.CreateDirectory(envDir);
        // An env file from an earlier install, readable by a group: kept as written, but made root's alone.
        var earlier = Path.Combine(envDir, "sampleweb.env");
        await File.WriteAllTextAsync(earlier, "SessionGrains__SiteId=kept\n");
        File.SetUnixFileMode(earlier, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        // As root in a user namespace of its own, so install -o root and chown work without changing the machine.
        var listing = await Processes.RunAsync("unshare", [
            "--user", "--map-root-user", "bash", "-c",
            $"cd '{Repository.Root}' && source deploy/install.sh && install_env_file server '{envDir}' >/dev/null && install_env_file sampleweb '{envDir}' >/dev/null && stat -c '%U:%G %a %n' '{envDir}' '{envDir}'/*.env",
        ]);

        Assert.Equal(
            [$"root:root 700 {envDir}", $"root:root 600 {envDir}/sampleweb.env", $"root:root 600 {envDir}/server.env"],
            listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("SessionGrains__SiteId=kept\n", await File.ReadAllTextAsync(earlier));
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "systemd", "server.env.example")),
            await File.ReadAllTextAsync(Path.Combine(envDir, "server.env")));
    }

    /// <summary>The [Service] section of a unit in deploy/systemd: each setting with its values, in order.</summary>
    private static Dictionary<string, List<string>> ServiceSettings(string unit)
    {
        var settings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var section = string.Empty;
        foreach (var line in File.ReadLines(Path.Combine(Repository.Root, "deploy", "systemd", unit)).Select(l => l.Trim()))
        {
            if (line.StartsWith('['))
            {
                section = line;
            }
            else if (section == "[Service]" && line.Length > 0 && !line.StartsWith('#') && line.Split('=', 2) is [var key, var value])
            {
                (settings.TryGetValue(key, out var values) ? values : settings[key] = []).Add(value);
            }
        }

        return settings;
    }

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
        var (siloPort, gatewayPort) = Ports.FreePair();
        start.Environment["SessionGrains__SiloPort"] = Ports.Text(siloPort);
        start.Environment["SessionGrains__GatewayPort"] = Ports.Text(gatewayPort);

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
