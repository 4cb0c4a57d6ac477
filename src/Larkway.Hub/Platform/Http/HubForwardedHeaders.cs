using Larkway.Hub.Platform.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// Behind a reverse proxy that terminates TLS, the client's address and scheme reach the Hub only in <c>X-Forwarded-For</c>
/// and <c>X-Forwarded-Proto</c>. They are believed only from the proxies named in <see cref="HubSettings.TrustedProxies"/>
/// (<c>LARKWAY_TRUSTED_PROXIES</c>), walking the list from the right while each hop is trusted, so a client cannot choose
/// its own address. Then the per-address lockouts (wrong API keys, console sign-ins) and the audit log see the client, and
/// a request that came in over HTTPS is HTTPS to the Hub (<c>Secure</c> console cookies, URLs built from the request). With
/// no trusted proxy nothing is read from the headers.
/// </summary>
internal static class HubForwardedHeaders
{
    /// <summary>Runs the forwarded-headers middleware first in the pipeline, when any proxy is trusted.</summary>
    public static void UseHubForwardedHeaders(this WebApplication app, HubSettings settings)
    {
        if (settings.TrustedProxies.Count == 0)
        {
            return;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,

            // Every hop the list allows: each entry is taken only while the address it came from is a trusted proxy.
            ForwardLimit = null,
        };

        // The defaults trust loopback; only what the administrator listed is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in settings.TrustedProxies)
        {
            options.KnownIPNetworks.Add(network);
        }

        app.UseForwardedHeaders(options);
    }
}
