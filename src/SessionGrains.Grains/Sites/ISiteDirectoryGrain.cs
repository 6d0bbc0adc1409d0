namespace SessionGrains.Grains.Sites;

/// <summary>
/// The list of sites that exist (key: <see cref="Key"/>, one per cluster). A site enters it the first time it
/// stores anything: when an operator configures it or when its first session is admitted.
/// </summary>
public interface ISiteDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    Task RegisterAsync(string siteId);

    /// <summary>Every known site id, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}
