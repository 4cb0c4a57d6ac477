using Larkway.DingTalk;
using Larkway.Hub.Apps;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// DingTalk as the Apps room knows it: an organisation's internal app (AppKey and AppSecret), its robot code and
/// AgentId, the event subscription's aes_key, the permissions per feature and its one callback URL.
/// </summary>
internal sealed class DingTalkHubPlatform : HubPlatformInfo
{
    /// <summary>Length of DingTalk's aes_key: 43 Base64 characters (a 32-byte key without its padding).</summary>
    internal const int AesKeyLength = 43;

    /// <inheritdoc />
    public override string Name => HubAppPlatform.DingTalk;

    /// <inheritdoc />
    public override string DisplayName => "DingTalk";

    /// <inheritdoc />
    public override Uri DefaultBaseUrl => DingTalkBaseUrls.Api;

    /// <inheritdoc />
    public override HubAppFields OwnFields => HubAppFields.RobotCode | HubAppFields.AgentId;

    /// <inheritdoc />
    public override string AppIdExample => "dingxxxxxxxxxxxxxxxx";

    /// <inheritdoc />
    public override string AppIdRequired => $"Required: the app's AppKey (Client ID; DingTalk developer console → the app's credentials), e.g. {AppIdExample}.";

    /// <inheritdoc />
    public override string BaseUrlRule =>
        $"'dingtalk' (api.dingtalk.com and oapi.dingtalk.com), or one absolute http(s) URL serving both DingTalk APIs' paths, without credentials, query or fragment, at most {HubAppValidation.MaxUrlLength} characters (the Emulator's …/dingtalk).";

    /// <inheritdoc />
    public override string ForeignBaseUrlWord(string word, HubPlatformInfo owner) =>
        "A DingTalk app's base URL is 'dingtalk' (api.dingtalk.com and oapi.dingtalk.com) or one http(s) URL serving both (the Emulator's …/dingtalk).";

    /// <summary>The robot code (printable, default the AppKey), a positive AgentId, and the aes_key's length.</summary>
    public override void Check(HubAppCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var code = check.Input.RobotCode?.Trim();
        if (!string.IsNullOrEmpty(code) && (code.Length > HubAppValidation.MaxAppIdLength || code.Any(c => c <= ' ' || c > '~')))
        {
            check.Problem("robot_code", $"At most {HubAppValidation.MaxAppIdLength} printable ASCII characters without spaces (the robot's page in DingTalk's developer console), or leave it out to use the AppKey.");
            code = null;
        }

        check.RobotCode = check.Adding || check.Input.RobotCode is null ? code : code ?? "";
        if (check.Input.AgentId is < 0)
        {
            check.Problem("agent_id", "A positive number: the app's AgentId (DingTalk developer console → the app's basic information).");
        }
        else
        {
            check.AgentId = check.Input.AgentId;
        }

        if (check.EncryptKey is { Length: > 0 and not AesKeyLength } key)
        {
            check.Problem("encrypt_key", $"DingTalk's aes_key is {AesKeyLength} characters (the event subscription page); this one has {key.Length}.");
        }
    }

    /// <summary>
    /// DingTalk's permissions (the developer console's 权限管理 page, by code), per feature. Stream mode and the outgoing
    /// robot need no permission, only the robot capability with "Stream 模式" or an HTTP message URL.
    /// </summary>
    public override IReadOnlyList<HubAppScopeRow> Scopes { get; } =
    [
        new(HubAppFeatures.Bot, "qyapi_robot_sendmsg", "企业内机器人发送消息权限 (robot sends messages)",
            "Replies the session webhook cannot carry (expired), and notifications sent by the app robot (oToMessages/batchSend, groupMessages/send).", true),
        new(HubAppFeatures.Notifications, "qyapi_robot_sendmsg", "企业内机器人发送消息权限 (robot sends messages)",
            "Notifications are sent one-to-one by the app robot.", true),
        new(HubAppFeatures.Notifications, "Card.Instance.Write", "互动卡片实例写权限 (interactive card instances)",
            "Cards created, delivered and updated in place.", false),
        new(HubAppFeatures.Notifications, "Card.Streaming.Write", "AI 卡片流式更新权限 (AI card streaming)",
            "Streamed replies in AI cards.", false),
        new(HubAppFeatures.EmailLookup, "qyapi_get_member_by_mobile", "根据手机号获取成员基本信息 (user id by mobile)",
            "Recipients given by mobile number are resolved to userids (topapi/v2/user/getbymobile).", false),
    ];

    /// <summary>A DingTalk app's robot answers (Stream or the HTTP callback), so it runs the bot.</summary>
    public override HubAppFeatures FeaturesOf(HubAppInfo app) => base.FeaturesOf(app) | HubAppFeatures.Bot;

    /// <inheritdoc />
    public override HubAppFormLabels FormLabels { get; } = new("AppKey", "App Secret", "aes_key", "token", "dingtalk or the Emulator's …/dingtalk");

    /// <inheritdoc />
    public override string? ConsoleFormFields => "/DingTalk/Console/_DingTalkAppFields.cshtml";

    /// <summary>Stream mode needs no URL pasted; the HTTP callback is shown for the robot's outgoing messages and event subscription.</summary>
    public override string? ConsoleUrls => "/DingTalk/Console/_DingTalkAppUrls.cshtml";

    /// <inheritdoc />
    public override string AgentIdDigitsOnly => "Digits only: the app's AgentId (DingTalk developer console → the app's basic information).";
}
