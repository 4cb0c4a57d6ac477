using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Shared.Clients;

/// <summary>An app registered under <see cref="Name"/> (<c>""</c>: the default app) for the platform whose options are <typeparamref name="TOptions"/>.</summary>
internal sealed record RegisteredApp<TOptions>(string Name)
    where TOptions : class;

/// <summary>
/// What registering a platform's apps needs to know of the platform: its name (the configuration section and the word in
/// messages), its registration method, and how its options are bound, checked and turned into a run-time app's template.
/// Each library builds one; binding is the library's so that its configuration binding stays source-generated (trim-safe).
/// </summary>
internal sealed class AppKind<TOptions>
    where TOptions : class
{
    /// <summary>The platform as users name it, and its configuration section: <c>DingTalk</c>, <c>WeCom</c>.</summary>
    public required string Platform { get; init; }

    /// <summary>The registration method, for messages: <c>AddDingTalk</c>.</summary>
    public required string AddMethod { get; init; }

    /// <summary>Binds a configuration section onto options.</summary>
    public required Action<IConfiguration, TOptions> Bind { get; init; }

    /// <summary>The first problem of the options, in words that name the option; null when they work.</summary>
    public required Func<TOptions, string?> Problem { get; init; }

    /// <summary>True when neither credential is set (a default app left blank by a host of named apps only).</summary>
    public required Func<TOptions, bool> IsBlank { get; init; }

    /// <summary>A copy of the default app's options without its credentials and hosts: where a run-time app starts.</summary>
    public required Func<TOptions, TOptions> Template { get; init; }

    /// <summary>Throws for options that cannot work (the library's own exception, naming the option).</summary>
    public required Action<TOptions> ThrowIfInvalid { get; init; }

    /// <summary>The configuration section of app <paramref name="name"/>.</summary>
    public string Section(string name) => name.Length == 0 ? Platform : $"{Platform}:Apps:{name}";

    /// <summary>The name of the <see cref="HttpClient"/> (and handler chain) behind app <paramref name="name"/>.</summary>
    public string HttpClientName(string name) => $"Larkway.{Platform}:{name}";

    /// <summary>"The default DingTalk app" or "DingTalk app 'ops'", for messages.</summary>
    public string Describe(string name) => name.Length == 0 ? $"The default {Platform} app" : $"{Platform} app '{name}'";
}

/// <summary>What a client is built on in a container: its logger, clock and meters (each may be absent).</summary>
internal sealed record ClientServices(ILoggerFactory? LoggerFactory, TimeProvider? TimeProvider, IMeterFactory? MeterFactory);

/// <summary>The registrations behind a platform's <c>AddX()</c> and <c>AddApp(name)</c>: named options, their checks at start, and a named HTTP handler.</summary>
internal static class NamedApps
{
    /// <summary>The services every app of the platform needs; idempotent.</summary>
    public static void AddCore<TOptions>(IServiceCollection services, AppKind<TOptions> kind)
        where TOptions : class
    {
        services.AddHttpClient();
        services.TryAddSingleton(kind);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, AppOptionsValidator<TOptions>>());
    }

    /// <summary>
    /// The clients of the platform's apps (<see cref="NamedAppClients{TOptions, TClient}"/>), each built by
    /// <paramref name="create"/> on the container's logger, clock and meters; idempotent.
    /// </summary>
    public static void AddClients<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TClient>(
        IServiceCollection services, AppKind<TOptions> kind, Func<ClientServices, string, TOptions, HttpMessageHandler?, TClient> create)
        where TOptions : class
        where TClient : class, IDisposable
    {
        AddCore(services, kind);
        services.TryAddSingleton(sp =>
        {
            var on = new ClientServices(sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>(), sp.GetService<IMeterFactory>());
            return new NamedAppClients<TOptions, TClient>(
                kind,
                sp.GetRequiredService<IOptionsMonitor<TOptions>>(),
                sp.GetServices<RegisteredApp<TOptions>>(),
                sp.GetRequiredService<IHttpMessageHandlerFactory>(),
                (name, options, handler) => create(on, name, options, handler));
        });
    }

    /// <summary>
    /// Registers app <paramref name="name"/>: bound from its configuration section, then <paramref name="configure"/>
    /// (code wins), validated at start; its calls go through the named handler <see cref="AppKind{TOptions}.HttpClientName"/>,
    /// which the host may customise (a proxy, a test stand-in). Registering a name again adds only <paramref name="configure"/>.
    /// </summary>
    public static void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IServiceCollection services, AppKind<TOptions> kind, string name, Action<TOptions>? configure)
        where TOptions : class
    {
        AddCore(services, kind);
        var options = services.AddOptions<TOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(RegisteredApp<TOptions>) && d.ImplementationInstance is RegisteredApp<TOptions> app && app.Name == name))
        {
            return;
        }

        services.AddSingleton(new RegisteredApp<TOptions>(name));

        // Configuration first, so that code (configure) wins over it: inserted ahead of every configure of this name.
        services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<TOptions>>(sp => new ConfigureNamedOptions<TOptions>(name, o =>
        {
            if (sp.GetService<IConfiguration>() is { } configuration)
            {
                kind.Bind(configuration.GetSection(kind.Section(name)), o);
            }
        })));
        options.ValidateOnStart();

        // The client keeps its handler for its whole life (the pipeline owns retries and timeouts), so the factory never
        // rotates it; the pooled handler's connection lifetime picks up DNS changes instead. The library logs each call itself.
        services.AddHttpClient(kind.HttpClientName(name))
            .RemoveAllLoggers()
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(ApiHttp.CreatePooledHandler);
    }
}

/// <summary>Checks a registered app's options at start, naming the app, its configuration section and the option to fix.</summary>
internal sealed class AppOptionsValidator<TOptions>(AppKind<TOptions> kind, IEnumerable<RegisteredApp<TOptions>> apps) : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly HashSet<string> _names = apps.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        name ??= Options.DefaultName;
        if (!_names.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        // A host of named apps only leaves the default app blank: no reason to stop its start. Using it still fails.
        if (name == Options.DefaultName && _names.Count > 1 && kind.IsBlank(options))
        {
            return ValidateOptionsResult.Skip;
        }

        return kind.Problem(options) is { } problem
            ? ValidateOptionsResult.Fail($"{kind.Describe(name)} (configuration section {kind.Section(name)}): {problem}")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// The clients of a platform's registered apps, one per name, made on first use and disposed with the container; and new
/// clients for apps known only at run time, on the default app's settings. The library's public factory wraps it.
/// </summary>
internal sealed class NamedAppClients<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TClient>(
    AppKind<TOptions> kind,
    IOptionsMonitor<TOptions> options,
    IEnumerable<RegisteredApp<TOptions>> apps,
    IHttpMessageHandlerFactory handlers,
    Func<string, TOptions, HttpMessageHandler?, TClient> create) : IDisposable
    where TOptions : class
    where TClient : class, IDisposable
{
    private readonly HashSet<string> _names = apps.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<TClient>> _clients = new(StringComparer.Ordinal);

    public bool IsRegistered(string name) => _names.Contains(name);

    /// <exception cref="InvalidOperationException">No app of that name was registered.</exception>
    public TClient Get(string name)
    {
        if (!IsRegistered(name))
        {
            throw new InvalidOperationException(name.Length == 0
                ? $"The default {kind.Platform} app is not registered: call services.{kind.AddMethod}()."
                : $"No {kind.Platform} app named '{name}' is registered: call services.{kind.AddMethod}().AddApp(\"{name}\", …).");
        }

        return _clients.GetOrAdd(name, n => new Lazy<TClient>(() =>
        {
            // Checked again on first use: start-up validation skips a blank default app.
            var appOptions = options.Get(n);
            kind.ThrowIfInvalid(appOptions);
            return create(n, appOptions, handlers.CreateHandler(kind.HttpClientName(n)));
        })).Value;
    }

    /// <summary>A new client (the caller's to dispose) for an app known only at run time: the default app's settings without its credentials and hosts, then <paramref name="configure"/>.</summary>
    public TClient Create(string name, Action<TOptions> configure)
    {
        var appOptions = kind.Template(options.Get(Options.DefaultName));
        configure(appOptions);
        return create(name, appOptions, null);
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
