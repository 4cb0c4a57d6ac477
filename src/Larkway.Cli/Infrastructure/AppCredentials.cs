using System.CommandLine;
using Larkway.Feishu;

namespace Larkway.Cli.Infrastructure;

/// <summary>
/// The global <c>--app-id</c>, <c>--app-secret</c> and <c>--base-url</c> options, falling back to
/// <c>FEISHU_APP_ID</c>, <c>FEISHU_APP_SECRET</c> and <c>FEISHU_BASE_URL</c>.
/// </summary>
internal sealed class AppCredentials
{
    public const string AppIdVariable = "FEISHU_APP_ID";
    public const string AppSecretVariable = "FEISHU_APP_SECRET";
    public const string BaseUrlVariable = "FEISHU_BASE_URL";

    public Option<string?> AppId { get; } = new("--app-id")
    {
        Description = $"App ID of a self-built app (default: ${AppIdVariable})",
        Recursive = true,
    };

    public Option<string?> AppSecret { get; } = new("--app-secret")
    {
        Description = $"App secret (default: ${AppSecretVariable})",
        Recursive = true,
    };

    public Option<string?> BaseUrl { get; } = new("--base-url")
    {
        Description = $"Open Platform base URL: https://open.feishu.cn, https://open.larksuite.com or an emulator (default: ${BaseUrlVariable}, else Feishu)",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(AppId);
        command.Options.Add(AppSecret);
        command.Options.Add(BaseUrl);
    }

    /// <summary>Builds the app options from the command line and environment, or explains what is missing.</summary>
    public FeishuAppOptions Resolve(ParseResult parse, CliContext context)
    {
        var appId = parse.GetValue(AppId) ?? context.Environment(AppIdVariable);
        var appSecret = parse.GetValue(AppSecret) ?? context.Environment(AppSecretVariable);
        if (string.IsNullOrWhiteSpace(appId) || string.IsNullOrWhiteSpace(appSecret))
        {
            throw new CliException(
                $"missing app credentials: set {AppIdVariable} and {AppSecretVariable}, or pass --app-id and --app-secret");
        }

        var options = new FeishuAppOptions { AppId = appId, AppSecret = appSecret };
        var baseUrl = parse.GetValue(BaseUrl) ?? context.Environment(BaseUrlVariable);
        if (!string.IsNullOrWhiteSpace(baseUrl))
        {
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliException($"invalid base URL '{baseUrl}': give an absolute http(s) URL such as https://open.feishu.cn");
            }

            options.BaseUrl = uri;
        }

        return options;
    }
}
