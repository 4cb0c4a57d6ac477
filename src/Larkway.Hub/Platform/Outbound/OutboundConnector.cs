using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Outbound;

/// <summary>An address a URL from data may not reach; thrown where the connection would be made.</summary>
internal sealed class OutboundAddressRefusedException(string host, IPAddress address, NonPublicAddress kind)
    : Exception($"{host} resolves to a private address ({address}, {OutboundAddressPolicy.Describe(kind)})")
{
    public string Host { get; } = host;

    public IPAddress Address { get; } = address;

    public NonPublicAddress Kind { get; } = kind;

    /// <summary>The refusal inside <paramref name="exception"/> (a client library wraps what the handler threw), or null.</summary>
    public static OutboundAddressRefusedException? Within(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is OutboundAddressRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}

/// <summary>
/// The connect step of every handler that fetches a URL from data (<see cref="DataUrlFetcher"/>'s, the WeCom AI bot
/// files'): resolves the host once, checks every address it got,
/// and connects to those very addresses — never resolving again, so a name cannot answer a public address to the
/// check and a private one to the connection (DNS rebinding).
/// </summary>
internal sealed partial class OutboundConnector(IOutboundDns dns, IOptionsMonitor<OutboundOptions> options, ILogger<OutboundConnector> logger)
{
    /// <summary>
    /// A handler that connects only through <see cref="ConnectAsync"/>: no proxy (it would resolve and connect on its own,
    /// past the check), no cookies. With <paramref name="maxRedirects"/> above zero the handler follows redirects itself —
    /// every hop's connection is checked here all the same, and it never follows one to another scheme than http(s).
    /// </summary>
    public SocketsHttpHandler CreateHandler(int maxRedirects = 0) => new()
    {
        AllowAutoRedirect = maxRedirects > 0,
        MaxAutomaticRedirections = Math.Max(1, maxRedirects),
        UseProxy = false,
        UseCookies = false,
        ConnectCallback = ConnectAsync,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    };

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

        if (!options.CurrentValue.Allows(host, port))
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
