using System.Net;

namespace Larkway.Hub.Platform.Outbound;

/// <summary>Resolves a host for an outbound fetch; a seam so a test can make a public-looking name resolve anywhere.</summary>
internal interface IOutboundDns
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system's resolver.</summary>
internal sealed class SystemOutboundDns : IOutboundDns
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
