using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SessionGrains.Testing;

namespace SessionGrains.Benchmarks.Infrastructure;

/// <summary>
/// A throwaway Redis server for one benchmark run: Debian's <c>redis-server</c> on a free loopback port, working in a
/// temporary folder, in memory only or durable (<see cref="StartAsync"/>). Disposing kills it and deletes the folder.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;
    private bool _disposed;

    private RedisProcess(Process process, string directory, int port, string version)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Version = version;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string, <c>127.0.0.1:port</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The server's version, e.g. <c>7.0.15</c>.</summary>
    public string Version { get; }

    /// <summary>Starts a server and waits until it answers PING.</summary>
    /// <param name="durable">
    /// False: no persistence at all. True: the append-only file with <c>appendfsync always</c>, so a write is answered
    /// only once it is on disk (the writes of one turn of its event loop share an fsync), as SessionGrains answers an
    /// admission only once it is stored.
    /// </param>
    public static async Task<RedisProcess> StartAsync(bool durable = false)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException(
                $"Redis is not installed ({Binary} is missing). Install the Debian package: apt-get install -y redis-server");
        }

        var version = ParseVersion(await Processes.RunAsync(Binary, ["--version"]));
        var directory = Path.Combine(Path.GetTempPath(), $"sessiongrains-bench-redis-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = Ports.Free();
        var logFile = Path.Combine(directory, "redis.log");

        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", durable ? "yes" : "no",
            "--appendfsync", durable ? "always" : "everysec",
            "--daemonize", "no",
            "--dir", directory,
            "--logfile", logFile,
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        }
        catch
        {
            TryDeleteDirectory(directory);
            throw;
        }

        // Drain the pipes so the server can never block on a full one.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new RedisProcess(process, directory, port, version);
        try
        {
            await server.WaitUntilReadyAsync(logFile);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
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
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        finally
        {
            _process.Dispose();
            TryDeleteDirectory(_directory);
        }
    }

    private async Task WaitUntilReadyAsync(string logFile)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server exited with code {_process.ExitCode} before answering PING. Log:{Environment.NewLine}{ReadLog(logFile)}");
            }

            if (await AnswersPingAsync(Port))
            {
                return;
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"redis-server did not answer PING on port {Port} within {StartTimeout.TotalSeconds:0} s. Log:{Environment.NewLine}{ReadLog(logFile)}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<bool> AnswersPingAsync(int port)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>"Redis server v=7.0.15 sha=... malloc=..." → "7.0.15".</summary>
    private static string ParseVersion(string output)
    {
        foreach (var word in output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word.StartsWith("v=", StringComparison.Ordinal))
            {
                return word[2..];
            }
        }

        return output.Trim();
    }

    private static string ReadLog(string logFile)
    {
        try
        {
            return File.Exists(logFile) ? File.ReadAllText(logFile) : "(no log)";
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Could not delete {directory}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"Could not delete {directory}: {ex.Message}");
        }
    }
}
