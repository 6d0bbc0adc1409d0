using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionGrains.Tls;

/// <summary>
/// Decides whether a certificate a peer presented belongs to this cluster: it must chain to one of the configured
/// certificate authorities (and only those: the machine's trusted roots play no part), be within its validity period and
/// allow the key usages of its <see cref="PeerRole"/>. Host names are not checked: silos and gateways are reached by
/// the IP addresses in the membership table, so the cluster's own CA is what marks a member.
/// </summary>
public sealed class PeerTrust(X509Certificate2Collection authorities)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The key usages a certificate of <paramref name="role"/> must allow (all of them).</summary>
    public static IReadOnlyList<Oid> UsagesOf(PeerRole role) => role == PeerRole.Silo
        ? [ServerAuthentication, ClientAuthentication]
        : [ClientAuthentication];

    /// <summary>The usages of <see cref="UsagesOf"/> as openssl names them.</summary>
    public static string UsageNames(PeerRole role) => role == PeerRole.Silo ? "serverAuth and clientAuth" : "clientAuth";

    /// <param name="certificate">The peer's certificate.</param>
    /// <param name="presented">The chain the TLS handshake built, whose intermediate certificates may help; not trusted.</param>
    /// <param name="role">What the peer must be.</param>
    public bool Accepts(X509Certificate2 certificate, X509Chain? presented, PeerRole role)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(authorities);

        // A private CA publishes no revocation lists; a compromised certificate is retired by replacing the CA.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var usage in UsagesOf(role))
        {
            policy.ApplicationPolicy.Add(usage);
        }

        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }
}
