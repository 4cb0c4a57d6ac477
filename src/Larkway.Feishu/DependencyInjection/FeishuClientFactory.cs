using System.Collections.Concurrent;
using Larkway.Feishu.Http;

namespace Larkway.Feishu;

/// <summary>
/// The library's <see cref="IFeishuClientFactory"/>: one client per app registered with <c>AddFeishu()</c> /
/// <c>AddApp(name, …)</c>, over the app's named <see cref="HttpClient"/>. Public for hosts that also keep apps
/// elsewhere (a database): such a host registers its own <see cref="IFeishuClientFactory"/> in place of this one,
/// hands the registered names (<see cref="IsRegistered"/>) to this one, and builds its other apps' clients with
/// <see cref="CreateClient"/>, so every app is configured the same way.
/// </summary>
public sealed class FeishuClientFactory : IFeishuClientFactory
{
    private readonly FeishuAppRegistry _registry;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ConcurrentDictionary<string, FeishuClient> _clients = new(StringComparer.Ordinal);

    internal FeishuClientFactory(FeishuAppRegistry registry, IHttpClientFactory httpClientFactory)
    {
        _registry = registry;
        _httpClientFactory = httpClientFactory;
    }

    /// <summary>True when app <paramref name="name"/> was registered (<c>""</c>: the default app, with <c>AddFeishu()</c>).</summary>
    public bool IsRegistered(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _registry.IsRegistered(name);
    }

    /// <inheritdoc/>
    public FeishuClient GetClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _clients.GetOrAdd(name, n =>
        {
            var runtime = _registry.Get(n);
            var clientName = FeishuBuilder.HttpClientName(n);

            // A fresh HttpClient per call is cheap (the handler chain is pooled) and lets the factory rotate connections.
            return new FeishuClient(new FeishuPipeline(() => _httpClientFactory.CreateClient(clientName), runtime));
        });
    }

    /// <summary>
    /// A new client for an app known only at run time (credentials from a database, say), named
    /// <paramref name="name"/> in logs and telemetry. It starts from the default app's settings — timeout, token margin,
    /// retries and rate limits from the <c>Feishu</c> section, so they are configured once for every app (the
    /// defaults when <c>AddFeishu()</c> was not called) — without its credentials and host: <paramref name="configure"/>
    /// sets <see cref="FeishuAppOptions.AppId"/>, <see cref="FeishuAppOptions.AppSecret"/> and
    /// <see cref="FeishuAppOptions.BaseUrl"/>. It logs, times and meters on the container's factories, like the
    /// registered apps. The caller owns it: dispose it when the app goes away.
    /// </summary>
    /// <exception cref="FeishuApiException">AppId or AppSecret is missing (<see cref="FeishuErrorCodes.MissingCredentials"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public FeishuClient CreateClient(string name, Action<FeishuAppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        return _registry.CreateClient(name, configure);
    }
}
