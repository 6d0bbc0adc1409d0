namespace SessionGrains;

public static class GrainFactoryExtensions
{
    public static ISiteGrain GetSiteGrain(this IGrainFactory grains, string siteId) =>
        grains.GetGrain<ISiteGrain>(siteId);

    public static ISessionGrain GetSessionGrain(this IGrainFactory grains, string siteId, SessionId sessionId) =>
        grains.GetGrain<ISessionGrain>(sessionId.Value, siteId);

    public static ISignInGuardGrain GetSignInGuard(this IGrainFactory grains, string siteId) =>
        grains.GetGrain<ISignInGuardGrain>(siteId);
}
