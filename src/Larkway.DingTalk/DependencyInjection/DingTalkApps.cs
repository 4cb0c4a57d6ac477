using Larkway.Shared.Clients;
using Microsoft.Extensions.Configuration;

namespace Larkway.DingTalk;

/// <summary>How DingTalk apps are registered: the <c>DingTalk</c> section, and the checks of <see cref="DingTalkAppOptions"/>.</summary>
internal static class DingTalkApps
{
    public static AppKind<DingTalkAppOptions> Kind { get; } = new()
    {
        Platform = "DingTalk",
        AddMethod = "AddDingTalk",
        Bind = static (section, options) => section.Bind(options),
        Problem = ProblemOf,
        IsBlank = static o => string.IsNullOrWhiteSpace(o.AppKey) && string.IsNullOrWhiteSpace(o.AppSecret),
        Template = static o =>
        {
            var template = o.Clone();
            (template.AppKey, template.AppSecret, template.RobotCode, template.AgentId) = ("", "", null, null);
            (template.ApiBaseUrl, template.OapiBaseUrl) = (DingTalkBaseUrls.Api, DingTalkBaseUrls.Oapi);
            return template;
        },
        ThrowIfInvalid = static o => o.ThrowIfInvalid(),
    };

    // The client's own checks, as words: one set of rules for the client built by hand and the one registered.
    private static string? ProblemOf(DingTalkAppOptions options)
    {
        try
        {
            options.ThrowIfInvalid();
            return null;
        }
        catch (DingTalkApiException ex)
        {
            return ex.ErrorMessage;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
