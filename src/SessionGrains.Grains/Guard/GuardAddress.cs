using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace SessionGrains.Grains.Guard;

/// <summary>
/// A client as the guard counts it: an IPv4 address, or the /64 an IPv6 address is in (one subscriber's network: its
/// host part is the client's to choose, so counting whole IPv6 addresses would let one client try 2^64 times as often).
/// </summary>
[GenerateSerializer, Immutable]
internal readonly record struct GuardAddress([property: Id(0)] ulong High, [property: Id(1)] ulong Low)
{
    private const ulong MappedIPv4 = 0x0000_FFFF_0000_0000;
    private const string PrefixSuffix = "/64";

    /// <summary>Reads an address as <see cref="RequestRules.TryParseClientIp"/> does, or a /64 as <see cref="ToString"/> writes it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out GuardAddress? address)
    {
        address = null;
        var prefix = text?.EndsWith(PrefixSuffix, StringComparison.Ordinal) == true;
        if (!RequestRules.TryParseClientIp(prefix ? text![..^PrefixSuffix.Length] : text, out var ip))
        {
            return false;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            if (prefix)
            {
                return false;
            }

            Span<byte> v4 = stackalloc byte[4];
            ip.TryWriteBytes(v4, out _);
            address = new GuardAddress(0, MappedIPv4 | BinaryPrimitives.ReadUInt32BigEndian(v4));
            return true;
        }

        Span<byte> v6 = stackalloc byte[16];
        ip.TryWriteBytes(v6, out _);
        address = new GuardAddress(BinaryPrimitives.ReadUInt64BigEndian(v6), 0);
        return true;
    }

    public bool IsIPv4 => High == 0 && (Low & 0xFFFF_FFFF_0000_0000) == MappedIPv4;

    public override string ToString()
    {
        if (IsIPv4)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)Low);
            return new IPAddress(v4).ToString();
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(v6, High);
        return new IPAddress(v6).ToString() + PrefixSuffix;
    }
}
