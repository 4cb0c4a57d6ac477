using Larkway.Shared.Clients;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.DingTalk;

/// <summary>Adds more apps after <c>services.AddDingTalk()</c>.</summary>
public sealed class DingTalkBuilder
{
    internal DingTalkBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The name of the HTTP handler chain behind app <paramref name="appName"/>, to customise it with
    /// <c>services.AddHttpClient(DingTalkBuilder.HttpClientName("ops")).ConfigurePrimaryHttpMessageHandler(…)</c>.
    /// </summary>
    public static string HttpClientName(string appName) => DingTalkApps.Kind.HttpClientName(appName);

    /// <summary>
    /// Registers app <paramref name="name"/>, bound from <c>DingTalk:Apps:{name}</c>, then <paramref name="configure"/>;
    /// validated at start. Get its client from <see cref="IDingTalkClientFactory"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty (that is the default app).</exception>
    public DingTalkBuilder AddApp(string name, Action<DingTalkAppOptions>? configure = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("An app needs a name; the default app is configured with AddDingTalk(o => …).", nameof(name));
        }

        NamedApps.Add(Services, DingTalkApps.Kind, name, configure);
        return this;
    }
}
