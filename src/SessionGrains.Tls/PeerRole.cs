namespace SessionGrains.Tls;

/// <summary>What a peer on a TLS connection of the cluster claims to be, and so which key usages its certificate needs.</summary>
public enum PeerRole
{
    /// <summary>A silo: it accepts connections and opens them to other silos, so its certificate serves both ends.</summary>
    Silo,

    /// <summary>An Orleans client (a web app using the library) presenting a client certificate at a gateway.</summary>
    Client,
}
