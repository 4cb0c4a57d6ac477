using System.Text.RegularExpressions;
using Larkway.DingTalk;
using Larkway.Feishu;
using Larkway.WeCom;

namespace Larkway.Hub.Apps;

/// <summary>The rules for an app's fields; every problem is reported at once, each with what to fix.</summary>
public static partial class HubAppValidation
{
    /// <summary>Longest name.</summary>
    public const int MaxNameLength = 40;

    /// <summary>Longest app id.</summary>
    public const int MaxAppIdLength = 64;

    /// <summary>Longest base URL.</summary>
    public const int MaxUrlLength = 512;

    /// <summary>Longest secret, key or token.</summary>
    public const int MaxSecretLength = 256;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>True when <paramref name="name"/> could name a stored app (syntax only).</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Checks a new app; <paramref name="app"/> holds the normalised values when there is no problem.</summary>
    internal static List<HubAppProblem> ForAdd(HubAppInput input, out ValidApp app)
    {
        var problems = new List<HubAppProblem>();
        var name = input.Name?.Trim() ?? "";
        if (!IsValidName(name))
        {
            problems.Add(new("name", $"Required: 1–{MaxNameLength} characters of a–z, 0–9 and '-', starting with a letter or digit (it becomes part of the app's event URLs)."));
        }
        else if (string.Equals(name, HubAppService.DefaultAppName, StringComparison.Ordinal))
        {
            problems.Add(new("name", $"'{HubAppService.DefaultAppName}' is the app configured by FEISHU_APP_ID / FEISHU_APP_SECRET; choose another name."));
        }

        var platform = CheckPlatform(input.Platform, problems);
        var dingTalk = HubAppPlatform.IsDingTalk(platform);
        var weCom = HubAppPlatform.IsWeCom(platform);
        var appId = CheckAppId(input.AppId, required: true, platform, problems);
        var baseUrl = CheckBaseUrl(input.BaseUrl, platform, problems) ?? DefaultBaseUrl(input.Platform, platform);
        var secret = CheckSecret("app_secret", input.AppSecret, required: true, problems, platform);
        var encryptKey = CheckSecret("encrypt_key", input.EncryptKey, required: false, problems);
        var token = CheckSecret("verification_token", input.VerificationToken, required: false, problems);
        var robotCode = CheckDingTalkOnly(input, platform, problems) && dingTalk ? CheckRobotCode(input.RobotCode, problems) : null;
        var agentId = CheckAgentId(input.AgentId, platform, problems);
        if (dingTalk && encryptKey is { Length: not DingTalkAesKeyLength })
        {
            problems.Add(new("encrypt_key", $"DingTalk's aes_key is {DingTalkAesKeyLength} characters (the event subscription page); this one has {encryptKey.Length}."));
        }

        if (weCom)
        {
            CheckWeCom(encryptKey, token, problems);
            if (agentId is null or 0 && !problems.Any(p => p.Field == "agent_id"))
            {
                problems.Add(new("agent_id", "Required for a WeCom app: its AgentId (WeCom admin console → 应用管理 → the app), e.g. 1000002."));
            }
        }

        var aiBot = CheckAiBot(input, platform, adding: true, problems);
        app = new ValidApp(name, appId ?? "", baseUrl, secret, Empty(encryptKey), Empty(token), input.Enabled ?? true, input.LegacyCardCallbacks ?? true)
        {
            Platform = platform ?? HubAppPlatform.Feishu,
            RobotCode = Empty(robotCode),
            AgentId = agentId is 0 ? null : agentId,
            AiBotId = Empty(aiBot.Id),
            AiBotSecret = Empty(aiBot.Secret),
            AiBotUrl = Empty(aiBot.Url),
        };
        return problems;
    }

    /// <summary>Length of DingTalk's aes_key: 43 Base64 characters (a 32-byte key without its padding).</summary>
    internal const int DingTalkAesKeyLength = 43;

    /// <summary>Length of WeCom's EncodingAESKey: 43 letters and digits (Base64 of the 32-byte key without its '=').</summary>
    internal const int WeComAesKeyLength = 43;

    /// <summary>Longest WeCom callback Token (WeCom: English letters and digits, at most 32).</summary>
    internal const int WeComTokenMaxLength = 32;

    /// <summary>WeCom's callback settings (接收消息 → API 接收): the EncodingAESKey is 43 letters/digits, the Token up to 32.</summary>
    private static void CheckWeCom(string? encodingAesKey, string? token, List<HubAppProblem> problems)
    {
        if (!string.IsNullOrEmpty(encodingAesKey) && (encodingAesKey.Length != WeComAesKeyLength || !encodingAesKey.All(char.IsAsciiLetterOrDigit)))
        {
            problems.Add(new("encrypt_key", $"WeCom's EncodingAESKey is {WeComAesKeyLength} letters and digits (the app's 接收消息 → 设置API接收 page, \"随机获取\"); this one has {encodingAesKey.Length} characters."));
        }

        if (!string.IsNullOrEmpty(token) && (token.Length > WeComTokenMaxLength || !token.All(char.IsAsciiLetterOrDigit)))
        {
            problems.Add(new("verification_token", $"WeCom's callback Token is 1–{WeComTokenMaxLength} letters and digits (the app's 接收消息 → 设置API接收 page); copy it from there."));
        }
    }

    private static string? CheckPlatform(string? value, List<HubAppProblem> problems)
    {
        var platform = value?.Trim().ToLowerInvariant();
        switch (platform)
        {
            case null or "" or HubAppPlatform.Feishu or "lark":
                return HubAppPlatform.Feishu;
            case HubAppPlatform.DingTalk:
                return HubAppPlatform.DingTalk;
            case HubAppPlatform.WeCom:
                return HubAppPlatform.WeCom;
            default:
                problems.Add(new("platform", $"One of {string.Join(", ", HubAppPlatform.Accepted)} (default feishu)."));
                return null;
        }
    }

    private static Uri DefaultBaseUrl(string? platformInput, string? platform) =>
        HubAppPlatform.IsDingTalk(platform) ? DingTalkBaseUrls.Api
        : HubAppPlatform.IsWeCom(platform) ? WeComBaseUrls.Api
        : string.Equals(platformInput?.Trim(), "lark", StringComparison.OrdinalIgnoreCase) ? FeishuBaseUrls.Lark
        : FeishuBaseUrls.Feishu;

    /// <summary>The DingTalk-only (and WeCom's AgentId) fields on a Feishu app are a mistake worth naming; true when they may be read.</summary>
    private static bool CheckDingTalkOnly(HubAppInput input, string? platform, List<HubAppProblem> problems)
    {
        if (HubAppPlatform.IsWeCom(platform) && input.RobotCode is not null)
        {
            problems.Add(new("robot_code", "Only DingTalk apps have a robot code; a WeCom app sends as itself (its agent_id). Leave robot_code out."));
            return false;
        }

        if (HubAppPlatform.IsFeishu(platform) && (input.RobotCode is not null || input.AgentId is not null))
        {
            problems.Add(new(input.RobotCode is not null ? "robot_code" : "agent_id", "Only DingTalk apps have a robot code, and only DingTalk and WeCom apps an AgentId; set platform to dingtalk or wecom, or leave them out."));
            return false;
        }

        return true;
    }

    private static string? CheckRobotCode(string? value, List<HubAppProblem> problems)
    {
        var code = value?.Trim();
        if (!string.IsNullOrEmpty(code) && (code.Length > MaxAppIdLength || code.Any(c => c <= ' ' || c > '~')))
        {
            problems.Add(new("robot_code", $"At most {MaxAppIdLength} printable ASCII characters without spaces (the robot's page in DingTalk's developer console), or leave it out to use the AppKey."));
            return null;
        }

        return code;
    }

    private static long? CheckAgentId(long? value, string? platform, List<HubAppProblem> problems)
    {
        if (value is < 0)
        {
            problems.Add(new("agent_id", HubAppPlatform.IsWeCom(platform)
                ? "A positive number: the app's AgentId (WeCom admin console → 应用管理 → the app), e.g. 1000002."
                : "A positive number: the app's AgentId (DingTalk developer console → the app's basic information)."));
            return null;
        }

        return value;
    }

    /// <summary>Checks a change; null fields are kept, so only present fields are checked.</summary>
    internal static List<HubAppProblem> ForUpdate(string name, string platform, HubAppInput input, out ValidApp change)
    {
        var problems = new List<HubAppProblem>();
        var dingTalk = HubAppPlatform.IsDingTalk(platform);
        var weCom = HubAppPlatform.IsWeCom(platform);
        if (input.Platform is not null && !string.Equals(CheckPlatform(input.Platform, []), platform, StringComparison.Ordinal))
        {
            problems.Add(new("platform", $"An app's platform cannot change (it is {platform}); add a new app and delete this one."));
        }

        if (input.Name is not null && !string.Equals(input.Name.Trim(), name, StringComparison.Ordinal))
        {
            problems.Add(new("name", "An app cannot be renamed (its event URLs contain the name); add a new app and delete this one."));
        }

        var appId = input.AppId is null ? null : CheckAppId(input.AppId, required: true, platform, problems);
        var baseUrl = input.BaseUrl is null ? null : CheckBaseUrl(input.BaseUrl, platform, problems);
        var secret = input.AppSecret is null ? null : CheckSecret("app_secret", input.AppSecret, required: true, problems, platform);
        var encryptKey = input.EncryptKey is null ? null : CheckSecret("encrypt_key", input.EncryptKey, required: false, problems) ?? "";
        var token = input.VerificationToken is null ? null : CheckSecret("verification_token", input.VerificationToken, required: false, problems) ?? "";
        var robotCode = CheckDingTalkOnly(input, platform, problems) && dingTalk && input.RobotCode is not null ? CheckRobotCode(input.RobotCode, problems) ?? "" : null;
        var agentId = CheckAgentId(input.AgentId, platform, problems);
        if (dingTalk && encryptKey is { Length: > 0 and not DingTalkAesKeyLength })
        {
            problems.Add(new("encrypt_key", $"DingTalk's aes_key is {DingTalkAesKeyLength} characters (the event subscription page); this one has {encryptKey.Length}."));
        }

        if (weCom)
        {
            CheckWeCom(encryptKey, token, problems);
            if (agentId is 0)
            {
                problems.Add(new("agent_id", "A WeCom app needs its AgentId: it cannot be cleared (WeCom admin console → 应用管理 → the app)."));
            }
        }

        var aiBot = CheckAiBot(input, platform, adding: false, problems);
        change = new ValidApp(name, appId, baseUrl, secret, encryptKey, token, input.Enabled, input.LegacyCardCallbacks)
        {
            RobotCode = robotCode,
            AgentId = agentId,
            AiBotId = aiBot.Id,
            AiBotSecret = aiBot.Secret,
            AiBotUrl = aiBot.Url,
        };
        return problems;
    }

    private static string? CheckAppId(string? value, bool required, string? platform, List<HubAppProblem> problems)
    {
        var dingTalk = HubAppPlatform.IsDingTalk(platform);
        var example = dingTalk ? "dingxxxxxxxxxxxxxxxx" : HubAppPlatform.IsWeCom(platform) ? "ww1a2b3c4d5e6f7a8b" : "cli_a1b2c3d4e5f60001";
        var appId = value?.Trim();
        if (string.IsNullOrEmpty(appId))
        {
            if (required)
            {
                problems.Add(new("app_id", dingTalk
                    ? $"Required: the app's AppKey (Client ID; DingTalk developer console → the app's credentials), e.g. {example}."
                    : HubAppPlatform.IsWeCom(platform)
                    ? $"Required: the corp id (企业ID; WeCom admin console → 我的企业 → 企业信息), e.g. {example}."
                    : $"Required: the app's App ID (developer console → Credentials & Basic Info), e.g. {example}."));
            }

            return null;
        }

        if (appId.Length > MaxAppIdLength || appId.Any(c => c <= ' ' || c > '~'))
        {
            problems.Add(new("app_id", $"At most {MaxAppIdLength} printable ASCII characters without spaces, e.g. {example}."));
            return null;
        }

        return appId;
    }

    private static Uri? CheckBaseUrl(string? value, string? platform, List<HubAppProblem> problems)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (HubAppPlatform.IsDingTalk(platform))
        {
            if (text.Equals("dingtalk", StringComparison.OrdinalIgnoreCase))
            {
                return DingTalkBaseUrls.Api;
            }

            if (text.Equals("feishu", StringComparison.OrdinalIgnoreCase) || text.Equals("lark", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new("base_url", "A DingTalk app's base URL is 'dingtalk' (api.dingtalk.com and oapi.dingtalk.com) or one http(s) URL serving both (the Emulator's …/dingtalk)."));
                return null;
            }
        }
        else if (HubAppPlatform.IsWeCom(platform))
        {
            if (text.Equals("wecom", StringComparison.OrdinalIgnoreCase))
            {
                return WeComBaseUrls.Api;
            }

            if (text.Equals("feishu", StringComparison.OrdinalIgnoreCase) || text.Equals("lark", StringComparison.OrdinalIgnoreCase) || text.Equals("dingtalk", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new("base_url", "A WeCom app's base URL is 'wecom' (https://qyapi.weixin.qq.com) or an http(s) URL serving WeCom's /cgi-bin paths (the Emulator's …/wecom/)."));
                return null;
            }
        }
        else if (text.Equals("dingtalk", StringComparison.OrdinalIgnoreCase) || text.Equals("wecom", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new("base_url", $"'{text.ToLowerInvariant()}' is for {(text.Equals("wecom", StringComparison.OrdinalIgnoreCase) ? "WeCom" : "DingTalk")} apps: set platform to it, or use 'feishu', 'lark' or an http(s) URL."));
            return null;
        }

        if (text.Equals("feishu", StringComparison.OrdinalIgnoreCase))
        {
            return FeishuBaseUrls.Feishu;
        }

        if (text.Equals("lark", StringComparison.OrdinalIgnoreCase))
        {
            return FeishuBaseUrls.Lark;
        }

        if (text.Length > MaxUrlLength || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            problems.Add(new("base_url", $"'feishu' (https://open.feishu.cn), 'lark' (https://open.larksuite.com), or an absolute http(s) URL without credentials, query or fragment, at most {MaxUrlLength} characters (e.g. the Emulator's)."));
            return null;
        }

        return uri;
    }

    private static string? CheckSecret(string field, string? value, bool required, List<HubAppProblem> problems, string? platform = null)
    {
        var secret = value?.Trim();
        if (string.IsNullOrEmpty(secret))
        {
            if (required)
            {
                problems.Add(new(field, field == "app_secret" && HubAppPlatform.IsWeCom(platform)
                    ? "Required: the app's Secret (WeCom admin console → 应用管理 → the app → Secret, viewed in the WeCom client)."
                    : field == "app_secret"
                    ? "Required: the app's App Secret (developer console → Credentials & Basic Info)."
                    : "Must not be empty."));
            }

            return null;
        }

        if (secret.Length > MaxSecretLength || secret.Any(c => c <= ' ' || c > '~'))
        {
            problems.Add(new(field, $"At most {MaxSecretLength} printable ASCII characters without spaces (copy it from the developer console)."));
            return null;
        }

        return secret;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Checked, normalised input. On update a null means "keep"; an empty key or token means "clear".</summary>
internal sealed record ValidApp(string Name, string? AppId, Uri? BaseUrl, string? AppSecret, string? EncryptKey, string? VerificationToken, bool? Enabled, bool? LegacyCardCallbacks)
{
    /// <summary>The platform (add only; an app's platform never changes).</summary>
    public string Platform { get; init; } = HubAppPlatform.Feishu;

    /// <summary>DingTalk's robot code; on update null keeps it and empty clears it.</summary>
    public string? RobotCode { get; init; }

    /// <summary>DingTalk's AgentId; on update null keeps it and 0 clears it.</summary>
    public long? AgentId { get; init; }

    /// <summary>WeCom's AI bot id; on update null keeps it and empty removes the bot (its secret and URL with it).</summary>
    public string? AiBotId { get; init; }

    /// <summary>WeCom's AI bot Secret; on update null keeps it.</summary>
    public string? AiBotSecret { get; init; }

    /// <summary>WeCom's AI bot long-connection URL (absolute ws/wss); on update null keeps it and empty restores WeCom's.</summary>
    public string? AiBotUrl { get; init; }
}
