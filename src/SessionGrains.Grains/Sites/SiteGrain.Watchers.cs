using Orleans.Utilities;

namespace SessionGrains.Grains.Sites;

/// <summary>
/// The web servers watching this site's ends (<see cref="IEndWatcher"/>): each stored end is pushed to them, so a kicked
/// user's next request is signed out at once. Kept in memory only: a new activation starts with none, and the web
/// servers' renewals bring them back within <see cref="EndWatch.RenewEvery"/>.
/// </summary>
public sealed partial class SiteGrain
{
    private ObserverManager<IEndWatcher>? _watchers;

    public Task WatchEndsAsync(IEndWatcher watcher)
    {
        EnsureValidSiteId();
        if (watcher is null)
        {
            throw new InvalidRequestException("watcher", "A watcher is required.");
        }

        var watchers = _watchers ??= new ObserverManager<IEndWatcher>(EndWatch.Lifetime, logger)
        {
            GetDateTime = () => clock.GetUtcNow().UtcDateTime,
        };
        watchers.ClearExpired();

        // Only at the cap is the copy worth making: below it, a renewal and a newcomer are both welcome.
        if (watchers.Count >= EndWatch.MaxWatchers && !watchers.Observers.ContainsKey(watcher))
        {
            throw new InvalidRequestException("watcher", $"A site pushes its ends to at most {EndWatch.MaxWatchers} web servers.");
        }

        watchers.Subscribe(watcher, watcher);
        return Task.CompletedTask;
    }

    public Task UnwatchEndsAsync(IEndWatcher watcher)
    {
        EnsureValidSiteId();
        if (watcher is not null)
        {
            _watchers?.Unsubscribe(watcher);
        }

        return Task.CompletedTask;
    }

    /// <summary>One one-way message per watcher and write, carrying every end that write stored.</summary>
    private void TellWatchers(IReadOnlyList<StoredEnd> ends)
    {
        if (ends.Count == 0 || _watchers is not { Count: > 0 } watchers)
        {
            return;
        }

        var signals = new SessionEndSignal[ends.Count];
        for (var i = 0; i < signals.Length; i++)
        {
            signals[i] = new SessionEndSignal(ends[i].SessionId, ends[i].Reason);
        }

        watchers.Notify(watcher => { watcher.SessionsEnded(signals).Ignore(); });
    }
}
