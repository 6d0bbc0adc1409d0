using System.Security.Cryptography.X509Certificates;
using SessionGrains.Tls;

namespace SessionGrains.Tests.Unit.Tls;

/// <summary>What a silo or a client accepts from the other end of a TLS connection: only the cluster CA's certificates, in their role.</summary>
public sealed class PeerTrustTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly TestCertificates _otherAuthority = TestCertificates.Create("other-ca");

    public void Dispose()
    {
        _certificates.Dispose();
        _otherAuthority.Dispose();
    }

    [Fact]
    public void A_silo_certificate_from_the_cluster_CA_passes_as_a_silo_and_as_a_client()
    {
        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(_certificates.CaPath));
        using var silo = Load(_certificates.IssueSilo("silo"));

        Assert.True(trust.Accepts(silo, null, PeerRole.Silo));
        Assert.True(trust.Accepts(silo, null, PeerRole.Client));
    }

    [Fact]
    public void A_client_certificate_passes_at_the_gateway_but_cannot_pose_as_a_silo()
    {
        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(_certificates.CaPath));
        using var client = Load(_certificates.IssueClient("web"));

        Assert.True(trust.Accepts(client, null, PeerRole.Client));
        Assert.False(trust.Accepts(client, null, PeerRole.Silo));
    }

    [Fact]
    public void A_certificate_from_another_CA_passes_nowhere_even_with_its_CA_in_the_presented_chain()
    {
        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(_certificates.CaPath));
        using var foreign = Load(_otherAuthority.IssueSilo("foreign"));
        using var presented = new X509Chain();
        presented.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        presented.ChainPolicy.CustomTrustStore.AddRange(CertificateFiles.LoadAuthorities(_otherAuthority.CaPath));
        presented.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(presented.Build(foreign));

        Assert.False(trust.Accepts(foreign, presented, PeerRole.Silo));
        Assert.False(trust.Accepts(foreign, null, PeerRole.Client));
    }

    [Fact]
    public void The_CA_file_may_hold_several_authorities()
    {
        var bundle = Path.Combine(Path.GetDirectoryName(_certificates.CaPath)!, "bundle.pem");
        File.WriteAllLines(bundle, [File.ReadAllText(_certificates.CaPath), File.ReadAllText(_otherAuthority.CaPath)]);
        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(bundle));
        using var foreign = Load(_otherAuthority.IssueSilo("foreign"));

        Assert.True(trust.Accepts(foreign, null, PeerRole.Silo));
    }

    private static X509Certificate2 Load(IssuedCertificate issued) => CertificateFiles.LoadWithKey(issued.CertificatePath, issued.KeyPath, null);
}
