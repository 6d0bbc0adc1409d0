namespace SessionGrains.Benchmarks.Peers;

/// <summary>A sign-in guard as the benchmark drives it: ask before a password check, report after it.</summary>
public interface ISignInGuardPeer : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Readies a site with the default rules: 4 failures in 600 s block an address for 60 s, 20 a user.</summary>
    Task CreateSiteAsync(string siteId);

    /// <summary>True when the attempt may go on.</summary>
    ValueTask<bool> CheckAsync(string siteId, string clientIp, string userId);

    ValueTask ReportAsync(string siteId, string clientIp, string userId, bool succeeded);
}
