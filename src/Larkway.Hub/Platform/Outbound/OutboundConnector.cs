using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Outbound;

/// <summary>An address a URL from data may not reach; thrown where the connection would be made.</summary>
internal sealed class OutboundAddressRefusedException(string host, IPAddress address, NonPublicAddress kind)
    : Exception($"{host} resolves to a private address ({address}, {OutboundAddressPolicy.Describe(kind)})")
{
    public IPAddress Address { get; } = address;

    public NonPublicAddress Kind { get; } = kind;
}

/// <summary>
/// The connect step of <see cref="DataUrlFetcher"/>'s handler: resolves the host once, checks every address it got,
/// and connects to those very addresses — never resolving again, so a name cannot answer a public address to the
/// check and a private one to the connection (DNS rebinding).
/// </summary>
internal sealed partial class OutboundConnector(IOutboundDns dns, IOptionsMonitor<OutboundOptions> options, ILogger<OutboundConnector> logger)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await dns.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!options.CurrentValue.Allows(host))
        {
            foreach (var address in addresses)
            {
                if (OutboundAddressPolicy.Refusal(address) is { } kind)
                {
                    LogRefused(logger, host, address, OutboundAddressPolicy.Describe(kind));
                    throw new OutboundAddressRefusedException(host, address, kind);
                }
            }
        }

        SocketException? failed = null;
        foreach (var address in addresses)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failed = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw failed!;
    }

    [LoggerMessage(EventId = LogEvents.OutboundAddressRefused, Level = LogLevel.Warning,
        Message = "A URL from data named {Host}, which resolves to {Address} ({Kind}); not fetched. Larkway:Outbound:AllowedHosts opens a host.")]
    private static partial void LogRefused(ILogger logger, string host, IPAddress address, string kind);
}
