using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionGrains.Testing;

/// <summary>
/// One of our web applications run for real: its built dll started with <c>dotnet</c> on a loopback port (or
/// another program that serves HTTP, such as the Django sample), configured through environment variables, its output
/// kept for assertions and failure messages.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Where the app listens; known once it started.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Waits until the process has written a line containing <paramref name="text"/>. A log line may reach the pipe
    /// after the HTTP response that caused it, so a test asserting on it waits for it rather than reading once.
    /// </summary>
    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null) =>
        Eventually.WaitForAsync(() => Task.FromResult(Output), output => output.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>
    /// One of our ASP.NET Core apps. Kestrel binds a loopback port of the kernel's choosing and logs it ("Now listening
    /// on"), so no other process can take the port between a pick and the bind and answer in the app's place.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string dllPath, IReadOnlyDictionary<string, string> environment, string readyPath)
    {
        // The line naming the port is the hosting lifetime's: on, whatever else the caller turns down.
        var settings = new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" };
        foreach (var (name, value) in environment)
        {
            settings[name] = value;
        }

        // The content root, where the app finds its appsettings.json, is the dll's folder.
        var app = Launch("dotnet", [dllPath, "--urls", "http://127.0.0.1:0"], Path.GetDirectoryName(dllPath)!, settings);
        return await app.ReadyOrStoppedAsync(async () =>
        {
            var listening = await app.WaitForOutputMatchAsync(ListeningLine());
            app.Address = new Uri(listening.Groups["address"].Value);
            await app.WaitUntilAnsweringAsync(readyPath, ownAnswer: false);
        });
    }

    /// <summary>
    /// Any program that serves HTTP at <paramref name="address"/> once started (a Python web app, say): run in
    /// <paramref name="workingDirectory"/> with <paramref name="environment"/> added to this process's, and ready once
    /// a request for <paramref name="readyPath"/>, marked with a probe id, is answered and the program logs that
    /// request: an answer from another program that took the port first does not count.
    /// </summary>
    public static async Task<AppProcess> StartCommandAsync(
        string program,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        Uri address,
        string readyPath)
    {
        var app = Launch(program, arguments, workingDirectory, environment);
        app.Address = address;
        return await app.ReadyOrStoppedAsync(() => app.WaitUntilAnsweringAsync(readyPath, ownAnswer: true));
    }

    /// <summary>This app once <paramref name="ready"/> completes; stopped, and the failure passed on, if it fails.</summary>
    private async Task<AppProcess> ReadyOrStoppedAsync(Func<Task> ready)
    {
        try
        {
            await ready();
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private static AppProcess Launch(string program, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
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
        var app = new AppProcess(process);
        process.OutputDataReceived += (_, line) => app.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => app.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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

    /// <summary>The operating system's id of the process (for reading its memory and CPU time from /proc).</summary>
    public int ProcessId => _process.Id;

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

    /// <summary>Waits for a line of output matching <paramref name="pattern"/>; fails at once if the process exits first.</summary>
    private async Task<Match> WaitForOutputMatchAsync(Regex pattern)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < StartTimeout)
        {
            if (_output.Select(line => pattern.Match(line)).FirstOrDefault(match => match.Success) is { } match)
            {
                return match;
            }

            await ThrowIfExitedAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"The process did not start listening within a minute.\n{Output}");
    }

    /// <summary>
    /// Waits until <paramref name="readyPath"/> answers. With <paramref name="ownAnswer"/>, each request carries a probe id
    /// and counts only once the process logged it, for a program whose port was picked before it could bind it.
    /// </summary>
    private async Task WaitUntilAnsweringAsync(string readyPath, bool ownAnswer)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < StartTimeout)
        {
            await ThrowIfExitedAsync();
            var probe = Guid.NewGuid().ToString("N");
            var path = ownAnswer ? $"{readyPath}{(readyPath.Contains('?', StringComparison.Ordinal) ? '&' : '?')}ready-probe={probe}" : readyPath;
            try
            {
                using var answer = await client.GetAsync(new Uri(Address, path));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
                continue;
            }

            if (!ownAnswer)
            {
                return;
            }

            // A program logs a request as it answers it, or very soon after; another program's answer is never logged here.
            var answered = TimeProvider.System.GetTimestamp();
            while (TimeProvider.System.GetElapsedTime(answered) < TimeSpan.FromSeconds(5))
            {
                if (Output.Contains(probe, StringComparison.Ordinal))
                {
                    return;
                }

                await ThrowIfExitedAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }

        throw new TimeoutException($"The process did not start listening within a minute.\n{Output}");
    }

    private async Task ThrowIfExitedAsync()
    {
        if (!_process.HasExited)
        {
            return;
        }

        // Its last words may still be in the pipes: waiting for the exit reads them to the end before they are quoted.
        await _process.WaitForExitAsync();
        var message = $"The process exited with code {_process.ExitCode}.\n{Output}";
        // Kestrel and Orleans say "address already in use"; Django's runserver "That port is already in use".
        throw Output.Contains("already in use", StringComparison.OrdinalIgnoreCase)
            ? new PortTakenException(message)
            : new InvalidOperationException(message);
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
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
