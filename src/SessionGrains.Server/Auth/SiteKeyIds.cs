using System.Security.Cryptography;
using SessionGrains.Persistence.Secrets;

namespace SessionGrains.Server.Auth;

/// <summary>
/// Site key ids check themselves: 8 random bytes followed by the first 8 bytes of an HMAC-SHA256 over them, under a key
/// derived from the cluster secret; 32 lowercase hex digits in all, the shape key ids always had. A made-up id fails
/// the check in memory, so a stranger's key costs no grain activation and no storage read; guessing a passing id takes
/// 2^64 tries. Ids issued before ids carried check digits pass through <see cref="LegacySiteKeyIds"/>.
/// </summary>
public sealed class SiteKeyIds(ClusterSecret secret, LegacySiteKeyIds legacy)
{
    private const string Purpose = "sessiongrains site key ids v1";
    private const int RandomBytes = 8;
    private const int CheckBytes = 8;

    private byte[]? _key;

    public async ValueTask<string> NewAsync()
    {
        var id = new byte[RandomBytes + CheckBytes];
        RandomNumberGenerator.Fill(id.AsSpan(0, RandomBytes));
        Sign(await KeyAsync(), id.AsSpan(0, RandomBytes), id.AsSpan(RandomBytes));
        return Convert.ToHexStringLower(id);
    }

    /// <summary>True for an id this cluster issued (or one issued before ids carried check digits).</summary>
    public async ValueTask<bool> IsGenuineAsync(string keyId) =>
        ApiKeys.IsKeyId(keyId) && (HasCheckDigits(await KeyAsync(), keyId) || await legacy.ContainsAsync(keyId));

    private static bool HasCheckDigits(byte[] key, string keyId)
    {
        Span<byte> id = stackalloc byte[RandomBytes + CheckBytes];
        Convert.FromHexString(keyId, id, out _, out _);
        Span<byte> expected = stackalloc byte[CheckBytes];
        Sign(key, id[..RandomBytes], expected);
        return CryptographicOperations.FixedTimeEquals(expected, id[RandomBytes..]);
    }

    private async ValueTask<byte[]> KeyAsync() => _key ??= await secret.DeriveKeyAsync(Purpose);

    private static void Sign(byte[] key, ReadOnlySpan<byte> random, Span<byte> check)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, random, mac);
        mac[..CheckBytes].CopyTo(check);
    }
}
