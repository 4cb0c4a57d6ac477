using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.Feishu.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu;

/// <summary>The per-app state of one container, created on first use of each app.</summary>
internal sealed class FeishuAppRegistry(
    IOptionsMonitor<FeishuAppOptions> options, IEnumerable<FeishuAppName> names, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IMeterFactory? meterFactory)
    : IDisposable
{
    private readonly HashSet<string> _names = names.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<FeishuAppRuntime>> _apps = new(StringComparer.Ordinal);

    public bool IsRegistered(string name) => _names.Contains(name);

    public FeishuAppRuntime Get(string name)
    {
        if (!IsRegistered(name))
        {
            throw new InvalidOperationException(name.Length == 0
                ? "The default Feishu app is not registered: call services.AddFeishu()."
                : $"No Feishu app named '{name}' is registered: call services.AddFeishu().AddApp(\"{name}\", …).");
        }

        return _apps.GetOrAdd(name, n => new Lazy<FeishuAppRuntime>(() =>
        {
            // Checked again on first use: start-up validation may have skipped a blank default app.
            var appOptions = options.Get(n);
            FeishuAppOptionsValidator.ThrowIfInvalid(appOptions, n);
            return new FeishuAppRuntime(n, appOptions, loggerFactory, timeProvider, meterFactory);
        })).Value;
    }

    public void Dispose()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated))
        {
            app.Value.Dispose();
        }
    }
}

/// <summary>One <see cref="FeishuClient"/> per app name, over the app's named <see cref="HttpClient"/>.</summary>
internal sealed class FeishuClientFactory(FeishuAppRegistry registry, IHttpClientFactory httpClientFactory) : IFeishuClientFactory
{
    private readonly ConcurrentDictionary<string, FeishuClient> _clients = new(StringComparer.Ordinal);

    public FeishuClient GetClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _clients.GetOrAdd(name, n =>
        {
            var runtime = registry.Get(n);
            var clientName = FeishuBuilder.HttpClientName(n);

            // A fresh HttpClient per call is cheap (the handler chain is pooled) and lets the factory rotate connections.
            return new FeishuClient(new FeishuPipeline(() => httpClientFactory.CreateClient(clientName), runtime));
        });
    }
}

/// <summary>Where the default app's FEISHU_* variables are read from (replaceable in tests).</summary>
internal sealed class FeishuEnvironment(Func<string, string?> read)
{
    public static FeishuEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public string? Get(string name) => read(name);
}
