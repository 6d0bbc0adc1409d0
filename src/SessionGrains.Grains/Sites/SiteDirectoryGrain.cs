namespace SessionGrains.Grains.Sites;

/// <summary>
/// Remembers which sites exist. Sites register once, on their first write, so this grain sees a call per new
/// site, never per admission.
/// </summary>
public sealed class SiteDirectoryGrain(
    [PersistentState("directory", StorageNames.Default)] IPersistentState<SiteDirectoryState> state) : Grain, ISiteDirectoryGrain
{
    public async Task RegisterAsync(string siteId)
    {
        RequestRules.EnsureValidSiteId(siteId);
        if (state.State.SiteIds.Add(siteId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.SiteIds]);
}

[GenerateSerializer]
public sealed record SiteDirectoryState
{
    [Id(0)]
    public SortedSet<string> SiteIds { get; set; } = new(StringComparer.Ordinal);
}
