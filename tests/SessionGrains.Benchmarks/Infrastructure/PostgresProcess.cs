using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for one benchmark run: a fresh cluster in a temporary folder on a free loopback port,
/// with PostgreSQL's default durability (fsync and synchronous_commit on: these benchmarks measure durable writes).
/// Disposing stops it at once and deletes the folder.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private const string InstallRoot = "/usr/lib/postgresql";

    private readonly string _binDirectory;
    private readonly string _folder;
    private readonly string _dataDirectory;
    private readonly bool _runAsPostgres;
    private bool _started;
    private bool _disposed;

    private PostgresProcess(string binDirectory, string folder, int port, bool runAsPostgres)
    {
        _binDirectory = binDirectory;
        _folder = folder;
        _dataDirectory = Path.Combine(folder, "data");
        Port = port;
        _runAsPostgres = runAsPostgres;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>The server's version as it reports it (<c>SHOW server_version</c>), e.g. <c>15.14 (Debian 15.14-0+deb12u1)</c>.</summary>
    public string Version { get; private set; } = "";

    /// <summary>Creates a cluster with the highest installed PostgreSQL version, starts it and waits until it accepts connections.</summary>
    public static async Task<PostgresProcess> StartAsync()
    {
        var binDirectory = FindBinDirectory();
        var folder = Path.Combine(Path.GetTempPath(), $"sessiongrains-bench-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var runAsPostgres = Environment.UserName == "root";
        var server = new PostgresProcess(binDirectory, folder, Ports.Free(), runAsPostgres);
        try
        {
            await server.InitializeAndStartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database and returns an Npgsql connection string for it.</summary>
    /// <param name="name">Letters, digits and underscores only.</param>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
        {
            throw new ArgumentException($"'{name}' is not a plain database name (letters, digits, underscores; not starting with a digit).", nameof(name));
        }

        await using (var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name, pooling: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_started || File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
            }
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"Stopping the benchmark PostgreSQL server failed: {ex.Message}");
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Could not delete {_folder}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"Could not delete {_folder}: {ex.Message}");
        }
    }

    private string ConnectionString(string database, bool pooling) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = pooling,
        MaxPoolSize = 200,
        NoResetOnClose = true,
    }.ConnectionString;

    private async Task InitializeAndStartAsync()
    {
        if (_runAsPostgres)
        {
            // PostgreSQL refuses to run as root; the cluster and its socket live in a folder the postgres user owns.
            await Processes.RunAsync("chown", ["postgres:postgres", _folder]);
        }

        await RunAsync(Path.Combine(_binDirectory, "initdb"), ["-D", _dataDirectory, "-U", "postgres", "-A", "trust"]);

        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB");
        await RunAsync(
            Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", _dataDirectory, "-o", settings, "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60", "start"]);
        _started = true;

        await using var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        Version = (string?)await command.ExecuteScalarAsync() ?? "";
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(InstallRoot)
            ? Directory.GetDirectories(InstallRoot)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")) && File.Exists(Path.Combine(d, "bin", "pg_ctl")))
                .Select(d => (Directory: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : -1))
            : [];
        var best = candidates.OrderByDescending(c => c.Major).FirstOrDefault();
        return best.Directory
            ?? throw new InvalidOperationException(
                $"The PostgreSQL server binaries are missing (no {InstallRoot}/*/bin/initdb). Install the Debian package: apt-get install -y postgresql");
    }

    /// <summary>Runs a PostgreSQL program, as the postgres user when this process is root.</summary>
    private Task<string> RunAsync(string program, IReadOnlyList<string> arguments) =>
        _runAsPostgres
            ? Processes.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments])
            : Processes.RunAsync(program, arguments);
}
