using Orleans.Connections.Security;
using SessionGrains.Tls;

namespace SessionGrains.AspNetCore;

internal static class ClientTls
{
    /// <summary>
    /// TLS on the connections to the gateways, when configured: the silo's certificate must chain to the configured CA,
    /// and this app presents its own certificate when it has one.
    /// </summary>
    public static void ConfigureTls(IClientBuilder orleans, SessionGrainsClientOptions client)
    {
        var tls = client.Tls;
        if (!tls.Enabled)
        {
            return;
        }

        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(tls.CaCertificatePath!));
        var certificate = string.IsNullOrWhiteSpace(tls.CertificatePath)
            ? null
            : CertificateFiles.LoadWithKey(tls.CertificatePath, tls.KeyPath, tls.CertificatePassword);
        orleans.UseTls(options =>
        {
            options.LocalCertificate = certificate;
            options.ClientCertificateMode = certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;

            // PeerTrust alone judges the silo's chain: the machine's roots do not know the cluster's CA, and gateways are
            // reached by IP address, so the handshake's own verdict (policy errors) has nothing to add.
            options.RemoteCertificateValidation = (silo, chain, _) => trust.Accepts(silo, chain, PeerRole.Silo);
        });
    }
}
