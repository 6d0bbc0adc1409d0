using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SessionGrains.Testing;

/// <summary>
/// One of our web applications run for real: its built dll started with <c>dotnet</c> on a free loopback port (or
/// another program that serves HTTP, such as the Django sample), configured through environment variables, its output
/// kept for assertions and failure messages.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Waits until the process has written a line containing <paramref name="text"/>. A log line may reach the pipe
    /// after the HTTP response that caused it, so a test asserting on it waits for it rather than reading once.
    /// </summary>
    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null) =>
        Eventually.WaitForAsync(() => Task.FromResult(Output), output => output.Contains(text, StringComparison.Ordinal), timeout);

    public static Task<AppProcess> StartAsync(string dllPath, IReadOnlyDictionary<string, string> environment, string readyPath)
    {
        var address = new Uri($"http://127.0.0.1:{Ports.Free()}");

        // The content root, where the app finds its appsettings.json, is the dll's folder.
        return StartCommandAsync(
            "dotnet",
            [dllPath, "--urls", address.ToString().TrimEnd('/')],
            Path.GetDirectoryName(dllPath)!,
            environment,
            address,
            readyPath);
    }

    /// <summary>
    /// Any program that serves HTTP at <paramref name="address"/> once started (a Python web app, say): run in
    /// <paramref name="workingDirectory"/> with <paramref name="environment"/> added to this process's, and ready once
    /// <paramref name="readyPath"/> answers at all.
    /// </summary>
    public static async Task<AppProcess> StartCommandAsync(
        string program,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        Uri address,
        string readyPath)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var app = new AppProcess(process, address);
        process.OutputDataReceived += (_, line) => app.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => app.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitUntilListeningAsync(readyPath);
        return app;
    }

    /// <summary>
    /// Starts a process on ports picked by <see cref="Ports.Free"/> again, with new picks, when another process took
    /// one of them between the pick and the bind (many processes start and stop during a test run).
    /// </summary>
    public static async Task<T> WithFreshPortsAsync<T>(Func<Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (PortTakenException) when (attempt < 3)
            {
                // Picked again on the next attempt.
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: the process gets no chance to clean up, as when its machine dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd stops a service, then waits for the process to finish its graceful shutdown.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilListeningAsync(string readyPath)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                // Its last words may still be in the pipes: waiting for the exit reads them to the end before they are quoted.
                await _process.WaitForExitAsync();
                var message = $"The process exited with code {_process.ExitCode}.\n{Output}";
                // Kestrel and Orleans say "address already in use"; Django's runserver "That port is already in use".
                throw Output.Contains("already in use", StringComparison.OrdinalIgnoreCase)
                    ? new PortTakenException(message)
                    : new InvalidOperationException(message);
            }

            try
            {
                await client.GetAsync(new Uri(Address, readyPath));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

        throw new TimeoutException($"The process did not start listening within a minute.\n{Output}");
    }
}

/// <summary>The process could not listen: a port picked as free was taken before the process bound it.</summary>
public sealed class PortTakenException : InvalidOperationException
{
    public PortTakenException(string message)
        : base(message)
    {
    }

    public PortTakenException()
    {
    }

    public PortTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
