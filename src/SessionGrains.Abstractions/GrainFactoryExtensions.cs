namespace SessionGrains;

public static class GrainFactoryExtensions
{
    // Sites are asked in parallel, but not all at once: a provider may run thousands.
    private const int SummaryParallelism = 32;

    public static ISiteGrain GetSiteGrain(this IGrainFactory grains, string siteId) =>
        grains.GetGrain<ISiteGrain>(siteId);

    public static ISessionGrain GetSessionGrain(this IGrainFactory grains, string siteId, SessionId sessionId) =>
        grains.GetGrain<ISessionGrain>(sessionId.Value, siteId);

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
