namespace SessionGrains.Benchmarks.Peers;

/// <summary>SessionGrains' sign-in guard through a grain factory: a co-hosted silo's or an Orleans client's.</summary>
public sealed class GrainSignInGuard(IGrainFactory grains, string name) : ISignInGuardPeer
{
    public string Name => name;

    public Task CreateSiteAsync(string siteId) =>
        grains.GetSiteGrain(siteId).UpdateSettingsAsync(new SiteSettingsUpdate { Limit = 100 });

    public async ValueTask<bool> CheckAsync(string siteId, string clientIp, string userId) =>
        await grains.GetSignInGuard(siteId).CheckAsync(new SignInAttempt { ClientIp = clientIp, UserId = userId }) is SignInAllowed;

    public ValueTask ReportAsync(string siteId, string clientIp, string userId, bool succeeded) =>
        new(grains.GetSignInGuard(siteId).ReportAsync(new SignInAttempt { ClientIp = clientIp, UserId = userId }, succeeded));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
