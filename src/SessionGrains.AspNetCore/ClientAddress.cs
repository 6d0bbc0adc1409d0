using System.Net;
using System.Net.Sockets;

namespace SessionGrains.AspNetCore;

/// <summary>A connection's client address as the site takes it.</summary>
internal static class ClientAddress
{
    // An IPv4 client over an IPv6 socket as IPv4; an IPv6 address without its zone (fe80::1%2): the zone names an
    // interface of this host, not the client, and the site refuses it.
    public static string? Of(IPAddress? address) => address switch
    {
        null => null,
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        { AddressFamily: AddressFamily.InterNetworkV6 } => new IPAddress(address.GetAddressBytes()).ToString(),
        _ => address.ToString(),
    };
}
