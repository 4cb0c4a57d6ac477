using System.Net;
using System.Net.Sockets;

namespace Larkway.Hub.Platform.Outbound;

/// <summary>Why an address is not public.</summary>
internal enum NonPublicAddress
{
    Loopback,
    Private,
    LinkLocal,
    UniqueLocal,
    SharedCgnat,
    Multicast,
    Unspecified,
    Reserved,
}

/// <summary>
/// Which addresses a URL from data may not reach: loopback, private (RFC 1918), link-local (cloud metadata lives at
/// 169.254.169.254), unique-local, shared CGNAT space, multicast, unspecified and reserved — and the same in an IPv6
/// form that carries an IPv4 address (mapped, compatible, 6to4, NAT64), since the stack or a gateway reaches the IPv4 one.
/// </summary>
internal static class OutboundAddressPolicy
{
    /// <summary>Why <paramref name="address"/> is refused, or null when it is public.</summary>
    public static NonPublicAddress? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetwork ? RefusalV4(address.GetAddressBytes()) : RefusalV6(address.GetAddressBytes());
    }

    /// <summary>The words a refusal message uses for <paramref name="kind"/>.</summary>
    public static string Describe(NonPublicAddress kind) => kind switch
    {
        NonPublicAddress.Loopback => "loopback",
        NonPublicAddress.Private => "private network",
        NonPublicAddress.LinkLocal => "link-local",
        NonPublicAddress.UniqueLocal => "unique-local",
        NonPublicAddress.SharedCgnat => "shared CGNAT space",
        NonPublicAddress.Multicast => "multicast",
        NonPublicAddress.Unspecified => "unspecified",
        _ => "reserved",
    };

    private static NonPublicAddress? RefusalV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 => NonPublicAddress.Unspecified,                                  // 0.0.0.0/8, "this network"
        10 => NonPublicAddress.Private,
        127 => NonPublicAddress.Loopback,
        100 when (b[1] & 0xC0) == 64 => NonPublicAddress.SharedCgnat,      // 100.64.0.0/10
        169 when b[1] == 254 => NonPublicAddress.LinkLocal,
        172 when (b[1] & 0xF0) == 16 => NonPublicAddress.Private,          // 172.16.0.0/12
        192 when b[1] == 168 => NonPublicAddress.Private,
        192 when b[1] == 0 && b[2] == 0 => NonPublicAddress.Reserved,      // 192.0.0.0/24, protocol assignments
        198 when (b[1] & 0xFE) == 18 => NonPublicAddress.Reserved,         // 198.18.0.0/15, benchmarking
        >= 224 and < 240 => NonPublicAddress.Multicast,
        >= 240 => NonPublicAddress.Reserved,                               // 240.0.0.0/4 and the broadcast address
        _ => null,
    };

    private static NonPublicAddress? RefusalV6(byte[] b)
    {
        var span = b.AsSpan();
        if (span[..10].IndexOfAnyExcept((byte)0) < 0)
        {
            if (b[10] == 0xFF && b[11] == 0xFF)
            {
                return RefusalV4(span[12..]);                               // ::ffff:a.b.c.d, IPv4-mapped
            }

            if (b[10] == 0 && b[11] == 0)
            {
                // :: and ::1 themselves; any other ::a.b.c.d is the deprecated IPv4-compatible form.
                return span[12..15].IndexOfAnyExcept((byte)0) < 0 && b[15] <= 1
                    ? (b[15] == 0 ? NonPublicAddress.Unspecified : NonPublicAddress.Loopback)
                    : RefusalV4(span[12..]) ?? NonPublicAddress.Reserved;
            }
        }

        return (b[0], b[1]) switch
        {
            (0x00, 0x64) when b[2] == 0xFF && b[3] == 0x9B && b[4] == 0 && b[5] == 0 => RefusalV4(span[12..]),           // 64:ff9b::/96, NAT64
            (0x00, 0x64) when b[2] == 0xFF && b[3] == 0x9B && b[4] == 0 && b[5] == 1 => NonPublicAddress.Private,        // 64:ff9b:1::/48, local NAT64
            (0x20, 0x02) => RefusalV4(span[2..6]),                                                                       // 2002::/16, 6to4
            (0x20, 0x01) when b[2] == 0 && b[3] == 0 => RefusalTeredo(span),                                             // 2001::/32, Teredo
            (0x01, 0x00) when span[2..8].IndexOfAnyExcept((byte)0) < 0 => NonPublicAddress.Reserved,                    // 100::/64, discard
            (0xFE, _) when (b[1] & 0xC0) == 0x80 => NonPublicAddress.LinkLocal,                                          // fe80::/10
            (0xFE, _) when (b[1] & 0xC0) == 0xC0 => NonPublicAddress.Private,                                            // fec0::/10, site-local
            (0xFC or 0xFD, _) => NonPublicAddress.UniqueLocal,                                                           // fc00::/7
            (0xFF, _) => NonPublicAddress.Multicast,                                                                     // ff00::/8
            _ => null,
        };
    }

    /// <summary>A Teredo address carries its server's IPv4 address and, inverted, its client's: either non-public is refused.</summary>
    private static NonPublicAddress? RefusalTeredo(ReadOnlySpan<byte> b)
    {
        Span<byte> client = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            client[i] = (byte)~b[12 + i];
        }

        return RefusalV4(client) ?? RefusalV4(b[4..8]);
    }
}
