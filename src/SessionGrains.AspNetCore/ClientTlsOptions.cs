using SessionGrains.Tls;

namespace SessionGrains.AspNetCore;

/// <summary>
/// TLS to the cluster's gateways: section <c>SessionGrains:Client:Tls</c>. Off unless <see cref="CaCertificatePath"/>
/// is set; it must be on when the silos have TLS on.
/// </summary>
public sealed class ClientTlsOptions
{
    public const string SectionName = $"{SessionGrainsClientOptions.SectionName}:Tls";

    /// <summary>The certificate authority (PEM or DER) that issued the silos' certificates: the only trust for them.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// This app's client certificate (PEM, key in <see cref="KeyPath"/> or the same file, or PKCS#12), needed when the
    /// silos require client certificates. It must allow clientAuth.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when not in the same file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, or the PEM key's when it is encrypted.</summary>
    public string? CertificatePassword { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CaCertificatePath);

    internal void Validate(List<string> failures)
    {
        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath))
            {
                failures.Add($"{SectionName}:CaCertificatePath must be set to turn TLS on; a client certificate is set without it.");
            }

            return;
        }

        var trust = TlsFileChecks.Trust(SectionName, CaCertificatePath, failures);
        if (!string.IsNullOrWhiteSpace(CertificatePath))
        {
            TlsFileChecks.Certificate(SectionName, CertificatePath, KeyPath, CertificatePassword, PeerRole.Client, trust, failures);
        }
    }
}
