using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace SessionGrains.Grains.Guard;

/// <summary>
/// How a site's guard is split: <see cref="Count"/> shard grains per site, each tracking at most
/// <see cref="CapacityPerShard"/> addresses and as many users. An address and a user go to the shard their hash names,
/// the same on every silo (so not <see cref="string.GetHashCode()"/>, which each process seeds anew), so every silo
/// finds the same counters.
/// </summary>
internal static class GuardShards
{
    private const int CountBits = 4;

    public const int Count = 1 << CountBits;
    public const int CapacityPerShard = 16_384;

    /// <summary>Addresses (and users) one site tracks at most.</summary>
    public const int CapacityPerSite = Count * CapacityPerShard;

    public static IGuardShardGrain Of(IGrainFactory grains, string siteId, int shard) =>
        grains.GetGrain<IGuardShardGrain>($"{siteId}/{shard}");

    // Fibonacci hashing: the top bits of the product mix every bit of the address.
    public static int ShardOf(GuardAddress address) => (int)(((address.High ^ address.Low) * 0x9E37_79B9_7F4A_7C15UL) >> (64 - CountBits));

    public static int ShardOf(string userId) => (int)(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(userId.AsSpan())) % Count);
}
