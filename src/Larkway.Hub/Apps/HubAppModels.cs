using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Configuration;
namespace Larkway.Hub.Apps;

/// <summary>
/// What a caller sends to add or change an app. On update a null field keeps the stored value; an empty
/// <see cref="EncryptKey"/> or <see cref="VerificationToken"/> clears it.
/// </summary>
public sealed record HubAppInput
{
    public string? Name { get; init; }

    /// <summary><c>feishu</c> (the default), <c>lark</c>, <c>dingtalk</c> or <c>wecom</c>; fixed once the app is stored.</summary>
    public string? Platform { get; init; }

    /// <summary>Feishu's App ID, DingTalk's AppKey (Client ID), or WeCom's corp id (企业ID).</summary>
    public string? AppId { get; init; }

    /// <summary>
    /// An http(s) URL, or <c>feishu</c> / <c>lark</c> / <c>dingtalk</c>; default the platform's own. For DingTalk a URL is
    /// one host serving both DingTalk APIs' paths (the Emulator's <c>…/dingtalk</c>).
    /// </summary>
    public string? BaseUrl { get; init; }

    public string? AppSecret { get; init; }

    public string? EncryptKey { get; init; }

    public string? VerificationToken { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>Whether old-style card callbacks are accepted (default true); false accepts only card.action.trigger.</summary>
    public bool? LegacyCardCallbacks { get; init; }

    /// <summary>DingTalk: the app robot's code (default: the AppKey); empty clears it.</summary>
    public string? RobotCode { get; init; }

    /// <summary>DingTalk: the app's AgentId (for work notifications); 0 clears it. WeCom: the app's AgentId (required).</summary>
    public long? AgentId { get; init; }

    /// <summary>WeCom: the corp's AI bot (智能机器人) whose long connection the Hub holds (its Bot ID); empty removes the bot.</summary>
    public string? AiBotId { get; init; }

    /// <summary>WeCom: the AI bot's long-connection Secret (required with a new <see cref="AiBotId"/>).</summary>
    public string? AiBotSecret { get; init; }

    /// <summary>WeCom: the AI bot's long-connection URL (default WeCom's <c>wss://openws.work.weixin.qq.com</c>); empty restores it.</summary>
    public string? AiBotUrl { get; init; }

    /// <summary>Feishu: receive the app's events and card callbacks over the long connection instead of webhooks (default false).</summary>
    public bool? LongConnection { get; init; }
}

/// <summary>One thing wrong with an input: the field (snake_case, as on the wire) and what to fix.</summary>
public sealed record HubAppProblem(string Field, string Message);

/// <summary>An app as the Hub shows it: never a secret, only whether each one is set.</summary>
/// <param name="Name">The app's name in the Hub (<see cref="HubAppService.DefaultAppName"/> for the configured app).</param>
/// <param name="AppId">Feishu's app id.</param>
/// <param name="BaseUrl">The Open Platform's base URL.</param>
/// <param name="Enabled">Whether the Hub accepts its events and hands out its client.</param>
/// <param name="AppSecretSet">Whether an App Secret is stored.</param>
/// <param name="EncryptKeySet">Whether an Encrypt Key is stored.</param>
/// <param name="VerificationTokenSet">Whether a Verification Token is stored.</param>
/// <param name="LegacyCardCallbacks">Whether old-style card callbacks (SHA-1 with the Verification Token) are accepted.</param>
/// <param name="ReadOnly">True for the app from configuration/environment (changed there, not by the API).</param>
/// <param name="CreatedAt">When added (null for the configured app).</param>
/// <param name="UpdatedAt">When last changed (null for the configured app).</param>
/// <param name="Platform">The app's platform (<see cref="HubAppPlatform"/>).</param>
/// <param name="RobotCode">DingTalk: the app robot's code, when it is not the AppKey.</param>
/// <param name="AgentId">DingTalk: the app's AgentId, when set.</param>
public sealed record HubAppInfo(
    string Name,
    string AppId,
    Uri BaseUrl,
    bool Enabled,
    bool AppSecretSet,
    bool EncryptKeySet,
    bool VerificationTokenSet,
    bool LegacyCardCallbacks,
    bool ReadOnly,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    string Platform = HubAppPlatform.Feishu,
    string? RobotCode = null,
    long? AgentId = null)
{
    /// <summary>WeCom: the AI bot whose long connection the Hub holds, when the app has one.</summary>
    public string? AiBotId { get; init; }

    /// <summary>WeCom: whether the AI bot's Secret is stored.</summary>
    public bool AiBotSecretSet { get; init; }

    /// <summary>WeCom: the AI bot's long-connection URL, when it is not WeCom's own.</summary>
    public Uri? AiBotUrl { get; init; }

    /// <summary>Feishu: whether the app's events and card callbacks come over the long connection (not webhooks).</summary>
    public bool LongConnection { get; init; }

    /// <summary>
    /// The app's platform as its room registered it (set by <see cref="HubAppService"/>); null for an app of a platform
    /// whose room is not added, which then has Feishu's paths and no scopes.
    /// </summary>
    public HubPlatformInfo? PlatformInfo { get; init; }

    /// <summary>
    /// Path of the app's event subscription URL on the Hub, as its platform says (Feishu: <c>/feishu/apps/{name}/events</c>;
    /// DingTalk: its HTTP callback, for the outgoing robot and event subscription; WeCom: the app's 接收消息 URL).
    /// </summary>
    public string EventsPath => PlatformInfo?.EventsPath(this) ?? (ReadOnly ? "/feishu/events" : $"/feishu/apps/{Name}/events");

    /// <summary>Path of the app's card request URL on the Hub, as its platform says.</summary>
    public string CardsPath => PlatformInfo?.CardsPath(this) ?? (ReadOnly ? "/feishu/cards" : $"/feishu/apps/{Name}/cards");

    /// <summary>What the Hub does with the app, as its platform says (the configured app runs the bot).</summary>
    public HubAppFeatures Features => PlatformInfo?.FeaturesOf(this)
        ?? HubAppFeatures.Notifications | HubAppFeatures.EmailLookup | HubAppFeatures.Events | (ReadOnly ? HubAppFeatures.Bot : HubAppFeatures.None);

    /// <summary>The permissions to enable in the platform's console for <see cref="Features"/>, from its table.</summary>
    public IReadOnlyList<HubAppScope> Scopes => HubAppScopes.For(PlatformInfo?.Scopes ?? [], Features);

    /// <summary>The configured app, a Feishu app: without a base URL of its own, Feishu's room's default (<paramref name="platforms"/>).</summary>
    internal static HubAppInfo FromSettings(HubSettings settings, HubPlatforms platforms) => new(
        HubAppService.DefaultAppName,
        settings.AppId ?? "",
        settings.BaseUrl ?? platforms.DefaultBaseUrl(HubAppPlatform.Feishu),
        Enabled: settings.AppId is not null,
        AppSecretSet: settings.AppSecret is not null,
        EncryptKeySet: settings.EncryptKey is not null,
        VerificationTokenSet: settings.VerificationToken is not null,
        LegacyCardCallbacks: settings.LegacyCardCallbacks,
        ReadOnly: true,
        CreatedAt: null,
        UpdatedAt: null)
    {
        LongConnection = settings.Mode == HubMode.LongConnection,
    };
}

/// <summary>How an add or update ended.</summary>
public enum HubAppChangeStatus
{
    /// <summary>Stored.</summary>
    Ok,

    /// <summary>The input is invalid; see <see cref="HubAppChange.Problems"/>.</summary>
    Invalid,

    /// <summary>No app has that name.</summary>
    NotFound,

    /// <summary>An app with that name exists already (add), or the app is read-only.</summary>
    Conflict,
}

/// <summary>How a delete ended.</summary>
public enum HubAppDeleteOutcome
{
    /// <summary>Removed.</summary>
    Deleted,

    /// <summary>No stored app has that name.</summary>
    NotFound,

    /// <summary>The configured default app: it comes from configuration and cannot be removed here.</summary>
    ReadOnly,
}

/// <summary>The outcome of an add or update: the app as stored, or what is wrong.</summary>
public sealed record HubAppChange(HubAppChangeStatus Status, HubAppInfo? App, IReadOnlyList<HubAppProblem> Problems)
{
    /// <summary>
    /// What became of each of the app's secrets (<c>app_secret</c>, <c>encrypt_key</c>, <c>verification_token</c>), as the
    /// audit log says it: set, changed, removed, kept or none. Never a secret.
    /// </summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal static HubAppChange Stored(HubAppInfo app, (string? AppSecret, string? EncryptKey, string? VerificationToken) before, (string? AppSecret, string? EncryptKey, string? VerificationToken) after) =>
        new(HubAppChangeStatus.Ok, app, [])
        {
            Secrets = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["app_secret"] = AuditSecret.Describe(before.AppSecret, after.AppSecret),
                ["encrypt_key"] = AuditSecret.Describe(before.EncryptKey, after.EncryptKey),
                ["verification_token"] = AuditSecret.Describe(before.VerificationToken, after.VerificationToken),
            },
        };

    internal static HubAppChange Invalid(IReadOnlyList<HubAppProblem> problems) => new(HubAppChangeStatus.Invalid, null, problems);

    internal static HubAppChange Missing(string name) => new(HubAppChangeStatus.NotFound, null, [new("name", $"No app is named '{name}'.")]);

    internal static HubAppChange Conflict(string field, string message) => new(HubAppChangeStatus.Conflict, null, [new(field, message)]);
}
