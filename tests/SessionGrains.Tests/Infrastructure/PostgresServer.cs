using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for this test run: a fresh cluster in a temporary folder, on a free loopback port,
/// stopped when the run ends. Needs the PostgreSQL server binaries (tests/run.sh installs them); never skipped.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private const string DataDirectoryPrefix = "sessiongrains-pg-";
    private static int _databaseCounter;

    private readonly string _binDirectory;
    private readonly string _dataDirectory;
    private readonly int _port;
    private readonly bool _runAsPostgres;

    private PostgresServer(string binDirectory, string dataDirectory, int port, bool runAsPostgres)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        _port = port;
        _runAsPostgres = runAsPostgres;
    }

    /// <summary>The server shared by the whole run; nobody may stop it.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A server of the caller's own, which it may stop and start again (database outage tests).</summary>
    public static Task<PostgresServer> StartDedicatedAsync() => StartAsync();

    /// <summary>Stops the server the way a crash or an operator would: connections drop at once.</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"], _runAsPostgres);

    /// <summary>Starts a stopped server again, on the same port and data.</summary>
    public Task StartAgainAsync() => LaunchAsync();

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>Creates an empty database of its own for one test or fixture.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"sg_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var binDirectory = FindBinDirectory();
        RemoveStoppedServers();
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"{DataDirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        var runAsPostgres = Environment.UserName == "root";
        if (runAsPostgres)
        {
            // PostgreSQL refuses to run as root.
            await RunAsync("chown", ["postgres:postgres", dataDirectory], asPostgres: false);
        }

        await RunAsync(Path.Combine(binDirectory, "initdb"), ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync"], runAsPostgres);

        var server = new PostgresServer(binDirectory, dataDirectory, FreePort(), runAsPostgres);
        await server.LaunchAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAndDelete();
        return server;
    }

    private Task LaunchAsync()
    {
        var settings = $"-p {_port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300";
        return RunAsync(
            Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", _dataDirectory, "-o", settings, "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60", "start"],
            _runAsPostgres);
    }

    private void StopAndDelete()
    {
        try
        {
            if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                StopAsync().GetAwaiter().GetResult();
            }

            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"Stopping the test PostgreSQL server failed: {ex.Message}");
        }
    }

    /// <summary>
    /// Removes the folders of earlier runs' servers that are no longer running (a test host may be ended before
    /// it finishes cleaning up after itself).
    /// </summary>
    private static void RemoveStoppedServers()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), $"{DataDirectoryPrefix}*"))
        {
            // This run's own servers may be stopped on purpose (outage tests): only earlier runs' folders go.
            var stopped = !File.Exists(Path.Combine(folder, "postmaster.pid"));
            if (stopped && !Path.GetFileName(folder).StartsWith($"{DataDirectoryPrefix}{Environment.ProcessId}-", StringComparison.Ordinal))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    // Another run may be removing it too.
                }
            }
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            : [];
        return candidates.OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException(
                "The PostgreSQL server binaries are missing (no /usr/lib/postgresql/*/bin/initdb). Run the tests with tests/run.sh, which installs them.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
