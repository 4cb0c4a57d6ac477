using System.Text.RegularExpressions;

namespace Larkway.Hub.Apps;

/// <summary>
/// The rules for an app's fields; every problem is reported at once, each with what to fix. The common fields are checked
/// here; a platform's own (and its keys' formats) by its <see cref="HubPlatformInfo"/>.
/// </summary>
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

    /// <summary>
    /// Checks a new app: the common fields here, the platform's own through its <see cref="HubPlatformInfo.Check"/>;
    /// <paramref name="app"/> holds the normalised values when there is no problem.
    /// </summary>
    internal static List<HubAppProblem> ForAdd(HubAppInput input, HubPlatforms platforms, out ValidApp app)
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

        var parsed = platforms.Parse(input.Platform);
        if (parsed is null)
        {
            problems.Add(new("platform", $"One of {string.Join(", ", platforms.Accepted)} (default {HubAppPlatform.Feishu})."));
        }

        var platform = parsed?.Platform;
        var appId = CheckAppId(input.AppId, required: true, platform, problems);
        var baseUrl = (platform is null ? null : CheckBaseUrl(input.BaseUrl, platform, platforms, problems))
            ?? (parsed is { Alias: { } alias } ? platform!.Aliases[alias] : platform?.DefaultBaseUrl);
        var secret = CheckSecret("app_secret", input.AppSecret, required: true, problems, platform);
        var encryptKey = CheckSecret("encrypt_key", input.EncryptKey, required: false, problems);
        var token = CheckSecret("verification_token", input.VerificationToken, required: false, problems);
        var check = new HubAppCheck(input, adding: true, encryptKey, token, problems);
        if (platform is not null)
        {
            RefuseForeignFields(input, platform, platforms, problems);
            platform.Check(check);
        }

        app = new ValidApp(name, appId ?? "", baseUrl, secret, Empty(encryptKey), Empty(token), input.Enabled ?? true, input.LegacyCardCallbacks ?? true)
        {
            Platform = platform?.Name ?? HubAppPlatform.Feishu,
            RobotCode = Empty(check.RobotCode),
            AgentId = check.AgentId is 0 ? null : check.AgentId,
            AiBotId = Empty(check.AiBotId),
            AiBotSecret = Empty(check.AiBotSecret),
            AiBotUrl = Empty(check.AiBotUrl),
            LongConnection = input.LongConnection,
        };
        return problems;
    }

    /// <summary>
    /// The fields only other platforms have (robot code, AgentId, AI bot) are a mistake worth naming, with the platforms
    /// that have them. A platform's own check reads only its own fields, so it runs either way.
    /// </summary>
    private static void RefuseForeignFields(HubAppInput input, HubPlatformInfo platform, HubPlatforms platforms, List<HubAppProblem> problems)
    {
        Refuse(input.RobotCode is not null, HubAppFields.RobotCode, "robot_code", "a robot code", "robot_code");
        Refuse(input.AgentId is not null, HubAppFields.AgentId, "agent_id", "an AgentId", "agent_id");
        var aiBotField = input.AiBotId is not null ? "ai_bot_id" : input.AiBotSecret is not null ? "ai_bot_secret" : input.AiBotUrl is not null ? "ai_bot_url" : null;
        Refuse(aiBotField is not null, HubAppFields.AiBot, aiBotField ?? "", "an AI bot (智能机器人)", "the ai_bot_* fields");
        Refuse(input.LongConnection is not null, HubAppFields.LongConnection, "long_connection", "a long_connection choice", "long_connection");

        void Refuse(bool given, HubAppFields field, string wireName, string what, string leaveOut)
        {
            if (!given || platform.OwnFields.HasFlag(field))
            {
                return;
            }

            var owners = platforms.Having(field);
            problems.Add(new(wireName, owners.Count == 0
                ? $"No platform's apps have {what}; leave {leaveOut} out."
                : $"Only {Either(owners.Select(p => p.DisplayName), "and")} apps have {what}; set platform to {Either(owners.Select(p => p.Name), "or")}, or leave {leaveOut} out."));
        }
    }

    private static string Either(IEnumerable<string> items, string conjunction)
    {
        var list = items.ToList();
        return list.Count < 2 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} {conjunction} {list[^1]}";
    }

    /// <summary>Checks a change of an app of <paramref name="platform"/>; null fields are kept, so only present fields are checked.</summary>
    internal static List<HubAppProblem> ForUpdate(string name, string platform, HubAppInput input, HubPlatforms platforms, out ValidApp change)
    {
        var problems = new List<HubAppProblem>();
        var own = platforms.Find(platform);
        if (input.Platform is not null && !string.Equals(platforms.Parse(input.Platform)?.Platform.Name, HubAppPlatform.Of(platform), StringComparison.Ordinal))
        {
            problems.Add(new("platform", $"An app's platform cannot change (it is {HubAppPlatform.Of(platform)}); add a new app and delete this one."));
        }

        if (input.Name is not null && !string.Equals(input.Name.Trim(), name, StringComparison.Ordinal))
        {
            problems.Add(new("name", "An app cannot be renamed (its event URLs contain the name); add a new app and delete this one."));
        }

        if (own is null)
        {
            // A row of a platform this Hub does not serve (its room is not added): nothing can check a change of it.
            problems.Add(new("platform", $"This Hub does not serve {HubAppPlatform.Of(platform)} apps (its room is not added), so the app cannot be changed here."));
            change = new ValidApp(name, null, null, null, null, null, null, null);
            return problems;
        }

        var appId = input.AppId is null ? null : CheckAppId(input.AppId, required: true, own, problems);
        var baseUrl = input.BaseUrl is null ? null : CheckBaseUrl(input.BaseUrl, own, platforms, problems);
        var secret = input.AppSecret is null ? null : CheckSecret("app_secret", input.AppSecret, required: true, problems, own);
        var encryptKey = input.EncryptKey is null ? null : CheckSecret("encrypt_key", input.EncryptKey, required: false, problems) ?? "";
        var token = input.VerificationToken is null ? null : CheckSecret("verification_token", input.VerificationToken, required: false, problems) ?? "";
        var check = new HubAppCheck(input, adding: false, encryptKey, token, problems);
        RefuseForeignFields(input, own, platforms, problems);
        own.Check(check);

        change = new ValidApp(name, appId, baseUrl, secret, encryptKey, token, input.Enabled, input.LegacyCardCallbacks)
        {
            RobotCode = check.RobotCode,
            AgentId = check.AgentId,
            AiBotId = check.AiBotId,
            AiBotSecret = check.AiBotSecret,
            AiBotUrl = check.AiBotUrl,
            LongConnection = input.LongConnection,
        };
        return problems;
    }

    private static string? CheckAppId(string? value, bool required, HubPlatformInfo? platform, List<HubAppProblem> problems)
    {
        var example = platform?.AppIdExample ?? "app-id";
        var appId = value?.Trim();
        if (string.IsNullOrEmpty(appId))
        {
            if (required)
            {
                problems.Add(new("app_id", platform?.AppIdRequired ?? $"Required: the app's id, e.g. {example}."));
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

    /// <summary>One of the platform's words (<c>feishu</c>, <c>lark</c> …), or an absolute http(s) URL; another platform's word is named as such.</summary>
    private static Uri? CheckBaseUrl(string? value, HubPlatformInfo platform, HubPlatforms platforms, List<HubAppProblem> problems)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (platform.BaseUrlWords.FirstOrDefault(w => string.Equals(w.Key, text, StringComparison.OrdinalIgnoreCase)) is { Value: { } word })
        {
            return word;
        }

        if (platforms.OwnerOfWord(text) is { } owner)
        {
            problems.Add(new("base_url", platform.ForeignBaseUrlWord(text.ToLowerInvariant(), owner)));
            return null;
        }

        if (text.Length > MaxUrlLength || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            problems.Add(new("base_url", platform.BaseUrlRule));
            return null;
        }

        return uri;
    }

    private static string? CheckSecret(string field, string? value, bool required, List<HubAppProblem> problems, HubPlatformInfo? platform = null)
    {
        var secret = value?.Trim();
        if (string.IsNullOrEmpty(secret))
        {
            if (required)
            {
                problems.Add(new(field, field != "app_secret" ? "Must not be empty."
                    : platform?.AppSecretRequired ?? "Required: the app's App Secret (developer console → Credentials & Basic Info)."));
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

    /// <summary>Feishu: events over the long connection (null: unchanged, or false for a new app).</summary>
    public bool? LongConnection { get; init; }
}
