namespace SessionGrains;

/// <summary>How much a site's guard holds: the addresses and users with recent failures or a block.</summary>
[GenerateSerializer, Immutable]
public sealed record GuardTracking
{
    [Id(0)]
    public required int Addresses { get; init; }

    [Id(1)]
    public required int Users { get; init; }
}
