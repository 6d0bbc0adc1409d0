using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SessionGrains.Testing;

public static class Ports
{
    /// <summary>A loopback port nobody listens on right now (another process may take it before the caller binds it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Two different free loopback ports (a silo's and its gateway's): the first stays bound while the second is
    /// chosen, so the kernel cannot hand out the same one twice.
    /// </summary>
    public static (int First, int Second) FreePair()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        using var second = new TcpListener(IPAddress.Loopback, 0);
        second.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }

    /// <summary>A port as a setting's value (environment variables, command lines).</summary>
    public static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
