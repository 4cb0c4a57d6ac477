using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Outbound;

/// <summary>
/// What a URL from data (an attachment link in a synced table, and whatever later features fetch from their data) may
/// reach, bound from <c>Larkway:Outbound</c>. By default only public addresses; an internal file server is opened by
/// name. URLs an administrator configured (webhook subscriptions) are not governed by this.
/// </summary>
public sealed class OutboundOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Larkway:Outbound";

    /// <summary>
    /// Hosts fetched whatever address they resolve to (an internal file server): <c>host</c> or <c>host:port</c>, the host
    /// a name or an IP address (IPv6 in brackets when a port follows: <c>[fd00::5]:8443</c>), compared exactly and without
    /// case, without scheme or path. A bare host opens only the web's default ports, 80 and 443; any other port is named.
    /// Default none.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Whether every host may resolve to a private, loopback or link-local address. Default false.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whether <paramref name="host"/> (as a URL names it) may be reached on <paramref name="port"/> at any address.</summary>
    internal bool Allows(string host, int port)
    {
        if (AllowPrivateNetworks)
        {
            return true;
        }

        var name = Normalize(host);
        var address = IPAddress.TryParse(name, out var parsed) ? Unmapped(parsed) : null;
        return AllowedHosts.Any(allowed => AllowedEntry.TryParse(allowed, out var entry)
            && entry.Opens(port)
            && (string.Equals(entry.Host, name, StringComparison.OrdinalIgnoreCase) || (address is not null && IPAddress.TryParse(entry.Host, out var other) && Unmapped(other).Equals(address))));
    }

    /// <summary>An IPv4-mapped IPv6 address as the IPv4 address it reaches, so either spelling matches the other.</summary>
    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    internal static string Normalize(string host) => host.Trim().Trim('[', ']').TrimEnd('.');

    /// <summary>Each allowed host must be a host name or address, with a port or without.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var host in AllowedHosts)
        {
            if (!AllowedEntry.TryParse(host, out _))
            {
                yield return new(
                    $"{SectionName}:AllowedHosts: '{host}' is not a host name or IP address with an optional port; write it as files.corp.example, files.corp.example:8443 or 10.0.0.5, without scheme or path.",
                    [nameof(AllowedHosts)]);
            }
        }
    }

    /// <summary>One <see cref="AllowedHosts"/> entry: its host, and its port or null for a bare host.</summary>
    private readonly record struct AllowedEntry(string Host, int? Port)
    {
        /// <summary>The ports a bare host opens: plain and TLS web traffic, nothing else a host may listen on.</summary>
        private static readonly int[] DefaultPorts = [80, 443];

        public bool Opens(int port) => Port is { } only ? only == port : DefaultPorts.Contains(port);

        public static bool TryParse(string? text, out AllowedEntry entry)
        {
            entry = default;
            if (string.IsNullOrWhiteSpace(text))
            {
                return false;
            }

            var trimmed = text.Trim();
            var (host, port) = SplitPort(trimmed);
            if (port is { } p && (p < 1 || p > 65535))
            {
                return false;
            }

            var name = Normalize(host);
            if (name.Length == 0 || Uri.CheckHostName(name) == UriHostNameType.Unknown)
            {
                return false;
            }

            entry = new AllowedEntry(name, port);
            return true;
        }

        /// <summary>
        /// Splits <c>host:port</c>; an IPv6 address has colons of its own, so its port follows its brackets
        /// (<c>[::1]:8080</c>) and an unbracketed IPv6 address is a bare host.
        /// </summary>
        private static (string Host, int? Port) SplitPort(string text)
        {
            var colon = text.LastIndexOf(':');
            var bracketed = text.StartsWith('[');
            if (colon < 0 || (bracketed ? colon < text.IndexOf(']', StringComparison.Ordinal) : text.IndexOf(':', StringComparison.Ordinal) != colon))
            {
                return (text, null);
            }

            var digits = text[(colon + 1)..];
            return digits.Length is > 0 and <= 5 && digits.All(char.IsAsciiDigit)
                ? (text[..colon], int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture))
                : (text, -1); // "host:" or "host:http" — refused by the port check
        }
    }
}

/// <summary>Checks <see cref="OutboundOptions"/> at start.</summary>
[OptionsValidator]
internal sealed partial class OutboundOptionsValidator : IValidateOptions<OutboundOptions>;
