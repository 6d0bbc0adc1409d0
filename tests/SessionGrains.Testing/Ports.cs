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

    /// <summary>A port as a setting's value (environment variables, command lines).</summary>
    public static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
