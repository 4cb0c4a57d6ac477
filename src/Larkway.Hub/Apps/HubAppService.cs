using Larkway.Hub.Platform.Units;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Apps;

/// <summary>
/// Adds, lists, changes and removes the Feishu apps the Hub serves, tests their credentials and lists the scopes they
/// need. Secrets go in protected (<see cref="HubSecretProtector"/>) and never come out: callers see only whether each
/// is set. The configured app (FEISHU_APP_ID …) appears read-only as <see cref="DefaultAppName"/>.
/// </summary>
public sealed partial class HubAppService
{
    /// <summary>The name under which the configured (environment/appsettings) app is listed; reserved.</summary>
    public const string DefaultAppName = "default";

    /// <summary>
    /// The name the APIs, webhook payloads, cards and logs show for an app: <see cref="DefaultAppName"/> for the
    /// configured app, which the libraries and the database know as "" (or null).
    /// </summary>
    public static string NameOnWire(string? appName) => string.IsNullOrEmpty(appName) ? DefaultAppName : appName;

    /// <summary>The inverse of <see cref="NameOnWire"/>: "" for the configured app (as the libraries, clients and database know it).</summary>
    public static string NameInStore(string appName) => HubAppRegistry.IsDefault(appName) ? "" : appName;

    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly IHubStorageProvider _provider;
    private readonly HubSecretProtector _protector;
    private readonly HubAppRegistry _registry;
    private readonly HubSettings? _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PlatformPieces<IPlatformConnectionTest> _connectionTests;
    private readonly HubPlatforms _platforms;

    internal HubAppService(
        IDbContextFactory<HubDbContext> contexts,
        HubDatabaseInitializer initializer,
        IHubStorageProvider provider,
        HubSecretProtector protector,
        HubAppRegistry registry,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        PlatformPieces<IPlatformConnectionTest> connectionTests,
        HubPlatforms platforms,
        HubSettings? settings = null)
    {
        _platforms = platforms;
        _connectionTests = connectionTests;
        _contexts = contexts;
        _initializer = initializer;
        _provider = provider;
        _protector = protector;
        _registry = registry;
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<HubAppService>();
        _time = time;
    }

    /// <summary>The configured app, when the Hub has one (null when it runs without credentials, e.g. in unit tests).</summary>
    public HubAppInfo? DefaultApp => _settings?.AppId is null ? null : HubAppInfo.FromSettings(_settings, _platforms) with { PlatformInfo = _platforms.Find(HubAppPlatform.Feishu) };

    /// <summary>The platforms this Hub serves (the console's form asks them for their labels).</summary>
    public HubPlatforms Platforms => _platforms;

    /// <summary>The configured app (first, when there is one) and the stored apps by name.</summary>
    public async Task<IReadOnlyList<HubAppInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Apps.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            var stored = rows.OrderBy(r => r.Name, StringComparer.Ordinal).Select(Info);
            return DefaultApp is { } configured ? [configured, .. stored] : [.. stored];
        }
    }

    /// <summary>
    /// One page of <see cref="ListAsync"/>'s order, up to <paramref name="take"/> + 1 apps: the configured app first, then
    /// the stored apps by name after <paramref name="after"/> (the name the previous page ended with), read by keyset.
    /// </summary>
    public async Task<IReadOnlyList<HubAppInfo>> ListPageAsync(string? after, int take, CancellationToken cancellationToken = default)
    {
        var page = new List<HubAppInfo>();
        if (after is null && DefaultApp is { } configured)
        {
            page.Add(configured);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.Apps.AsNoTracking();
            // No stored app is named DefaultAppName: after it come all the stored apps.
            if (after is not null && !HubAppRegistry.IsDefault(after))
            {
                rows = rows.Where(r => string.Compare(r.Name, after) > 0);
            }

            var stored = await rows.OrderBy(r => r.Name).Take(take + 1 - page.Count).ToListAsync(cancellationToken).ConfigureAwait(false);
            page.AddRange(stored.Select(Info));
            return page;
        }
    }

    /// <summary>One app by name (<see cref="DefaultAppName"/> for the configured app), or null.</summary>
    public async Task<HubAppInfo?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (HubAppRegistry.IsDefault(name))
        {
            return DefaultApp;
        }

        var row = await FindRowAsync(name, cancellationToken).ConfigureAwait(false);
        return row is null ? null : Info(row);
    }

    /// <summary>Stores a new app (enabled unless <see cref="HubAppInput.Enabled"/> is false).</summary>
    public async Task<HubAppChange> AddAsync(HubAppInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problems = HubAppValidation.ForAdd(input, _platforms, out var app);
        if (problems.Count > 0)
        {
            return HubAppChange.Invalid(problems);
        }

        var now = _time.GetUtcNow();
        var row = new HubAppRow
        {
            Name = app.Name,
            Platform = app.Platform,
            RobotCode = app.RobotCode,
            AgentId = app.AgentId,
            AiBotId = app.AiBotId,
            AiBotSecret = app.AiBotSecret is null ? null : _protector.Protect(app.AiBotSecret),
            AiBotUrl = app.AiBotUrl,
            LongConnection = app.LongConnection ?? false,
            AppId = app.AppId!,
            BaseUrl = app.BaseUrl!.AbsoluteUri,
            AppSecret = _protector.Protect(app.AppSecret!),
            EncryptKey = app.EncryptKey is null ? null : _protector.Protect(app.EncryptKey),
            VerificationToken = app.VerificationToken is null ? null : _protector.Protect(app.VerificationToken),
            Enabled = app.Enabled ?? true,
            LegacyCardCallbacks = app.LegacyCardCallbacks ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.Apps.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (_provider.IsUniqueViolation(ex))
            {
                return HubAppChange.Conflict("name", $"An app named '{app.Name}' exists already; change it with PATCH /api/v1/apps/{app.Name}.");
            }
        }

        _registry.Invalidate();
        LogAdded(_logger, row.Name, row.Platform, row.AppId);
        return HubAppChange.Stored(Info(row), default, (app.AppSecret, app.EncryptKey, app.VerificationToken));
    }

    /// <summary>Changes a stored app: null fields keep their value (a secret is kept unless a new one is given).</summary>
    public async Task<HubAppChange> UpdateAsync(string name, HubAppInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(input);
        if (HubAppRegistry.IsDefault(name))
        {
            return HubAppChange.Conflict("name", "The default app comes from configuration (FEISHU_APP_ID, FEISHU_APP_SECRET, …); change it there and restart the Hub.");
        }

        var stored = await FindRowAsync(name, cancellationToken).ConfigureAwait(false);
        var problems = HubAppValidation.ForUpdate(name, stored?.Platform ?? HubAppPlatform.Feishu, input, _platforms, out var change);
        if (problems.Count > 0)
        {
            return HubAppChange.Invalid(problems);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Apps.FirstOrDefaultAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return HubAppChange.Missing(name);
            }

            if (SecretsLeftBehind(row, change) is { Count: > 0 } leftBehind)
            {
                return HubAppChange.Invalid(leftBehind);
            }

            var before = Secrets(row);
            row.AppId = change.AppId ?? row.AppId;
            row.BaseUrl = change.BaseUrl?.AbsoluteUri ?? row.BaseUrl;
            row.AppSecret = change.AppSecret is null ? row.AppSecret : _protector.Protect(change.AppSecret);
            row.EncryptKey = ProtectOrKeep(change.EncryptKey, row.EncryptKey);
            row.VerificationToken = ProtectOrKeep(change.VerificationToken, row.VerificationToken);
            row.Enabled = change.Enabled ?? row.Enabled;
            row.LegacyCardCallbacks = change.LegacyCardCallbacks ?? row.LegacyCardCallbacks;
            row.LongConnection = change.LongConnection ?? row.LongConnection;
            row.RobotCode = change.RobotCode is null ? row.RobotCode : change.RobotCode.Length == 0 ? null : change.RobotCode;
            row.AgentId = change.AgentId is null ? row.AgentId : change.AgentId == 0 ? null : change.AgentId;
            if (ApplyAiBot(row, change) is { } aiBotProblem)
            {
                return HubAppChange.Invalid([aiBotProblem]);
            }

            // Strictly later, so replicas comparing updated_at always notice (two changes can share a millisecond).
            var now = _time.GetUtcNow();
            row.UpdatedAt = now > row.UpdatedAt ? now : row.UpdatedAt.AddMilliseconds(1);
            if (!await db.SaveUnlessDeletedAsync(cancellationToken).ConfigureAwait(false))
            {
                return HubAppChange.Missing(name);
            }

            _registry.Invalidate();
            LogUpdated(_logger, row.Name);
            return HubAppChange.Stored(Info(row), before, Secrets(row));
        }
    }

    /// <summary>Removes a stored app: deleted, none by that name, or the configured app (read-only).</summary>
    public async Task<HubAppDeleteOutcome> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (HubAppRegistry.IsDefault(name))
        {
            return HubAppDeleteOutcome.ReadOnly;
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var deleted = await db.Apps.Where(a => a.Name == name).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1;
            if (deleted)
            {
                _registry.Invalidate();
                LogDeleted(_logger, name);
            }

            return deleted ? HubAppDeleteOutcome.Deleted : HubAppDeleteOutcome.NotFound;
        }
    }

    /// <summary>
    /// Why the Hub refuses Feishu's requests for the app named <paramref name="name"/> (none by that name, disabled, its
    /// secrets unreadable, or nothing to verify requests with), or null when it receives them.
    /// </summary>
    public async Task<string?> ReceivingRefusalAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var app = HubAppValidation.IsValidName(name) ? await _registry.FindAsync(name, cancellationToken).ConfigureAwait(false) : null;
        return app switch
        {
            null => $"The Hub has no Feishu app named '{name}'. Add it with POST /api/v1/apps, or fix the URL in the developer console.",
            { IsFeishu: false } other => $"'{name}' is a {_platforms.Display(other.Platform)} app: {_platforms.Display(other.Platform)} calls {CallbackPathOf(other)}, not this URL.",
            { Enabled: false } => $"The Feishu app '{name}' is disabled in the Hub; its events are refused until it is enabled again.",
            { Error: { } error } => $"The Feishu app '{name}' cannot verify requests: {error}",
            { CanReceive: false } => $"The Feishu app '{name}' has no encrypt_key or verification_token in the Hub, so its requests cannot be verified; set them with PATCH /api/v1/apps/{name}.",
            _ => null,
        };
    }

    /// <summary>
    /// Fetches a tenant token with the app's credentials and reads its bot's info: the bot, or the exact Feishu error
    /// (code, msg, log id, HTTP status) or network error. Null when no app has the name. Never throws for a failed test.
    /// </summary>
    public async Task<HubAppTestResult?> TestConnectionAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        StoredApp app;
        if (HubAppRegistry.IsDefault(name))
        {
            if (_settings?.AppId is null || _settings.AppSecret is null)
            {
                return null;
            }

            // The configured app is a Feishu app: tested as a stored one would be.
            app = new StoredApp("", _settings.AppId, _settings.BaseUrl ?? _platforms.DefaultBaseUrl(HubAppPlatform.Feishu), _settings.AppSecret, null, null, false, true, _time.GetUtcNow(), null);
        }
        else
        {
            _registry.Invalidate();
            if (await _registry.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                return null;
            }

            if (stored.Error is not null)
            {
                return HubAppTestResult.Failed(error: stored.Error);
            }

            app = stored;
        }

        var platform = HubAppPlatform.Of(app.Platform);
        return _connectionTests.Find(platform) is { } test
            ? await test.RunAsync(app, cancellationToken).ConfigureAwait(false)
            : HubAppTestResult.Failed($"This Hub cannot test {_platforms.Display(platform)} apps: its room is not added.");
    }

    /// <summary>The Feishu scopes the app needs for what the Hub does with it, each with the reason; null when no app has the name.</summary>
    public async Task<IReadOnlyList<HubAppScope>?> ScopesAsync(string name, CancellationToken cancellationToken = default)
    {
        var app = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        return app?.Scopes;
    }

    /// <summary>The row's secrets in clear, to tell the audit log which of them a change replaced.</summary>
    private (string? AppSecret, string? EncryptKey, string? VerificationToken) Secrets(HubAppRow row) =>
        (Unprotected(row.AppSecret), Unprotected(row.EncryptKey), Unprotected(row.VerificationToken));

    private string? Unprotected(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(stored);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // A secret the key ring no longer opens is still a secret: compared as stored, a new one reads as changed.
            return stored;
        }
    }

    private string? ProtectOrKeep(string? change, string? stored) => change switch
    {
        null => stored,
        "" => null,
        _ => _protector.Protect(change),
    };

    /// <summary>Applies the AI bot fields of a change (an empty id removes the bot); the problem when a bot would be left without its secret.</summary>
    private HubAppProblem? ApplyAiBot(HubAppRow row, ValidApp change)
    {
        if (change.AiBotId is { Length: 0 })
        {
            (row.AiBotId, row.AiBotSecret, row.AiBotUrl) = (null, null, null);
            return null;
        }

        row.AiBotId = change.AiBotId ?? row.AiBotId;
        row.AiBotSecret = change.AiBotSecret is { Length: > 0 } secret ? _protector.Protect(secret) : row.AiBotSecret;
        row.AiBotUrl = change.AiBotUrl is null ? row.AiBotUrl : change.AiBotUrl.Length == 0 ? null : change.AiBotUrl;
        return row.AiBotId is not null && row.AiBotSecret is null
            ? new("ai_bot_secret", "Required with ai_bot_id: the AI bot's Secret (the bot's page in the WeCom admin console, API mode: long connection).")
            : row.AiBotId is null && (change.AiBotSecret is { Length: > 0 } || change.AiBotUrl is { Length: > 0 })
            ? new("ai_bot_id", "This app has no AI bot: give ai_bot_id with the secret.")
            : null;
    }

    /// <summary>
    /// A new endpoint for a stored secret, without the secret in the same change: <c>base_url</c> receives the app secret
    /// (every token call), <c>ai_bot_url</c> the AI bot's secret (its long connection's subscribe). A stored secret is never
    /// handed to an endpoint it was not given for, so whoever may change the URL cannot collect it there.
    /// </summary>
    private List<HubAppProblem> SecretsLeftBehind(HubAppRow row, ValidApp change)
    {
        var problems = new List<HubAppProblem>();
        if (change.BaseUrl is { } url && change.AppSecret is null && row.AppSecret.Length > 0 && url != BaseUrlOf(row))
        {
            problems.Add(new("app_secret", "Required with a new base_url: the stored secret is not sent to another endpoint; give the app secret again in the same change."));
        }

        if (change.AiBotUrl is { Length: > 0 } botUrl && change.AiBotSecret is not { Length: > 0 } && row.AiBotSecret is not null
            && !string.Equals(botUrl, row.AiBotUrl, StringComparison.Ordinal))
        {
            problems.Add(new("ai_bot_secret", "Required with a new ai_bot_url: the stored AI bot secret is not sent to another endpoint; give it again in the same change."));
        }

        return problems;
    }

    /// <summary>The app's base URL, or its platform's own for a row stored without one.</summary>
    private Uri BaseUrlOf(HubAppRow row) =>
        Uri.TryCreate(row.BaseUrl, UriKind.Absolute, out var uri) ? uri : _platforms.DefaultBaseUrl(row.Platform);

    /// <summary>Where the platform of a stored app posts its events, as its platform says.</summary>
    private string CallbackPathOf(StoredApp app) =>
        _platforms.Find(app.Platform)?.EventsPath(new HubAppInfo(app.Name, app.AppId, app.BaseUrl, app.Enabled, true, false, false, false, false, null, null, app.Platform))
        ?? $"/{HubAppPlatform.Of(app.Platform)}/apps/{app.Name}/callback";

    private HubAppInfo Info(HubAppRow row) => new(
        row.Name,
        row.AppId,
        BaseUrlOf(row),
        row.Enabled,
        AppSecretSet: row.AppSecret.Length > 0,
        EncryptKeySet: row.EncryptKey is not null,
        VerificationTokenSet: row.VerificationToken is not null,
        row.LegacyCardCallbacks,
        ReadOnly: false,
        row.CreatedAt,
        row.UpdatedAt,
        row.Platform,
        row.RobotCode,
        row.AgentId)
    {
        AiBotId = row.AiBotId,
        AiBotSecretSet = row.AiBotSecret is not null,
        AiBotUrl = row.AiBotUrl is not null && Uri.TryCreate(row.AiBotUrl, UriKind.Absolute, out var aiBotUrl) ? aiBotUrl : null,
        LongConnection = row.LongConnection,
        PlatformInfo = _platforms.Find(row.Platform),
    };

    private async Task<HubAppRow?> FindRowAsync(string name, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Name == name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = LogEvents.HubAppServiceAdded, Level = LogLevel.Information, Message = "App '{AppName}' ({Platform}, {AppId}) added.")]
    private static partial void LogAdded(ILogger logger, string appName, string platform, string appId);

    [LoggerMessage(EventId = LogEvents.HubAppServiceUpdated, Level = LogLevel.Information, Message = "App '{AppName}' changed.")]
    private static partial void LogUpdated(ILogger logger, string appName);

    [LoggerMessage(EventId = LogEvents.HubAppServiceDeleted, Level = LogLevel.Information, Message = "App '{AppName}' deleted.")]
    private static partial void LogDeleted(ILogger logger, string appName);
}
