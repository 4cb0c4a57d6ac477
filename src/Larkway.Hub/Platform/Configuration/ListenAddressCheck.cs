using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.Platform.Configuration;

/// <summary>
/// Finds a listening address that cannot be had before anything starts. Kestrel binds only after the hosted services
/// have started, and its failure is logged with a stack trace before the process aborts; a port held by another
/// program is a setting to change, so it is one line naming the port and that setting (exit code 2).
/// </summary>
internal static class ListenAddressCheck
{
    /// <summary>What to tell the user when the Hub's own address cannot be had.</summary>
    public const string HubSetting = "--urls or ASPNETCORE_URLS (e.g. --urls http://127.0.0.1:8081)";

    /// <summary>What to tell the user when the sandbox Emulator's port cannot be had.</summary>
    public const string EmulatorSetting = "LARKWAY_EMULATOR_PORT (0 picks a free port)";

    /// <summary>Throws <see cref="HubConfigurationException"/> for the first address in <paramref name="urls"/> (Kestrel's <c>;</c>-separated list) that is taken.</summary>
    public static void EnsureAvailable(string urls, string what, string setting)
    {
        foreach (var part in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(part);
            }
            catch (FormatException)
            {
                // Kestrel would find it only once every service has started, and abort with a stack trace.
                throw new HubConfigurationException($"{what} cannot listen on '{part}': it is not a URL to listen on (scheme, host and port). Set {setting}.");
            }

            if (!address.IsUnixPipe && address.Port != 0 && EndpointOf(address.Host, address.Port) is { } endpoint)
            {
                EnsureAvailable(endpoint, $"{what} cannot listen on {part}", setting);
            }
        }
    }

    /// <summary>Throws <see cref="HubConfigurationException"/> when <paramref name="endpoint"/> cannot be bound now.</summary>
    public static void EnsureAvailable(IPEndPoint endpoint, string cannot, string setting)
    {
        try
        {
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

            // As Kestrel binds on Linux and macOS: a port whose old connections linger in TIME_WAIT is free to listen on.
            if (!OperatingSystem.IsWindows())
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(endpoint);
        }
        catch (SocketException ex) when (Describe(ex) is { } reason)
        {
            throw new HubConfigurationException(Sentence(cannot, endpoint.Port, reason, setting), ex);
        }
        catch (SocketException)
        {
            // Anything else (no IPv6 here, say) is Kestrel's to report.
        }
    }

    /// <summary>The user's sentence for a bind failure Kestrel raised (a race the check above lost); null for any other failure.</summary>
    public static HubConfigurationException? FromStartFailure(Exception exception, string cannot, int port, string setting)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException)
            {
                return new HubConfigurationException(Sentence(cannot, port, InUse, setting), exception);
            }

            if (e is SocketException socket && Describe(socket) is { } reason)
            {
                return new HubConfigurationException(Sentence(cannot, port, reason, setting), exception);
            }
        }

        return null;
    }

    private const string InUse = "is in use by another program";

    private static string? Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => InUse,
        SocketError.AccessDenied => "needs privileges this user does not have (ports below 1024)",
        SocketError.AddressNotAvailable => "is on an address this machine does not have",
        _ => null,
    };

    private static string Sentence(string cannot, int port, string reason, string setting) =>
        string.Create(CultureInfo.InvariantCulture, $"{cannot}: port {port} {reason}. Free it or choose another with {setting}.");

    private static IPEndPoint? EndpointOf(string host, int port)
    {
        if (host is "*" or "+" or "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        // A host name Kestrel resolves on its own terms (it binds every address) is left to Kestrel.
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, port) : null;
    }
}
