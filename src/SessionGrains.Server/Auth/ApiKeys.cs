using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Server.Auth;

/// <summary>
/// The shape of site keys: <c>sgk_{keyId}_{secret}</c>, a public 128-bit id that finds the key's record (and checks
/// itself, <see cref="SiteKeyIds"/>) and a 256-bit secret of which only a SHA-256 hash is stored. The secret is random, not a password,
/// so a fast hash is as safe as a slow one and keeps every request cheap.
/// </summary>
public static class ApiKeys
{
    private const string SitePrefix = "sgk_";

    /// <summary>A new key with the id <paramref name="keyId"/> (made by <see cref="SiteKeyIds.NewAsync"/>).</summary>
    public static (string Key, byte[] SecretHash) NewSiteKey(string keyId)
    {
        var secret = NewSecret();
        return ($"{SitePrefix}{keyId}_{secret}", Hash(secret));
    }

    /// <summary>A random secret for the admin key: 256 bits, URL-safe base64.</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static bool IsKeyId([NotNullWhen(true)] string? text) =>
        text is { Length: 32 } && text.All(char.IsAsciiHexDigitLower);

    public static bool TryParseSiteKey(string presented, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = null;
        secret = null;
        if (!presented.StartsWith(SitePrefix, StringComparison.Ordinal) || presented.Length != SitePrefix.Length + 32 + 1 + 43)
        {
            return false;
        }

        var id = presented.Substring(SitePrefix.Length, 32);
        if (!IsKeyId(id) || presented[SitePrefix.Length + 32] != '_')
        {
            return false;
        }

        keyId = id;
        secret = presented[(SitePrefix.Length + 33)..];
        return true;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time, so response times say nothing about how much of a key was right.</summary>
    public static bool Matches(string secret, byte[] expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), expectedHash);
}
