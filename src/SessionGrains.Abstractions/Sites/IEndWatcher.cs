using Orleans.Concurrency;

namespace SessionGrains;

/// <summary>
/// A web server's ear on its site: the site tells it of every session that ended (kicked, evicted, idle, logged out
/// anywhere) as soon as the end is stored, so the user's next request on that server is signed out at once instead of
/// at the next touch. Subscribed with <see cref="ISiteGrain.WatchEndsAsync"/> and renewed every
/// <see cref="EndWatch.RenewEvery"/>; a site forgets a watcher it has not heard from for <see cref="EndWatch.Lifetime"/>,
/// and all of them when its activation moves (a restart, a failover), so renewal is also what brings them back.
/// Ends that reach no watcher still reach the user at the next touch.
/// </summary>
public interface IEndWatcher : IGrainObserver
{
    /// <summary>The ends one write of the site stored, in the order the site decided them.</summary>
    [OneWay]
    Task SessionsEnded(IReadOnlyList<SessionEndSignal> ends);
}

/// <summary>One session's end, as its site pushes it to the web servers watching it.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SessionEndSignal([property: Id(0)] SessionId SessionId, [property: Id(1)] SessionEndReason Reason);

/// <summary>The terms of an <see cref="IEndWatcher"/> subscription, shared by sites and web servers.</summary>
public static class EndWatch
{
    /// <summary>How often a web server renews its subscription (and how late it comes back after a site moved).</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromMinutes(1);

    /// <summary>How long a site keeps a watcher it has not heard from: a few missed renewals, then it is gone.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(3);

    /// <summary>Web servers one site pushes to; a site's key cannot make its site push to more.</summary>
    public const int MaxWatchers = 64;
}
