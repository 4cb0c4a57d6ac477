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
    /// Hosts fetched whatever address they resolve to (an internal file server): host names or IP addresses, compared
    /// exactly and without case, without scheme, port or path. Default none.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Whether every host may resolve to a private, loopback or link-local address. Default false.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whether <paramref name="host"/> (as a URL names it) may be fetched at any address.</summary>
    internal bool Allows(string host)
    {
        if (AllowPrivateNetworks)
        {
            return true;
        }

        var name = Normalize(host);
        var address = IPAddress.TryParse(name, out var parsed) ? parsed : null;
        return AllowedHosts.Any(allowed => Normalize(allowed) is var entry
            && (string.Equals(entry, name, StringComparison.OrdinalIgnoreCase) || (address is not null && IPAddress.TryParse(entry, out var other) && other.Equals(address))));
    }

    private static string Normalize(string host) => host.Trim().Trim('[', ']').TrimEnd('.');

    /// <summary>Each allowed host must be a bare host name or address.</summary>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var host in AllowedHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(Normalize(host)) == UriHostNameType.Unknown)
            {
                yield return new(
                    $"{SectionName}:AllowedHosts: '{host}' is not a host name or IP address; write it as files.corp.example or 10.0.0.5, without scheme, port or path.",
                    [nameof(AllowedHosts)]);
            }
        }
    }
}

/// <summary>Checks <see cref="OutboundOptions"/> at start.</summary>
[OptionsValidator]
internal sealed partial class OutboundOptionsValidator : IValidateOptions<OutboundOptions>;
