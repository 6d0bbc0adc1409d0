namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// SessionGrains through the grain API: co-hosted (the silo's own grain factory, no network), or through an
/// Orleans client over loopback TCP, which is how the ASP.NET Core library reaches a cluster. Sign-ins go through
/// <see cref="SiteAdmissions"/>, as the HTTP API's and the library's do.
/// </summary>
/// <param name="siteCreated">Called once a new site is set up, before the load on it starts (e.g. to issue its key).</param>
/// <param name="keys">
/// The keys an Orleans client acts with (<see cref="CallerKey"/>): the admin key to set a site up, then the site's own;
/// null where the calls are the silo's own. Each operation sets its key in its own flow, as the library does once per
/// HTTP request.
/// </param>
public sealed class GrainSessionLimiter(
    IGrainFactory grains,
    string name,
    Func<ValueTask>? dispose = null,
    Func<string, Task>? siteCreated = null,
    GrainSessionLimiter.ClientKeys? keys = null) : ISessionLimiter
{
    private readonly SiteAdmissions _admissions = new(grains);
    private long _next;

    public string Name => name;

    public async Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions)
    {
        var site = grains.GetSiteGrain(siteId);
        Act(keys?.Admin);
        await site.UpdateSettingsAsync(new SiteSettingsUpdate { Limit = limit, IdleTimeout = idleTimeout });
        if (siteCreated is not null)
        {
            await siteCreated(siteId);
        }

        var ids = new string[liveSessions];
        await Parallel.ForAsync(0, liveSessions, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            ActFor(siteId);
            var result = await _admissions.OpenSessionAsync(siteId, Workload.Request(Interlocked.Increment(ref _next)));
            ids[i] = result is SessionAdmitted admitted
                ? admitted.SessionId.ToString()
                : throw new InvalidOperationException($"Setting up {siteId}: session {i} was refused.");
        });
        return ids;
    }

    public async ValueTask<string?> OpenAsync(string siteId, string userId)
    {
        ActFor(siteId);
        var result = await _admissions.OpenSessionAsync(siteId, Workload.Request(Interlocked.Increment(ref _next)) with { UserId = userId });
        return result is SessionAdmitted admitted ? admitted.SessionId.ToString() : null;
    }

    public async ValueTask TouchAsync(string siteId, string sessionId)
    {
        ActFor(siteId);
        if (await grains.GetSessionGrain(siteId, SessionId.Parse(sessionId)).TouchAsync() is not SessionActive)
        {
            throw new InvalidOperationException($"Session {sessionId} of {siteId} is not live.");
        }
    }

    public async ValueTask EndAsync(string siteId, string sessionId)
    {
        ActFor(siteId);
        await grains.GetSessionGrain(siteId, SessionId.Parse(sessionId)).LogoutAsync();
    }

    private void ActFor(string siteId) => Act(keys?.SiteKeyOf(siteId));

    // Called at the top of an async method: the key stays with that method's calls (RequestContext is async-local).
    private static void Act(string? key)
    {
        if (key is not null)
        {
            CallerKey.Use(key);
        }
    }

    /// <summary>An Orleans client's keys: the admin key, and each site's own.</summary>
    public sealed record ClientKeys(string Admin, Func<string, string> SiteKeyOf);

    public ValueTask DisposeAsync() => dispose?.Invoke() ?? ValueTask.CompletedTask;
}
