using Microsoft.Extensions.Logging;

namespace SessionGrains.Tests.Api.AspNetCore;

/// <summary>
/// The log lines of an in-process app, so a test can wait for what an app learned by a one-way message (a pushed end)
/// instead of guessing how long it takes.
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Fragment, TaskCompletionSource Seen)> _waiters = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>Completes once a line containing <paramref name="fragment"/> was logged (or already was).</summary>
    public async Task WaitForAsync(string fragment)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.Exists(line => line.Contains(fragment, StringComparison.Ordinal)))
            {
                return;
            }

            _waiters.Add((fragment, seen));
        }

        try
        {
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No log line contained '{fragment}' within 20 s.");
        }
    }

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => line.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add(exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception.GetType().Name}: {exception.Message}");
    }
}
