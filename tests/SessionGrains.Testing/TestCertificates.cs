using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionGrains.Testing;

/// <summary>
/// A certificate authority made for one test run and the certificates it issues, written as files to a temp folder
/// (deleted on dispose), as an operator would give them to the servers and web apps.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Pkcs12Password = "pkcs12-password-that-must-never-be-logged";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly TempFolder _folder;
    private readonly X509Certificate2 _authority;

    private TestCertificates(TempFolder folder, X509Certificate2 authority, string caPath)
    {
        _folder = folder;
        _authority = authority;
        CaPath = caPath;
    }

    /// <summary>The authority's certificate, PEM.</summary>
    public string CaPath { get; }

    public static TestCertificates Create(string name = "test-ca")
    {
        var folder = new TempFolder("sessiongrains-certificates");
        Directory.CreateDirectory(folder.Path);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddDays(-30), now.AddDays(60));
        var caPath = Path.Combine(folder.Path, $"{name}.pem");
        File.WriteAllText(caPath, authority.ExportCertificatePem());
        return new TestCertificates(folder, authority, caPath);
    }

    /// <summary>A silo's certificate: serverAuth and clientAuth, for 127.0.0.1.</summary>
    public IssuedCertificate IssueSilo(string name) => Issue(name, [ServerAuthentication, ClientAuthentication]);

    /// <summary>A web app's client certificate: clientAuth only.</summary>
    public IssuedCertificate IssueClient(string name) => Issue(name, [ClientAuthentication]);

    /// <summary>A certificate with the given extended key usages, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: yesterday to a month on).</summary>
    public IssuedCertificate Issue(string name, Oid[] usages, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var extendedUsages = new OidCollection();
        foreach (var usage in usages)
        {
            extendedUsages.Add(usage);
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(extendedUsages, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(_authority, notBefore ?? now.AddDays(-1), notAfter ?? now.AddDays(30), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        var certificatePath = Path.Combine(_folder.Path, $"{name}.pem");
        var keyPath = Path.Combine(_folder.Path, $"{name}.key");
        var pkcs12Path = Path.Combine(_folder.Path, $"{name}.pfx");
        File.WriteAllText(certificatePath, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(pkcs12Path, withKey.Export(X509ContentType.Pkcs12, Pkcs12Password));
        return new IssuedCertificate(certificatePath, keyPath, pkcs12Path);
    }

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Dispose();
    }
}

/// <summary>An issued certificate's files: PEM certificate, PEM private key, and both in one PKCS#12 file (<see cref="TestCertificates.Pkcs12Password"/>).</summary>
public sealed record IssuedCertificate(string CertificatePath, string KeyPath, string Pkcs12Path);
