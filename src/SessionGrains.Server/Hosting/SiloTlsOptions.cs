namespace SessionGrains.Server.Hosting;

/// <summary>
/// TLS on the silo and gateway ports: section <c>SessionGrains:Tls</c>. Off unless <see cref="CertificatePath"/> is set;
/// required once silos or web apps talk across a network.
/// </summary>
public sealed class SiloTlsOptions
{
    public const string SectionName = $"{SessionGrainsOptions.SectionName}:Tls";

    /// <summary>
    /// This silo's certificate: a PEM file (key in <see cref="KeyPath"/> or the same file) or a PKCS#12 file (.pfx, .p12).
    /// It is presented to other silos, which it also connects to, and to clients: it must allow serverAuth and clientAuth.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>, when not in the same file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, or the PEM key's when it is encrypted.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The certificate authority (PEM or DER) that issued the cluster's certificates: the only trust for peers.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Orleans clients must present a certificate from <see cref="CaCertificatePath"/> at the gateway.</summary>
    public bool RequireClientCertificates { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
