using System.Security.Cryptography;
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

    /// <summary>Feishu: the app's events and card callbacks come over the long connection, not webhooks.</summary>
    public bool LongConnection { get; init; }

    /// <summary>True for a Feishu or Lark app.</summary>
    public bool IsFeishu => HubAppPlatform.IsFeishu(Platform);

    /// <summary>True when Feishu's requests to the app's endpoints can be verified.</summary>
    public bool CanReceive => Error is null && (EncryptKey is not null || VerificationToken is not null);
}

/// <summary>
/// The stored apps of the Hub, of every platform: a cached list (secrets unprotected in memory, read again when older
/// than <see cref="HubAppsOptions.RefreshInterval"/> or changed here). What a platform builds from an app (its client,
/// its endpoints' keys) lives in its room, which hears of each app that changed or went away (<see cref="AppChanged"/>).
/// </summary>
internal sealed partial class HubAppRegistry : IDisposable
{
    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly HubSecretProtector _protector;
    private readonly HubAppsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HubPlatforms _platforms;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _generation;

    public HubAppRegistry(
        IDbContextFactory<HubDbContext> contexts,
        HubDatabaseInitializer initializer,
        HubSecretProtector protector,
        IOptions<HubAppsOptions> options,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        HubPlatforms platforms,
        Platform.Configuration.HubSettings? settings = null)
    {
        HasDefaultApp = settings is null || settings.AppId is not null;
        _contexts = contexts;
        _platforms = platforms;
        _initializer = initializer;
        _protector = protector;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger<HubAppRegistry>();
        _time = time;
    }

    /// <summary>
    /// An app was added, changed or removed, as the list read again shows (raised with its name once the new list is
    /// published, so <see cref="Cached"/> already answers with the new app, or null for one that went away). Every app
    /// counts as changed when the list is first read.
    /// </summary>
    public event Action<string>? AppChanged;

    /// <summary>
    /// Whether the Hub has a configured default app (<c>FEISHU_APP_ID</c>, or the sandbox's): a Hub of stored apps only
    /// (<see cref="Platform.Configuration.HubMode.AppsOnly"/>) has none, so every request that sends names its app or is routed.
    /// </summary>
    public bool HasDefaultApp { get; }

    /// <summary>True for the names of the configured default app.</summary>
    public static bool IsDefault(string appName) =>
        appName.Length == 0 || string.Equals(appName, HubAppService.DefaultAppName, StringComparison.Ordinal);

    /// <summary>
    /// The stored app (enabled or not), for synchronous callers: reads the database only when the cached list is older
    /// than <see cref="HubAppsOptions.RefreshInterval"/> (rare and short; callers that can await use <see cref="FindAsync"/>).
    /// </summary>
    public StoredApp? Find(string appName)
    {
        var snapshot = _snapshot;
        if (snapshot is null || IsStale(snapshot))
        {
            snapshot = SnapshotAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return snapshot.Apps.GetValueOrDefault(appName);
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

    public void Dispose() => _gate.Dispose();

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
            // Published first: what a room rebuilds on hearing of a change must read the new secrets.
            _snapshot = loaded;
            Announce(snapshot, loaded);
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
        var baseUrl = Uri.TryCreate(row.BaseUrl, UriKind.Absolute, out var uri) ? uri : _platforms.DefaultBaseUrl(row.Platform);
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
                LongConnection = row.LongConnection,
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

    /// <summary>Tells the rooms of each app that changed or went away between two lists.</summary>
    private void Announce(Snapshot? previous, Snapshot current)
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
            if (before is null || after is null || before.UpdatedAt != after.UpdatedAt)
            {
                AppChanged?.Invoke(name);
            }
        }
    }

    private sealed record Snapshot(Dictionary<string, StoredApp> Apps, long LoadedAt, int Generation);

    [LoggerMessage(EventId = LogEvents.HubAppRegistryUnreadable, Level = LogLevel.Error, Message = "The secrets of Feishu app '{AppName}' cannot be decrypted: the Data Protection key ring does not hold their key. Enter them again.")]
    private static partial void LogUnreadable(ILogger logger, string appName);
}
