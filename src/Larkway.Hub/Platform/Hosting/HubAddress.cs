using Larkway.Hub.Platform.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Larkway.Hub.Platform.Hosting;

/// <summary>
/// Where people reach this Hub, for links made with no request to take it from (a message, a card):
/// <c>LARKWAY_PUBLIC_URL</c>, else the address the Hub listens on as this machine dials it — the sandbox, or a Hub tried
/// on one machine, where that address is the one people use.
/// </summary>
internal sealed class HubAddress(HubSettings settings, IServer? server = null)
{
    /// <summary>The base of links to the Hub (its path included, no trailing slash).</summary>
    public string BaseUrl() =>
        settings.PublicUrl is { } url
            ? url.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : ListeningAddress.Dialable(server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1").TrimEnd('/');

    /// <summary>The origin of <see cref="BaseUrl"/>: scheme, host and port, as a browser's <c>Origin</c> header names it.</summary>
    public string Origin() => new Uri(BaseUrl()).GetLeftPart(UriPartial.Authority);
}
