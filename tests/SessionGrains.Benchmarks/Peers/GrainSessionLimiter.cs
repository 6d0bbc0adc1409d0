using System.Collections.Concurrent;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// SessionGrains through the grain API: co-hosted (the silo's own grain factory, no network), or through an
/// Orleans client over loopback TCP, which is how the ASP.NET Core library reaches a cluster. Sign-ins go through
/// <see cref="SiteAdmissions"/>, as the HTTP API's and the library's do.
/// </summary>
/// <param name="siteCreated">Called once a new site is set up, before the load on it starts (e.g. to issue its key).</param>
/// <param name="keys">
/// The keys an Orleans client acts with (<see cref="CallerKey"/>): the admin key to set a site up, then the site's own;
/// null where the calls are the silo's own.
/// </param>
public sealed class GrainSessionLimiter(
    IGrainFactory grains,
    string name,
    Func<ValueTask>? dispose = null,
    Func<string, Task>? siteCreated = null,
    GrainSessionLimiter.ClientKeys? keys = null) : ISessionLimiter
{
    private readonly SiteAdmissions _admissions = new(grains);
    private readonly ConcurrentDictionary<string, ExecutionContext> _siteFlows = new(StringComparer.Ordinal);
    private long _next;

    public string Name => name;

    public async Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions)
    {
        var site = grains.GetSiteGrain(siteId);
        if (keys is not null)
        {
            // Set here, in this async method, the admin key stays with setting the site up.
            CallerKey.Use(keys.Admin);
        }

        // A site meant to hold more than the default cap of live sessions (the eviction benchmark's) raises its cap, as its operator would.
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = limit, IdleTimeout = idleTimeout, MaxSessions = Math.Max(SiteSettings.DefaultMaxSessions, limit) });
        if (siteCreated is not null)
        {
            await siteCreated(siteId);
        }

        var ids = new string[liveSessions];
        await Parallel.ForAsync(0, liveSessions, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var admitted = await OpenAsync(siteId, Workload.UserId(Interlocked.Increment(ref _next)));
            ids[i] = admitted ?? throw new InvalidOperationException($"Setting up {siteId}: session {i} was refused.");
        });
        return ids;
    }

    public ValueTask<string?> OpenAsync(string siteId, string userId) => InSiteFlow(siteId, async ValueTask<string?> () =>
    {
        var result = await _admissions.OpenSessionAsync(siteId, Workload.Request(Interlocked.Increment(ref _next)) with { UserId = userId });
        return result is SessionAdmitted admitted ? admitted.SessionId.ToString() : null;
    });

    public ValueTask TouchAsync(string siteId, string sessionId) => InSiteFlow(siteId, async ValueTask () =>
    {
        if (await grains.GetSessionGrain(siteId, SessionId.Parse(sessionId)).TouchAsync() is not SessionActive)
        {
            throw new InvalidOperationException($"Session {sessionId} of {siteId} is not live.");
        }
    });

    public ValueTask EndAsync(string siteId, string sessionId) =>
        InSiteFlow(siteId, () => new ValueTask(grains.GetSiteGrain(siteId).SignOutAsync(SessionId.Parse(sessionId))));

    /// <summary>
    /// Starts an operation in a flow that carries the site's key. An app sets its key once per HTTP request
    /// (the library's <c>SiteKeyPerRequest</c>), and every grain call in the request carries it; setting it here for
    /// every operation would charge each grain call with what an app pays once per request (measured: about a tenth
    /// of a touch). So each site's flow is made once, and every operation on the site starts in it.
    /// </summary>
    private TTask InSiteFlow<TTask>(string siteId, Func<TTask> start)
    {
        if (keys is null)
        {
            return start();
        }

        var flow = _siteFlows.GetOrAdd(siteId, id => FlowWith(keys.SiteKeyOf(id)));
        TTask started = default!;
        ExecutionContext.Run(flow, _ => started = start(), null);
        return started;
    }

    /// <summary>The current flow with <paramref name="key"/> added, captured; the current flow is left as it was.</summary>
    private static ExecutionContext FlowWith(string key)
    {
        var current = ExecutionContext.Capture();
        CallerKey.Use(key);
        var flow = ExecutionContext.Capture() ?? throw new InvalidOperationException("The flow of the execution context is suppressed.");
        if (current is not null)
        {
            ExecutionContext.Restore(current);
        }

        return flow;
    }

    /// <summary>An Orleans client's keys: the admin key, and each site's own.</summary>
    public sealed record ClientKeys(string Admin, Func<string, string> SiteKeyOf);

    public ValueTask DisposeAsync() => dispose?.Invoke() ?? ValueTask.CompletedTask;
}
