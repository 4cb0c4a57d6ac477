using System.Net;

namespace Larkway.Emulator.Api.Webhooks;

/// <summary>Allowlist entries as the custom bot settings accept them: exact IP, "1.2.3.*", or CIDR.</summary>
internal static class IpAllowlist
{
    public static bool Allows(IReadOnlyList<string> entries, IPAddress? address)
    {
        if (entries.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return entries.Any(entry => Matches(entry.Trim(), address));
    }

    private static bool Matches(string entry, IPAddress address)
    {
        if (entry.Contains('*', StringComparison.Ordinal))
        {
            var pattern = entry.Split('.');
            var parts = address.ToString().Split('.');
            return pattern.Length == parts.Length && pattern.Zip(parts).All(p => p.First == "*" || p.First == p.Second);
        }

        if (entry.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(entry, out var network) && network.Contains(address);
        }

        return IPAddress.TryParse(entry, out var exact) && exact.Equals(address);
    }
}
