using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Server.Auth;

/// <summary>The operator's key, held only as a hash in memory.</summary>
public sealed class AdminKey(byte[] hash)
{
    private static readonly byte[] DerivationSalt = "sessiongrains admin key derivation v1"u8.ToArray();

    public bool Matches(string presented) => ApiKeys.Matches(presented, hash);

    /// <summary>
    /// A 256-bit key for one purpose, the same on every server that has this admin key and different for any other
    /// admin key: what one server protects, every server of the cluster can read, until the admin key changes.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, hash, 32, DerivationSalt, Encoding.UTF8.GetBytes(purpose));
}
