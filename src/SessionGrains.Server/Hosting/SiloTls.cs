using Orleans.Configuration;
using Orleans.Connections.Security;
using SessionGrains.Tls;

namespace SessionGrains.Server.Hosting;

internal static class SiloTls
{
    /// <summary>
    /// TLS on every Orleans connection of this silo. Between silos both ends present their certificate and check the
    /// other's against the cluster's CA; at the gateway, clients check the silo's, and the silo checks theirs when
    /// client certificates are required. Orleans' <c>UseTls</c> gives both listening ports one policy, so the three
    /// kinds of connection are set up here one by one, each with its own.
    /// </summary>
    public static ISiloBuilder UseSessionGrainsTls(this ISiloBuilder silo, SiloTlsOptions tls)
    {
        var certificate = CertificateFiles.LoadWithKey(tls.CertificatePath!, tls.KeyPath, tls.CertificatePassword);
        var trust = new PeerTrust(CertificateFiles.LoadAuthorities(tls.CaCertificatePath!));

        // The peers' chains are judged by PeerTrust alone: the machine's roots do not know the cluster's CA, and peers
        // are reached by IP address, so the handshake's own verdict (policy errors) has nothing to add.
        var betweenSilos = new TlsOptions
        {
            LocalCertificate = certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (peer, chain, _) => trust.Accepts(peer, chain, PeerRole.Silo),
        };
        var gateway = new TlsOptions
        {
            LocalCertificate = certificate,
            RemoteCertificateMode = tls.RequireClientCertificates ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.NoCertificate,
            RemoteCertificateValidation = (peer, chain, _) => trust.Accepts(peer, chain, PeerRole.Client),
        };

        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(betweenSilos));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(betweenSilos));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(gateway));
        });
    }
}
