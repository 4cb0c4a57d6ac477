using Larkway.Hub.Apps;
using Larkway.WeCom;

namespace Larkway.Hub.WeCom;

/// <summary>
/// WeCom as the Apps room knows it: a corp's self-built app (corp id, AgentId and Secret), its callback settings
/// (接收消息 → 设置API接收: Token and EncodingAESKey), the corp's AI bot, the settings per feature and its one callback URL.
/// </summary>
internal sealed class WeComHubPlatform : HubPlatformInfo
{
    /// <summary>Length of WeCom's EncodingAESKey: 43 letters and digits (Base64 of the 32-byte key without its '=').</summary>
    internal const int AesKeyLength = 43;

    /// <summary>Longest WeCom callback Token (WeCom: English letters and digits, at most 32).</summary>
    internal const int TokenMaxLength = 32;

    /// <inheritdoc />
    public override string Name => HubAppPlatform.WeCom;

    /// <inheritdoc />
    public override string DisplayName => "WeCom";

    /// <inheritdoc />
    public override Uri DefaultBaseUrl => WeComBaseUrls.Api;

    /// <inheritdoc />
    public override HubAppFields OwnFields => HubAppFields.AgentId | HubAppFields.AiBot;

    /// <inheritdoc />
    public override string AppIdExample => "ww1a2b3c4d5e6f7a8b";

    /// <inheritdoc />
    public override string AppIdRequired => $"Required: the corp id (企业ID; WeCom admin console → 我的企业 → 企业信息), e.g. {AppIdExample}.";

    /// <inheritdoc />
    public override string AppSecretRequired => "Required: the app's Secret (WeCom admin console → 应用管理 → the app → Secret, viewed in the WeCom client).";

    /// <inheritdoc />
    public override string BaseUrlRule =>
        $"'wecom' (https://qyapi.weixin.qq.com), or an absolute http(s) URL serving WeCom's /cgi-bin paths, without credentials, query or fragment, at most {HubAppValidation.MaxUrlLength} characters (the Emulator's …/wecom/).";

    /// <inheritdoc />
    public override string ForeignBaseUrlWord(string word, HubPlatformInfo owner) =>
        "A WeCom app's base URL is 'wecom' (https://qyapi.weixin.qq.com) or an http(s) URL serving WeCom's /cgi-bin paths (the Emulator's …/wecom/).";

    /// <summary>The AgentId (required, never cleared), the callback's EncodingAESKey and Token, and the AI bot's fields.</summary>
    public override void Check(HubAppCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check.Input.AgentId is < 0)
        {
            check.Problem("agent_id", "A positive number: the app's AgentId (WeCom admin console → 应用管理 → the app), e.g. 1000002.");
        }
        else
        {
            check.AgentId = check.Input.AgentId;
        }

        if (check.EncryptKey is { Length: > 0 } key && (key.Length != AesKeyLength || !key.All(char.IsAsciiLetterOrDigit)))
        {
            check.Problem("encrypt_key", $"WeCom's EncodingAESKey is {AesKeyLength} letters and digits (the app's 接收消息 → 设置API接收 page, \"随机获取\"); this one has {key.Length} characters.");
        }

        if (check.VerificationToken is { Length: > 0 } token && (token.Length > TokenMaxLength || !token.All(char.IsAsciiLetterOrDigit)))
        {
            check.Problem("verification_token", $"WeCom's callback Token is 1–{TokenMaxLength} letters and digits (the app's 接收消息 → 设置API接收 page); copy it from there.");
        }

        if (check.Adding && check.AgentId is null or 0 && !check.HasProblem("agent_id"))
        {
            check.Problem("agent_id", "Required for a WeCom app: its AgentId (WeCom admin console → 应用管理 → the app), e.g. 1000002.");
        }
        else if (!check.Adding && check.AgentId is 0)
        {
            check.Problem("agent_id", "A WeCom app needs its AgentId: it cannot be cleared (WeCom admin console → 应用管理 → the app).");
        }

        WeComAiBotFields.Check(check);
    }

    /// <summary>
    /// WeCom's settings per feature. A self-built app has no scopes to tick: what it may do is set on its page in the admin
    /// console (应用管理 → the app) — its visible range (可见范围), its trusted IPs (企业可信IP, without which every call from
    /// a new server is refused with 60020), and its API receiving (接收消息 → 设置API接收: URL, Token, EncodingAESKey).
    /// </summary>
    public override IReadOnlyList<HubAppScopeRow> Scopes { get; } =
    [
        new(HubAppFeatures.Bot, "接收消息/API接收", "API receiving: URL, Token and EncodingAESKey (接收消息 → 设置API接收)",
            "Members' messages and events reach the Hub at the app's callback URL; the Token and EncodingAESKey must equal the Hub's verification_token and encrypt_key.", true),
        new(HubAppFeatures.Bot, "企业可信IP", "Trusted IPs (企业可信IP)",
            "Every API call from this Hub (replies, notifications, look-ups) must come from one of the app's trusted IPs; otherwise WeCom answers 60020.", true),
        new(HubAppFeatures.Notifications, "企业可信IP", "Trusted IPs (企业可信IP)",
            "Notifications are sent with message/send from this Hub's address.", true),
        new(HubAppFeatures.Notifications, "可见范围", "Visible range (可见范围)",
            "The app sends only to members inside its visible range; others are returned as invaliduser (81013 when none is reachable).", true),
        new(HubAppFeatures.Events, "接收消息/API接收", "API receiving: URL, Token and EncodingAESKey (接收消息 → 设置API接收)",
            "Template card clicks (template_card_event) and other events are forwarded to business webhooks.", true),
        new(HubAppFeatures.EmailLookup, "通讯录/可见范围", "Members readable through the app's visible range",
            "Recipients given by email or mobile are resolved to userids (user/get_userid_by_email, user/getuserid); only members in the visible range are found.", false),
    ];

    /// <summary>A WeCom app answers its members' messages, so it runs the bot.</summary>
    public override HubAppFeatures FeaturesOf(HubAppInfo app) => base.FeaturesOf(app) | HubAppFeatures.Bot;

    /// <inheritdoc />
    public override HubAppFormLabels FormLabels { get; } = new("Corp ID", "Secret", "EncodingAESKey", "Token", "wecom or the Emulator's …/wecom/");

    /// <inheritdoc />
    public override string AppNameExample => "wecom-corp";

    /// <inheritdoc />
    public override string? ConsoleFormFields => "/WeCom/Console/_WeComAppFields.cshtml";

    /// <summary>One URL, the app's 接收消息 (API receiving) callback.</summary>
    public override string? ConsoleUrls => "/WeCom/Console/_WeComAppUrls.cshtml";

    /// <inheritdoc />
    public override string AgentIdDigitsOnly => "Digits only: the app's AgentId (WeCom admin console → 应用管理 → the app), e.g. 1000002.";

    /// <summary>WeCom checks the callback URL when it is saved there, so the console says where it goes right after saving.</summary>
    public override string? ConsoleSavedNote(string eventsUrl) =>
        $"In WeCom (应用管理 → the app → 接收消息 → 设置API接收) paste the callback URL {eventsUrl} with the same Token and EncodingAESKey, then test the connection.";
}
