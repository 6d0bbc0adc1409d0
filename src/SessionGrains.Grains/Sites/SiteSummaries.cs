namespace SessionGrains.Grains.Sites;

public static class SiteSummaries
{
    // Sites are asked in parallel, but not all at once: a provider may run thousands.
    private const int SummaryParallelism = 32;

    /// <summary>Every known site's summary, in site id order.</summary>
    public static async Task<IReadOnlyList<SiteSummary>> GetSiteSummariesAsync(this IGrainFactory grains, CancellationToken cancellationToken = default)
    {
        var siteIds = await grains.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).ListAsync();
        var summaries = new SiteSummary[siteIds.Count];
        await Parallel.ForAsync(
            0,
            siteIds.Count,
            new ParallelOptions { MaxDegreeOfParallelism = SummaryParallelism, CancellationToken = cancellationToken },
            async (i, _) => summaries[i] = await grains.GetSiteGrain(siteIds[i]).GetSummaryAsync());
        return summaries;
    }
}
