using Larkway.Shared.Clients;

namespace Larkway.WeCom;

/// <summary>
/// The library's <see cref="IWeComClientFactory"/>: one client per registered app, over the app's named HTTP handler
/// (<see cref="WeComBuilder.HttpClientName"/>), on the container's logger, clock and meters. For hosts that also keep
/// apps elsewhere (a database), <see cref="CreateClient"/> builds their clients on the same settings.
/// </summary>
public sealed class WeComClientFactory : IWeComClientFactory
{
    private readonly NamedAppClients<WeComAppOptions, WeComClient> _apps;

    internal WeComClientFactory(NamedAppClients<WeComAppOptions, WeComClient> apps) => _apps = apps;

    /// <summary>True when app <paramref name="name"/> was registered (<c>""</c>: the default app, with <c>AddWeCom()</c>).</summary>
    public bool IsRegistered(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _apps.IsRegistered(name);
    }

    /// <inheritdoc/>
    public WeComClient GetClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _apps.Get(name);
    }

    /// <summary>
    /// A new client for an app known only at run time (credentials from a database, say), named <paramref name="name"/> in
    /// logs. It starts from the default app's settings — timeout, retries and token margin from the <c>WeCom</c>
    /// section, the defaults when <c>AddWeCom()</c> was not called — without its credentials, AgentId and host, which
    /// <paramref name="configure"/> sets. The caller owns it: dispose it when the app goes away.
    /// </summary>
    /// <exception cref="WeComApiException">CorpId or CorpSecret is missing (<see cref="WeComErrorCodes.InvalidRequest"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public WeComClient CreateClient(string name, Action<WeComAppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        return _apps.Create(name, configure);
    }
}
