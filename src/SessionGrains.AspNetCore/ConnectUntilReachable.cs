using Microsoft.Extensions.Logging;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Keeps trying to reach the cluster at start-up instead of failing the web app's start, so web apps and silos can
/// start in any order (and a web app survives a cluster that is being restarted). Waits grow to 5 seconds.
/// </summary>
internal sealed partial class ConnectUntilReachable(ILogger<ConnectUntilReachable> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempt);
        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, 250 * Math.Pow(2, attempt - 1)));
        LogRetrying(exception.Message, attempt, delay);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The SessionGrains cluster is not reachable yet ({Reason}); attempt {Attempt}, retrying in {Delay}")]
    private partial void LogRetrying(string reason, int attempt, TimeSpan delay);
}
