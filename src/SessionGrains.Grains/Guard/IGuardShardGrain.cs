namespace SessionGrains.Grains.Guard;

/// <summary>
/// One shard of a site's guard (key: <c>{siteId}/{shard}</c>): the addresses and users that hash to it. Called by the
/// site's guard (<see cref="SignInGuardGrain"/>) only; an address, a user or both per call.
/// </summary>
internal interface IGuardShardGrain : IGrainWithStringKey
{
    Task<GuardVerdict> CheckAsync(GuardAddress? address, string? userId);

    Task ReportAsync(GuardAddress? address, string? userId, bool succeeded);

    Task<IReadOnlyList<SignInBlock>> GetBlocksAsync();

    Task<bool> LiftAsync(GuardAddress? address, string? userId);

    Task<GuardTracking> GetTrackingAsync();
}
