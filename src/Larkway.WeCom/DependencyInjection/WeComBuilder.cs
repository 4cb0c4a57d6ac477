using Larkway.Shared.Clients;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.WeCom;

/// <summary>Adds more apps after <c>services.AddWeCom()</c>.</summary>
public sealed class WeComBuilder
{
    internal WeComBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The name of the HTTP handler chain behind app <paramref name="appName"/>, to customise it with
    /// <c>services.AddHttpClient(WeComBuilder.HttpClientName("ops")).ConfigurePrimaryHttpMessageHandler(…)</c>.
    /// </summary>
    public static string HttpClientName(string appName) => WeComApps.Kind.HttpClientName(appName);

    /// <summary>
    /// Registers app <paramref name="name"/>, bound from <c>WeCom:Apps:{name}</c>, then <paramref name="configure"/>;
    /// validated at start. Get its client from <see cref="IWeComClientFactory"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty (that is the default app).</exception>
    public WeComBuilder AddApp(string name, Action<WeComAppOptions>? configure = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("An app needs a name; the default app is configured with AddWeCom(o => …).", nameof(name));
        }

        NamedApps.Add(Services, WeComApps.Kind, name, configure);
        return this;
    }
}
