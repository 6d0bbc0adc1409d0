using System.Globalization;
using Npgsql;

namespace SessionGrains.Testing;

/// <summary>
/// A throwaway PostgreSQL server: a fresh cluster of the highest installed version in a temporary folder, on a free
/// loopback port, run as the postgres user when this process is root. Needs the PostgreSQL server binaries
/// (tests/run.sh and tests/benchmarks.sh install them); never skipped. Disposing it, or the end of the process,
/// stops it at once and deletes its folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string InstallRoot = "/usr/lib/postgresql";
    private const string FolderPrefix = "sessiongrains-postgres-";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(durable: false));
    private static int _databaseCounter;

    private readonly string _binDirectory;
    private readonly string _folder;
    private readonly string _dataDirectory;
    private readonly bool _durable;
    private readonly bool _runAsPostgres;
    private int _disposed;

    private PostgresServer(string binDirectory, string folder, int port, bool durable, bool runAsPostgres)
    {
        _binDirectory = binDirectory;
        _folder = folder;
        _dataDirectory = Path.Combine(folder, "data");
        Port = port;
        _durable = durable;
        _runAsPostgres = runAsPostgres;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>The server's version as it reports it (<c>SHOW server_version</c>), e.g. <c>15.14 (Debian 15.14-0+deb12u1)</c>.</summary>
    public string Version { get; private set; } = "";

    /// <summary>The server shared by the whole test run, without durability (fsync off); nobody may stop it.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// A server of the caller's own with PostgreSQL's default durability (fsync and synchronous_commit on), which it may
    /// stop and start again: for measuring durable writes, and for outages that must lose no acknowledged commit.
    /// </summary>
    public static Task<PostgresServer> StartDurableAsync() => StartAsync(durable: true);

    /// <summary>Stops the server the way a crash or an operator would: connections drop at once.</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);

    /// <summary>Starts a stopped server again, on the same port and data.</summary>
    public Task StartAgainAsync() => LaunchAsync();

    public string ConnectionString(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Pooling = pooling,
    }.ConnectionString;

    /// <summary>Creates an empty database (named <paramref name="name"/>, or a new name) and returns a pooled connection string for it.</summary>
    /// <param name="name">Letters, digits and underscores only.</param>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"sg_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
        {
            throw new ArgumentException($"'{name}' is not a plain database name (letters, digits, underscores; not starting with a digit).", nameof(name));
        }

        await using (var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(_dataDirectory, "postmaster.pid")))
            {
                await StopAsync();
            }
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"Stopping the throwaway PostgreSQL server failed: {ex.Message}");
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {_folder}: {ex.Message}");
        }
    }

    private static async Task<PostgresServer> StartAsync(bool durable)
    {
        var binDirectory = FindBinDirectory();
        RemoveAbandonedFolders();
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var server = new PostgresServer(binDirectory, folder, Ports.Free(), durable, runAsPostgres: Environment.UserName == "root");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            if (server._runAsPostgres)
            {
                // PostgreSQL refuses to run as root; the cluster and its socket live in a folder the postgres user owns.
                await Processes.RunAsync("chown", ["postgres:postgres", folder]);
            }

            await server.RunAsync(
                Path.Combine(binDirectory, "initdb"),
                ["-D", server._dataDirectory, "-U", "postgres", "-A", "trust", .. durable ? Array.Empty<string>() : ["--no-sync"]]);
            await server.LaunchAsync();

            await using var connection = new NpgsqlConnection(server.ConnectionString("postgres", pooling: false));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW server_version", connection);
            server.Version = (string?)await command.ExecuteScalarAsync() ?? "";
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task LaunchAsync()
    {
        var settings = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=300")
            + (_durable ? " -c shared_buffers=256MB" : " -c fsync=off -c synchronous_commit=off");
        await RunAsync(
            Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", _dataDirectory, "-o", settings, "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60", "start"]);
    }

    /// <summary>
    /// Removes the folders of servers that are no longer running and whose process is gone (a test host may be ended
    /// before it cleans up after itself). A live process's servers stay, even stopped (outage tests stop theirs).
    /// </summary>
    private static void RemoveAbandonedFolders()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), $"{FolderPrefix}*"))
        {
            var owner = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            var running = File.Exists(Path.Combine(folder, "data", "postmaster.pid"));
            if (!running && int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !ProcessIsAlive(pid))
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

    private static bool ProcessIsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(InstallRoot)
            ? Directory.GetDirectories(InstallRoot)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")) && File.Exists(Path.Combine(d, "bin", "pg_ctl")))
                .Select(d => (Directory: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : -1))
            : [];
        return candidates.OrderByDescending(c => c.Major).FirstOrDefault().Directory
            ?? throw new InvalidOperationException(
                $"The PostgreSQL server binaries are missing (no {InstallRoot}/*/bin/initdb). Run tests/run.sh, which installs them (apt-get install -y postgresql).");
    }

    /// <summary>Runs a PostgreSQL program, as the postgres user when this process is root.</summary>
    private Task<string> RunAsync(string program, IReadOnlyList<string> arguments) =>
        _runAsPostgres
            ? Processes.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments])
            : Processes.RunAsync(program, arguments);
}
