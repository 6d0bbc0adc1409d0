using System.Security.Cryptography.X509Certificates;

namespace SessionGrains.Tls;

/// <summary>Reads the certificates that secure the cluster's connections from files, in PEM or PKCS#12 (.pfx, .p12).</summary>
public static class CertificateFiles
{
    /// <summary>
    /// A certificate with its private key: a PKCS#12 file opened with <paramref name="password"/>, or a PEM certificate
    /// whose key is in <paramref name="keyPath"/> (or in the same file), encrypted when <paramref name="password"/> is given.
    /// </summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string? keyPath, string? password)
    {
        if (IsPkcs12(certificatePath))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password);
        }

        keyPath = string.IsNullOrWhiteSpace(keyPath) ? null : keyPath;
        using var pem = string.IsNullOrEmpty(password)
            ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);

        // A key read from PEM lives only in memory, which SslStream cannot use on Windows: hand it a PKCS#12 copy.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The certificate authorities a file holds: one or more PEM certificates, or one DER certificate.</summary>
    public static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        if (File.ReadAllBytes(path).AsSpan().IndexOf("-----BEGIN CERTIFICATE-----"u8) >= 0)
        {
            authorities.ImportFromPemFile(path);
        }
        else
        {
            authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }

        return authorities;
    }

    private static bool IsPkcs12(string path) =>
        Path.GetExtension(path).ToUpperInvariant() is ".PFX" or ".P12";
}
