using System.Collections.Concurrent;
using SessionGrains.Batching;

namespace SessionGrains;

/// <summary>
/// The way into admissions for a process that serves many sign-ins (the HTTP API, a web app with the library).
/// Sign-ins for one site that arrive while calls for it are in flight wait, and go together in the next call
/// (<see cref="ISiteGrain.OpenSessionsAsync"/>), where the site decides them one by one in arrival order. A quiet
/// site gets each sign-in at once, in a call of its own; a busy one gets a few large calls instead of many small
/// ones (<see cref="GroupCommit{TItem, TResult}"/>). Each answer is what that one sign-in would have got on its own.
/// </summary>
public sealed class SiteAdmissions(IGrainFactory grains)
{
    /// <summary>Calls one process keeps in flight to one site: while one is being written, the next is decided.</summary>
    public const int MaxCallsInFlightPerSite = 2;

    /// <summary>Bounds one call, so a burst is decided in steps that each return quickly.</summary>
    public const int MaxSignInsPerCall = 256;

    private readonly ConcurrentDictionary<string, GroupCommit<OpenSessionRequest, OpenSessionResult>> _sites = new(StringComparer.Ordinal);

    /// <summary>Asks <paramref name="siteId"/> for a seat. Invalid input throws <see cref="InvalidRequestException"/> here, on its own.</summary>
    public Task<OpenSessionResult> OpenSessionAsync(string siteId, OpenSessionRequest request)
    {
        RequestRules.EnsureValidSiteId(siteId);
        RequestRules.EnsureValid(request);
        return _sites.GetOrAdd(siteId, CallsTo).AddAsync(request);
    }

    /// <summary>
    /// One site's calls. A failed call (storage down, say) fails every sign-in in it: nothing in it was acknowledged.
    /// </summary>
    private GroupCommit<OpenSessionRequest, OpenSessionResult> CallsTo(string siteId)
    {
        var site = grains.GetSiteGrain(siteId);
        return new(
            async signIns => signIns.Count == 1
                ? [await site.OpenSessionAsync(signIns[0]).ConfigureAwait(false)]
                : await site.OpenSessionsAsync(signIns).ConfigureAwait(false),
            maxBatchSize: MaxSignInsPerCall,
            maxFlushesInFlight: MaxCallsInFlightPerSite);
    }
}
