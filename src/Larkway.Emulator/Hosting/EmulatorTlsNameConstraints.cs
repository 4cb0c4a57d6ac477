using System.Formats.Asn1;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Larkway.Emulator.Hosting;

/// <summary>
/// The X.509 name constraints (RFC 5280 §4.2.1.10) of the emulator's certificate authority: it may vouch only for the
/// names and addresses its server certificate carries — <c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c> and each
/// <c>--tls-host</c> — so that trusting it machine-wide does not let it (or whoever reads its key) vouch for any other
/// site. .NET has no builder for the extension, so its DER is written here.
/// </summary>
internal static class EmulatorTlsNameConstraints
{
    /// <summary>The extension's object identifier (id-ce-nameConstraints).</summary>
    public const string Oid = "2.5.29.30";

    private static readonly Asn1Tag Permitted = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IpAddress = new(TagClass.ContextSpecific, 7);

    /// <summary>
    /// A critical name constraints extension permitting exactly <paramref name="names"/>: a DNS name as a dNSName subtree
    /// (the name and the names under it, as RFC 5280 defines a DNS subtree: <c>localhost</c> also permits
    /// <c>a.localhost</c>, which resolves to this machine too), an address as itself (a full mask: /32, /128).
    /// </summary>
    public static X509Extension Create(IEnumerable<string> names)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(Permitted))
            {
                foreach (var name in names)
                {
                    using (writer.PushSequence())
                    {
                        if (IPAddress.TryParse(name, out var address))
                        {
                            var bytes = address.GetAddressBytes();
                            writer.WriteOctetString([.. bytes, .. Enumerable.Repeat((byte)0xFF, bytes.Length)], IpAddress);
                        }
                        else
                        {
                            writer.WriteCharacterString(UniversalTagNumber.IA5String, AsciiName(name), DnsName);
                        }
                    }
                }
            }
        }

        return new X509Extension(Oid, writer.Encode(), critical: true);
    }

    /// <summary>
    /// Whether <paramref name="authority"/> has name constraints permitting every one of <paramref name="names"/>: an
    /// authority without them (made by an earlier version) permits nothing here, so it is replaced by a constrained one.
    /// </summary>
    public static bool Permit(X509Certificate2 authority, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var extension = authority.Extensions[Oid];
        if (extension is null)
        {
            return false;
        }

        List<string> dns = [];
        List<byte[]> addresses = [];
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var constraints = reader.ReadSequence();
            if (!constraints.HasData || !constraints.PeekTag().HasSameClassAndValue(Permitted))
            {
                return false;
            }

            var subtrees = constraints.ReadSequence(Permitted);
            while (subtrees.HasData)
            {
                var subtree = subtrees.ReadSequence();
                var tag = subtree.PeekTag();
                if (tag.HasSameClassAndValue(DnsName))
                {
                    dns.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, DnsName));
                }
                else if (tag.HasSameClassAndValue(IpAddress))
                {
                    addresses.Add(subtree.ReadOctetString(IpAddress));
                }
            }
        }
        catch (AsnContentException)
        {
            return false;
        }

        return names.All(name => IPAddress.TryParse(name, out var address)
            ? addresses.Any(range => InRange(address.GetAddressBytes(), range))
            : dns.Any(subtree => UnderDnsSubtree(AsciiName(name), subtree)));
    }

    // RFC 5280: a DNS name satisfies the constraint if adding zero or more labels on its left makes it.
    private static bool UnderDnsSubtree(string name, string subtree)
    {
        subtree = subtree.TrimStart('.');
        return name.Equals(subtree, StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("." + subtree, StringComparison.OrdinalIgnoreCase);
    }

    // An iPAddress constraint is the address followed by its mask, each 4 (IPv4) or 16 (IPv6) bytes.
    private static bool InRange(byte[] address, byte[] range)
    {
        if (range.Length != address.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < address.Length; i++)
        {
            var mask = range[address.Length + i];
            if ((address[i] & mask) != (range[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    // IA5String holds ASCII only: an internationalised name goes as its A-label form, as the server certificate's does.
    private static string AsciiName(string name) => new IdnMapping().GetAscii(name).ToLowerInvariant();
}
