using Larkway.Shared.Clients;

namespace Larkway.DingTalk;

/// <summary>
/// The library's <see cref="IDingTalkClientFactory"/>: one client per registered app, over the app's named HTTP handler
/// (<see cref="DingTalkBuilder.HttpClientName"/>), on the container's logger, clock and meters. For hosts that also keep
/// apps elsewhere (a database), <see cref="CreateClient"/> builds their clients on the same settings.
/// </summary>
public sealed class DingTalkClientFactory : IDingTalkClientFactory
{
    private readonly NamedAppClients<DingTalkAppOptions, DingTalkClient> _apps;

    internal DingTalkClientFactory(NamedAppClients<DingTalkAppOptions, DingTalkClient> apps) => _apps = apps;

    /// <summary>True when app <paramref name="name"/> was registered (<c>""</c>: the default app, with <c>AddDingTalk()</c>).</summary>
    public bool IsRegistered(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _apps.IsRegistered(name);
    }

    /// <inheritdoc/>
    public DingTalkClient GetClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _apps.Get(name);
    }

    /// <summary>
    /// A new client for an app known only at run time (credentials from a database, say), named <paramref name="name"/> in
    /// logs. It starts from the default app's settings — timeout, retries and token margin from the <c>DingTalk</c>
    /// section, the defaults when <c>AddDingTalk()</c> was not called — without its credentials, robot code, AgentId and
    /// hosts, which <paramref name="configure"/> sets. The caller owns it: dispose it when the app goes away.
    /// </summary>
    /// <exception cref="DingTalkApiException">AppKey or AppSecret is missing (<see cref="DingTalkErrorCodes.InvalidRequest"/>).</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public DingTalkClient CreateClient(string name, Action<DingTalkAppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        return _apps.Create(name, configure);
    }
}
