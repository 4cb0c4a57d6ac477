using System.Text.RegularExpressions;
using Larkway.Feishu;

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

        var appId = CheckAppId(input.AppId, required: true, problems);
        var baseUrl = CheckBaseUrl(input.BaseUrl, problems) ?? FeishuBaseUrls.Feishu;
        var secret = CheckSecret("app_secret", input.AppSecret, required: true, problems);
        var encryptKey = CheckSecret("encrypt_key", input.EncryptKey, required: false, problems);
        var token = CheckSecret("verification_token", input.VerificationToken, required: false, problems);
        app = new ValidApp(name, appId ?? "", baseUrl, secret, Empty(encryptKey), Empty(token), input.Enabled ?? true, input.LegacyCardCallbacks ?? true);
        return problems;
    }

    /// <summary>Checks a change; null fields are kept, so only present fields are checked.</summary>
    internal static List<HubAppProblem> ForUpdate(string name, HubAppInput input, out ValidApp change)
    {
        var problems = new List<HubAppProblem>();
        if (input.Name is not null && !string.Equals(input.Name.Trim(), name, StringComparison.Ordinal))
        {
            problems.Add(new("name", "An app cannot be renamed (its event URLs contain the name); add a new app and delete this one."));
        }

        var appId = input.AppId is null ? null : CheckAppId(input.AppId, required: true, problems);
        var baseUrl = input.BaseUrl is null ? null : CheckBaseUrl(input.BaseUrl, problems);
        var secret = input.AppSecret is null ? null : CheckSecret("app_secret", input.AppSecret, required: true, problems);
        var encryptKey = input.EncryptKey is null ? null : CheckSecret("encrypt_key", input.EncryptKey, required: false, problems) ?? "";
        var token = input.VerificationToken is null ? null : CheckSecret("verification_token", input.VerificationToken, required: false, problems) ?? "";
        change = new ValidApp(name, appId, baseUrl, secret, encryptKey, token, input.Enabled, input.LegacyCardCallbacks);
        return problems;
    }

    private static string? CheckAppId(string? value, bool required, List<HubAppProblem> problems)
    {
        var appId = value?.Trim();
        if (string.IsNullOrEmpty(appId))
        {
            if (required)
            {
                problems.Add(new("app_id", "Required: the app's App ID (developer console → Credentials & Basic Info), e.g. cli_a1b2c3d4e5f60001."));
            }

            return null;
        }

        if (appId.Length > MaxAppIdLength || appId.Any(c => c <= ' ' || c > '~'))
        {
            problems.Add(new("app_id", $"At most {MaxAppIdLength} printable ASCII characters without spaces, e.g. cli_a1b2c3d4e5f60001."));
            return null;
        }

        return appId;
    }

    private static Uri? CheckBaseUrl(string? value, List<HubAppProblem> problems)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
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

    private static string? CheckSecret(string field, string? value, bool required, List<HubAppProblem> problems)
    {
        var secret = value?.Trim();
        if (string.IsNullOrEmpty(secret))
        {
            if (required)
            {
                problems.Add(new(field, field == "app_secret"
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
internal sealed record ValidApp(string Name, string? AppId, Uri? BaseUrl, string? AppSecret, string? EncryptKey, string? VerificationToken, bool? Enabled, bool? LegacyCardCallbacks);
