using System.Net;

namespace SessionGrains.Server.RateLimits;

/// <summary>
/// The network a client address is counted under: an IPv4 address on its own (/32), an IPv6 address by its /64, the
/// smallest block one subscriber usually gets, so one host cannot dodge a limit by walking through its own addresses.
/// </summary>
public static class ClientNetwork
{
    private const int Ipv6PrefixBytes = 8;

    public static IPAddress Of(IPAddress address)
    {
        // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d: they are IPv4 clients.
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[Ipv6PrefixBytes..].Clear();
        return new IPAddress(bytes);
    }
}
