namespace SessionGrains.Grains.Sites;

/// <summary>Questions put to many sites at once: every site's summary, a set of sites' usage.</summary>
public static class SiteSummaries
{
    // Sites are asked in parallel, but not all at once: a provider may run thousands.
    private const int Parallelism = 32;

    /// <summary>Every known site's summary, in site id order.</summary>
    public static async Task<IReadOnlyList<SiteSummary>> GetSiteSummariesAsync(this IGrainFactory grains, CancellationToken cancellationToken = default)
    {
        var siteIds = await grains.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).ListAsync();
        return await AskEachAsync(grains, siteIds, site => site.GetSummaryAsync(), cancellationToken);
    }

    /// <summary>Each site's usage over the range as one period (<see cref="UsageGranularity.Total"/>); null for a site without activity in it.</summary>
    public static async Task<IReadOnlyList<SiteUsage?>> GetUsageTotalsAsync(
        this IGrainFactory grains,
        IReadOnlyList<string> siteIds,
        DateOnly firstDay,
        DateOnly lastDay,
        CancellationToken cancellationToken = default)
    {
        var periods = await AskEachAsync(grains, siteIds, site => site.GetUsageAsync(firstDay, lastDay, UsageGranularity.Total), cancellationToken);
        return [.. periods.Select(total => total.Count > 0 ? total[0] : null)];
    }

    /// <summary>The answers of the sites, in the order of <paramref name="siteIds"/>.</summary>
    private static async Task<T[]> AskEachAsync<T>(IGrainFactory grains, IReadOnlyList<string> siteIds, Func<ISiteGrain, Task<T>> ask, CancellationToken cancellationToken)
    {
        var answers = new T[siteIds.Count];
        await Parallel.ForAsync(
            0,
            siteIds.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, _) => answers[i] = await ask(grains.GetSiteGrain(siteIds[i])));
        return answers;
    }
}
