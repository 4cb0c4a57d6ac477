using System.Collections.Concurrent;
using System.Security.Cryptography;
using Larkway.Feishu;
using Larkway.Feishu.AspNetCore;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Apps;

/// <summary>A stored app with its secrets readable, as the registry caches it.</summary>
internal sealed record StoredApp(
    string Name,
    string AppId,
    Uri BaseUrl,
    string AppSecret,
    string? EncryptKey,
    string? VerificationToken,
    bool LegacyCardCallbacks,
    bool Enabled,
    DateTimeOffset UpdatedAt,
    string? Error,
    string Platform = HubAppPlatform.Feishu,
    string? RobotCode = null,
    long? AgentId = null)
{
    /// <summary>WeCom: the AI bot whose long connection the Hub holds (null: none).</summary>
    public string? AiBotId { get; init; }

    /// <summary>WeCom: the AI bot's Secret, readable.</summary>
    public string? AiBotSecret { get; init; }

    /// <summary>WeCom: the AI bot's long-connection URL (null: WeCom's own).</summary>
    public string? AiBotUrl { get; init; }

    /// <summary>True for a Feishu or Lark app.</summary>
    public bool IsFeishu => HubAppPlatform.IsFeishu(Platform);

    /// <summary>True when Feishu's requests to the app's endpoints can be verified.</summary>
    public bool CanReceive => Error is null && (EncryptKey is not null || VerificationToken is not null);
}

/// <summary>
/// The stored apps of the Hub: a cached list (secrets unprotected in memory, read again when older than
/// <see cref="HubAppsOptions.RefreshInterval"/> or changed here), one client per app for
/// <see cref="HubFeishuClientFactory"/>, and the named <see cref="FeishuEventEndpointOptions"/> of each app (evicted
/// from the options cache when the app changes, so the receiver verifies with the new keys).
/// </summary>
internal sealed partial class HubAppRegistry : IDisposable
{
    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly HubSecretProtector _protector;
    private readonly FeishuClientFactory _clientFactory;
    private readonly IOptionsMonitorCache<FeishuEventEndpointOptions>? _endpointOptions;
    private readonly HubAppsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset UpdatedAt, FeishuClient Client)> _clients = new(StringComparer.Ordinal);
    private readonly List<FeishuClient> _retired = [];
    private readonly CancellationTokenSource _disposed = new();
    private volatile Snapshot? _snapshot;
    private int _generation;

    public HubAppRegistry(
        IDbContextFactory<HubDbContext> contexts,
        HubDatabaseInitializer initializer,
        HubSecretProtector protector,
        FeishuClientFactory clientFactory,
        IOptions<HubAppsOptions> options,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        IOptionsMonitorCache<FeishuEventEndpointOptions>? endpointOptions = null)
    {
        _contexts = contexts;
        _initializer = initializer;
        _protector = protector;
        _clientFactory = clientFactory;
        _endpointOptions = endpointOptions;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger<HubAppRegistry>();
        _time = time;
    }

    /// <summary>True for the names of the configured default app.</summary>
    public static bool IsDefault(string appName) =>
        appName.Length == 0 || string.Equals(appName, HubAppService.DefaultAppName, StringComparison.Ordinal);

    /// <summary>The client of stored app <paramref name="appName"/>. Do not dispose it; it is shared.</summary>
    /// <exception cref="HubAppNotFoundException">No enabled stored app has that name, or its secrets cannot be decrypted.</exception>
    public async ValueTask<FeishuClient> GetClientAsync(string appName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appName);
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        return ClientFor(appName, snapshot);
    }

    /// <summary>
    /// The client of stored app <paramref name="appName"/>, for synchronous callers (reads the database only when the
    /// cached list is older than <see cref="HubAppsOptions.RefreshInterval"/>).
    /// </summary>
    /// <exception cref="HubAppNotFoundException">No enabled stored app has that name, or its secrets cannot be decrypted.</exception>
    public FeishuClient GetClient(string appName)
    {
        ArgumentNullException.ThrowIfNull(appName);
        var snapshot = _snapshot;
        if (snapshot is null || IsStale(snapshot))
        {
            // Rare (once per refresh interval) and short; callers that can await use GetClientAsync.
            snapshot = SnapshotAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return ClientFor(appName, snapshot);
    }

    /// <summary>The stored app (enabled or not) as of a list at most <see cref="HubAppsOptions.RefreshInterval"/> old.</summary>
    public async ValueTask<StoredApp?> FindAsync(string appName, CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Apps.GetValueOrDefault(appName);
    }

    /// <summary>
    /// Why a request naming a stored app cannot use it (unknown, disabled, or its secrets unreadable), as the sentence a
    /// caller is shown; null when it can. One wording for every room that takes an <c>app</c> field.
    /// </summary>
    public async ValueTask<string?> WhyUnusableAsync(string appName, CancellationToken cancellationToken) =>
        await FindAsync(appName, cancellationToken).ConfigureAwait(false) switch
        {
            null => $"The Hub has no app named '{appName}'. Use the name of an app added to the Hub (GET /api/v1/apps, or the console's Apps page), or leave 'app' out for the default app.",
            { Enabled: false } => $"The app '{appName}' is disabled in the Hub; enable it first, or leave 'app' out for the default app.",
            { Error: { } error } => $"The app '{appName}' cannot be used: {error}",
            { IsFeishu: false } app => $"The app '{appName}' is a {HubAppPlatform.Display(app.Platform)} app, and this needs a Feishu app: name a Feishu app, or leave 'app' out for the default app.",
            _ => null,
        };

    /// <summary>The stored apps (enabled or not) as of a list at most <see cref="HubAppsOptions.RefreshInterval"/> old.</summary>
    public async ValueTask<IReadOnlyCollection<StoredApp>> AllAsync(CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Apps.Values;
    }

    /// <summary>The app as last read, without touching the database (for synchronous options configuration).</summary>
    public StoredApp? Cached(string appName) => _snapshot?.Apps.GetValueOrDefault(appName);

    /// <summary>An app was changed in this process: the next use reads the list again.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        foreach (var (_, client) in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
        lock (_retired)
        {
            foreach (var client in _retired)
            {
                client.Dispose();
            }

            _retired.Clear();
        }

        _disposed.Dispose();
        _gate.Dispose();
    }

    private FeishuClient ClientFor(string appName, Snapshot snapshot)
    {
        if (!snapshot.Apps.TryGetValue(appName, out var app) || !app.Enabled)
        {
            throw HubAppNotFoundException.For(appName, disabled: app is not null);
        }

        if (!app.IsFeishu)
        {
            throw new HubAppNotFoundException($"The app '{appName}' is a {HubAppPlatform.Display(app.Platform)} app; this needs a Feishu app.");
        }

        if (app.Error is not null)
        {
            throw new HubAppNotFoundException($"The Feishu app '{appName}' cannot be used: {app.Error}");
        }

        while (true)
        {
            if (_clients.TryGetValue(appName, out var cached))
            {
                if (cached.UpdatedAt == app.UpdatedAt)
                {
                    return cached.Client;
                }

                if (_clients.TryRemove(new KeyValuePair<string, (DateTimeOffset, FeishuClient)>(appName, cached)))
                {
                    Retire(cached.Client);
                }

                continue;
            }

            // Named, on the container's meters (its calls count under its name beside the configured app's) and with the
            // configured app's settings (Feishu: timeout, retries, rate limits): only the credentials and host are its own.
            var client = _clientFactory.CreateClient(appName, o =>
            {
                o.AppId = app.AppId;
                o.AppSecret = app.AppSecret;
                o.BaseUrl = app.BaseUrl;
            });
            if (_clients.TryAdd(appName, (app.UpdatedAt, client)))
            {
                return client;
            }

            client.Dispose();
        }
    }

    private bool IsStale(Snapshot snapshot) =>
        snapshot.Generation != Volatile.Read(ref _generation) || _time.GetElapsedTime(snapshot.LoadedAt) >= _options.RefreshInterval;

    private async ValueTask<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && !IsStale(snapshot))
        {
            return snapshot;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && !IsStale(snapshot))
            {
                return snapshot;
            }

            var generation = Volatile.Read(ref _generation);
            var loaded = new Snapshot(await LoadAsync(cancellationToken).ConfigureAwait(false), _time.GetTimestamp(), generation);
            // Published first: options rebuilt after an eviction must read the new secrets.
            _snapshot = loaded;
            Forget(snapshot, loaded);
            return loaded;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<string, StoredApp>> LoadAsync(CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Apps.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.ToDictionary(r => r.Name, Reveal, StringComparer.Ordinal);
        }
    }

    private StoredApp Reveal(HubAppRow row)
    {
        var baseUrl = Uri.TryCreate(row.BaseUrl, UriKind.Absolute, out var uri) ? uri : FeishuBaseUrls.Feishu;
        try
        {
            return new StoredApp(row.Name, row.AppId, baseUrl, _protector.Unprotect(row.AppSecret),
                row.EncryptKey is null ? null : _protector.Unprotect(row.EncryptKey),
                row.VerificationToken is null ? null : _protector.Unprotect(row.VerificationToken),
                row.LegacyCardCallbacks, row.Enabled, row.UpdatedAt, Error: null, row.Platform, row.RobotCode, row.AgentId)
            {
                AiBotId = row.AiBotId,
                AiBotSecret = row.AiBotSecret is null ? null : _protector.Unprotect(row.AiBotSecret),
                AiBotUrl = row.AiBotUrl,
            };
        }
        catch (CryptographicException)
        {
            LogUnreadable(_logger, row.Name);
            return new StoredApp(row.Name, row.AppId, baseUrl, "", null, null, row.LegacyCardCallbacks, row.Enabled, row.UpdatedAt,
                "its secrets cannot be decrypted (the Data Protection key ring in hub_data_protection_keys does not hold their key); enter the secrets again with PATCH /api/v1/apps/" + row.Name + ".",
                row.Platform, row.RobotCode, row.AgentId);
        }
    }

    /// <summary>Drops what was built from an app that changed or went away: its endpoint options and (after a grace period) its client.</summary>
    private void Forget(Snapshot? previous, Snapshot current)
    {
        var names = new HashSet<string>(current.Apps.Keys, StringComparer.Ordinal);
        if (previous is not null)
        {
            names.UnionWith(previous.Apps.Keys);
        }

        foreach (var name in names)
        {
            var before = previous?.Apps.GetValueOrDefault(name);
            var after = current.Apps.GetValueOrDefault(name);
            if (before is not null && after is not null && before.UpdatedAt == after.UpdatedAt)
            {
                continue;
            }

            _endpointOptions?.TryRemove(name);
            if (after is null && _clients.TryRemove(name, out var gone))
            {
                Retire(gone.Client);
            }
        }
    }

    /// <summary>A replaced client may still serve calls in flight: disposed after a grace period (or with the registry).</summary>
    private void Retire(FeishuClient client)
    {
        lock (_retired)
        {
            _retired.Add(client);
        }

        _ = DisposeLaterAsync(client);
    }

    private async Task DisposeLaterAsync(FeishuClient client)
    {
        try
        {
            await Task.Delay(_options.RetiredClientGrace, _time, _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        lock (_retired)
        {
            if (!_retired.Remove(client))
            {
                return;
            }
        }

        client.Dispose();
    }

    private sealed record Snapshot(Dictionary<string, StoredApp> Apps, long LoadedAt, int Generation);

    [LoggerMessage(EventId = LogEvents.HubAppRegistryUnreadable, Level = LogLevel.Error, Message = "The secrets of Feishu app '{AppName}' cannot be decrypted: the Data Protection key ring does not hold their key. Enter them again.")]
    private static partial void LogUnreadable(ILogger logger, string appName);
}

/// <summary>
/// Gives each stored app's event and card endpoints its Encrypt Key and Verification Token (named options), and the
/// timestamp window every stored app's callbacks share (<see cref="HubAppsOptions.CallbackTimestampWindow"/>).
/// </summary>
internal sealed class HubAppEventEndpointOptions(HubAppRegistry registry, IOptions<HubAppsOptions> apps) : IConfigureNamedOptions<FeishuEventEndpointOptions>
{
    public void Configure(string? name, FeishuEventEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(name) || registry.Cached(name) is not { IsFeishu: true } app)
        {
            return;
        }

        options.EncryptKey = app.EncryptKey;
        options.VerificationToken = app.VerificationToken;
        options.AcceptLegacyCardCallbacks = app.LegacyCardCallbacks;
        options.TimestampWindow = apps.Value.CallbackTimestampWindow;
    }

    public void Configure(FeishuEventEndpointOptions options) => Configure(Options.DefaultName, options);
}
