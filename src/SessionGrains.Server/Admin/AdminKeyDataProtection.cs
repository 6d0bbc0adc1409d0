using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using SessionGrains.Server.Auth;

namespace SessionGrains.Server.Admin;

/// <summary>
/// Protects the admin UI's cookies and anti-forgery tokens with AES-256-GCM under keys derived from the admin key.
/// Every server of a cluster shares the admin key, so an operator's sign-in and form tokens are good on whichever
/// server the load balancer picks, without a key ring to store and share; changing the admin key signs everyone out.
/// </summary>
internal sealed class AdminKeyDataProtectionProvider(AdminKey adminKey) : IDataProtectionProvider
{
    public IDataProtector CreateProtector(string purpose) => new Protector(adminKey, purpose);

    private sealed class Protector(AdminKey adminKey, string purposes) : IDataProtector
    {
        private const byte Version = 1;
        private const int NonceSize = 12;
        private const int TagSize = 16;

        private readonly byte[] _key = adminKey.DeriveKey($"data-protection\n{purposes}");

        public IDataProtector CreateProtector(string purpose) => new Protector(adminKey, $"{purposes}\n{purpose}");

        public byte[] Protect(byte[] plaintext)
        {
            var output = new byte[1 + NonceSize + plaintext.Length + TagSize];
            output[0] = Version;
            var nonce = output.AsSpan(1, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(_key, TagSize);
            aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize, plaintext.Length), output.AsSpan(^TagSize), [Version]);
            return output;
        }

        public byte[] Unprotect(byte[] protectedData)
        {
            if (protectedData.Length < 1 + NonceSize + TagSize || protectedData[0] != Version)
            {
                throw new CryptographicException("The protected payload is malformed.");
            }

            var length = protectedData.Length - 1 - NonceSize - TagSize;
            var plaintext = new byte[length];
            using var aes = new AesGcm(_key, TagSize);

            // Throws AuthenticationTagMismatchException for anything not protected by this key and purpose.
            aes.Decrypt(protectedData.AsSpan(1, NonceSize), protectedData.AsSpan(1 + NonceSize, length), protectedData.AsSpan(^TagSize), plaintext, [Version]);
            return plaintext;
        }
    }
}
