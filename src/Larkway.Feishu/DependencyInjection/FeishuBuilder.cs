using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu;

/// <summary>Adds more apps after <c>services.AddFeishu()</c>.</summary>
public sealed class FeishuBuilder
{
    internal FeishuBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The name of the <see cref="HttpClient"/> behind app <paramref name="appName"/>, to customise it with
    /// <c>services.AddHttpClient(FeishuBuilder.HttpClientName("ops")).ConfigurePrimaryHttpMessageHandler(…)</c>.
    /// </summary>
    public static string HttpClientName(string appName) => "Larkway.Feishu:" + appName;

    /// <summary>
    /// Registers app <paramref name="name"/>, bound from <c>Feishu:Apps:{name}</c>, then
    /// <paramref name="configure"/>; validated at start. Get its client from <see cref="IFeishuClientFactory"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty (that is the default app).</exception>
    public FeishuBuilder AddApp(string name, Action<FeishuAppOptions>? configure = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("An app needs a name; the default app is configured with AddFeishu(o => …).", nameof(name));
        }

        Register(name, $"{FeishuAppOptions.SectionName}:Apps:{name}", configure);
        return this;
    }

    internal void Register(string name, string section, Action<FeishuAppOptions>? configure)
    {
        var options = Services.AddOptions<FeishuAppOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (Services.Any(d => d.ServiceType == typeof(FeishuAppName) && d.ImplementationInstance is FeishuAppName n && n.Name == name))
        {
            return;
        }

        Services.AddSingleton(new FeishuAppName(name));

        // Configuration first, so that code (configure) wins over it. Registered ahead of any configure
        // added above by inserting at the front of this name's configuration.
        Services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<FeishuAppOptions>>(sp => new ConfigureNamedOptions<FeishuAppOptions>(name, o =>
        {
            var configuration = sp.GetService<IConfiguration>();
            configuration?.GetSection(section).Bind(o);
            if (name == Options.DefaultName)
            {
                FillFromEnvironment(o, configuration, sp.GetRequiredService<FeishuEnvironment>());
            }
        })));
        options.ValidateOnStart();

        var feishuRuntime = (IServiceProvider sp) => sp.GetRequiredService<FeishuAppRegistry>().Get(name);
        Services.AddHttpClient(HttpClientName(name))
            .ConfigureHttpClient(http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddHttpMessageHandler(sp => feishuRuntime(sp).CreateHandler());
    }

    // FEISHU_* fill only what configuration left unset: explicit settings win.
    private static void FillFromEnvironment(FeishuAppOptions options, IConfiguration? configuration, FeishuEnvironment environment)
    {
        string? Read(string variable) => configuration?[variable] is { Length: > 0 } fromConfig ? fromConfig : environment.Get(variable);

        if (string.IsNullOrWhiteSpace(options.AppId) && Read(FeishuAppOptions.AppIdVariable) is { Length: > 0 } appId)
        {
            options.AppId = appId;
        }

        if (string.IsNullOrWhiteSpace(options.AppSecret) && Read(FeishuAppOptions.AppSecretVariable) is { Length: > 0 } secret)
        {
            options.AppSecret = secret;
        }

        if (options.BaseUrl == FeishuBaseUrls.Feishu && Read(FeishuAppOptions.BaseUrlVariable) is { Length: > 0 } baseUrl)
        {
            options.BaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out var url) ? url : new Uri("invalid:" + Uri.EscapeDataString(baseUrl));
        }
    }
}
