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

    /// <summary>
    /// A client of its own (the caller disposes it) for an app known only at run time: the default app's settings
    /// without its credentials and host, then <paramref name="configure"/>; on the container's logger, time and meters.
    /// </summary>
    public FeishuClient CreateClient(string name, Action<FeishuAppOptions> configure)
    {
        var appOptions = options.Get(Options.DefaultName).Clone();
        appOptions.AppId = "";
        appOptions.AppSecret = "";
        appOptions.BaseUrl = FeishuBaseUrls.Feishu;
        configure(appOptions);
        return new FeishuClient(name, appOptions, loggerFactory, timeProvider, meterFactory);
    }

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

/// <summary>Where the default app's FEISHU_* variables are read from (replaceable in tests).</summary>
internal sealed class FeishuEnvironment(Func<string, string?> read)
{
    public static FeishuEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public string? Get(string name) => read(name);
}
