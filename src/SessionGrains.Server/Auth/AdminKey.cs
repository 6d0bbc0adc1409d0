using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Server.Auth;

/// <summary>The operator's key, held only as a hash in memory.</summary>
public sealed class AdminKey(byte[] hash)
{
    private static readonly byte[] FingerprintLabel = "sessiongrains admin key fingerprint v1\n"u8.ToArray();

    /// <summary>
    /// Names this admin key without revealing it: a hash of the key's hash, the same on every server that has this
    /// key. An operator's cookie carries it (inside the cookie's encryption), so changing the key signs operators out.
    /// </summary>
    public string Fingerprint { get; } = Convert.ToBase64String(SHA256.HashData([.. FingerprintLabel, .. hash]));

    public bool Matches(string presented) => ApiKeys.Matches(presented, hash);

    public bool HasFingerprint(string? fingerprint) =>
        fingerprint is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(fingerprint), Encoding.ASCII.GetBytes(Fingerprint));
}
