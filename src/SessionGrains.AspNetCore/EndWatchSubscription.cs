using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.AspNetCore;

/// <summary>
/// Keeps this web server subscribed to its site's ends (<see cref="IEndWatcher"/>, received by <see cref="PushedEnds"/>):
/// first before the app serves requests, if the cluster answers soon, then renewed every <see cref="EndWatch.RenewEvery"/>
/// (sooner after a failure), which also brings the subscription back after the site's activation moved. Unsubscribes
/// when the app stops. Failures only cost speed: an end that is not pushed still reaches the user at the next touch.
/// </summary>
internal sealed partial class EndWatchSubscription(
    IGrainFactory grains,
    PushedEnds ends,
    IOptionsMonitor<SessionGateOptions> options,
    TimeProvider clock,
    ILogger<EndWatchSubscription> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstAttemptLimit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private IEndWatcher? _watcher;
    private Task _renewals = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var subscribed = await TrySubscribeAsync(FirstAttemptLimit, cancellationToken);
        _renewals = RenewAsync(subscribed, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _renewals;
        if (_watcher is not { } watcher)
        {
            return;
        }

        try
        {
            await WithSiteKeyAsync(site => site.UnwatchEndsAsync(watcher)).WaitAsync(FirstAttemptLimit, clock, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The site forgets this server by itself once its subscription runs out.
            LogUnsubscribeFailed(ex);
        }

        grains.DeleteObjectReference<IEndWatcher>(watcher);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RenewAsync(bool subscribed, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(subscribed ? EndWatch.RenewEvery : RetryDelay, clock, stopping);
                subscribed = await TrySubscribeAsync(EndWatch.RenewEvery, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app stops.
        }
    }

    private async Task<bool> TrySubscribeAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            // Made at the first attempt, not at start: a co-hosted silo may start after this service.
            var watcher = _watcher ??= grains.CreateObjectReference<IEndWatcher>(ends);
            await WithSiteKeyAsync(site => site.WatchEndsAsync(watcher)).WaitAsync(limit, clock, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSubscribeFailed(ex, options.CurrentValue.SiteId);
            return false;
        }
    }

    // Outside any HTTP request, so the key is set here (SiteKeyPerRequest sets it within requests); async so it stays here.
    private async Task WithSiteKeyAsync(Func<ISiteGrain, Task> call)
    {
        var current = options.CurrentValue;
        if (current.SiteKey.Length > 0)
        {
            CallerKey.Use(current.SiteKey);
        }

        await call(grains.GetSiteGrain(current.SiteId));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the ends of site {SiteId} failed; ended sessions reach this server at their next touch until a retry succeeds")]
    private partial void LogSubscribeFailed(Exception exception, string siteId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unsubscribing from the site's ends failed; the site forgets this server when its subscription runs out")]
    private partial void LogUnsubscribeFailed(Exception exception);
}
