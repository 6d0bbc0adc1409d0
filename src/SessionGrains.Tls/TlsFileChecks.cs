using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionGrains.Tls;

/// <summary>
/// Start-up checks of the TLS settings of a silo or a client: each file exists and loads, and the own certificate is
/// one the peers will accept. Failures name the setting (<c>{section}:{setting}</c>) and never hold a password.
/// </summary>
public static class TlsFileChecks
{
    /// <summary>The authorities of setting <c>{section}:CaCertificatePath</c>, or null with a failure.</summary>
    public static PeerTrust? Trust(string section, string? path, List<string> failures)
    {
        var setting = $"{section}:CaCertificatePath";
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{setting} must name the PEM or DER file of the certificate authority that issued the cluster's certificates.");
            return null;
        }

        if (!Readable(setting, path, failures))
        {
            return null;
        }

        try
        {
            var authorities = CertificateFiles.LoadAuthorities(path);
            if (authorities.Count > 0)
            {
                return new PeerTrust(authorities);
            }

            failures.Add($"{setting}: {path} holds no certificate.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"{setting}: {path} could not be read as a PEM or DER certificate ({ex.Message}).");
        }

        return null;
    }

    /// <summary>
    /// Checks the own certificate of settings <c>{section}:CertificatePath</c>, <c>KeyPath</c> and
    /// <c>CertificatePassword</c>: it loads with its private key, allows the usages of <paramref name="role"/> and,
    /// when <paramref name="trust"/> is known, chains to it as the peers will require.
    /// </summary>
    public static void Certificate(string section, string path, string? keyPath, string? password, PeerRole role, PeerTrust? trust, List<string> failures)
    {
        var setting = $"{section}:CertificatePath";
        if (!Readable(setting, path, failures) || (!string.IsNullOrWhiteSpace(keyPath) && !Readable($"{section}:KeyPath", keyPath, failures)))
        {
            return;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = CertificateFiles.LoadWithKey(path, keyPath, password);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            // The messages name what is wrong (no key found, wrong password), never the password itself.
            failures.Add($"{setting}: {path} could not be read as a PKCS#12 file (.pfx or .p12, opened with {section}:CertificatePassword) or a PEM certificate with its private key (in {section}:KeyPath or the same file): {ex.Message}");
            return;
        }

        using (certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                failures.Add($"{setting}: {path} holds no private key for its certificate.");
                return;
            }

            var usages = PeerTrust.UsagesOf(role);
            if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } extended
                && usages.Any(usage => extended.EnhancedKeyUsages[usage.Value!] is null))
            {
                failures.Add($"{setting}: the certificate's extended key usage must include {PeerTrust.UsageNames(role)}.");
                return;
            }

            if (trust is not null && !trust.Accepts(certificate, null, role))
            {
                failures.Add($"{setting}: the certificate does not chain to {section}:CaCertificatePath, or is expired or not yet valid, so the cluster would refuse it.");
            }
        }
    }

    private static bool Readable(string setting, string path, List<string> failures)
    {
        if (File.Exists(path))
        {
            return true;
        }

        failures.Add($"{setting}: there is no file {path}.");
        return false;
    }
}
