using Larkway.Shared.Clients;
using Microsoft.Extensions.Configuration;

namespace Larkway.WeCom;

/// <summary>How WeCom apps are registered: the <c>WeCom</c> section, and the checks of <see cref="WeComAppOptions"/>.</summary>
internal static class WeComApps
{
    public static AppKind<WeComAppOptions> Kind { get; } = new()
    {
        Platform = "WeCom",
        AddMethod = "AddWeCom",
        Bind = static (section, options) => section.Bind(options),
        Problem = ProblemOf,
        IsBlank = static o => string.IsNullOrWhiteSpace(o.CorpId) && string.IsNullOrWhiteSpace(o.CorpSecret),
        Template = static o =>
        {
            var template = o.Clone();
            (template.CorpId, template.CorpSecret, template.AgentId, template.ApiBaseUrl) = ("", "", null, WeComBaseUrls.Api);
            return template;
        },
        ThrowIfInvalid = static o => o.ThrowIfInvalid(),
    };

    // The client's own checks, as words: one set of rules for the client built by hand and the one registered.
    private static string? ProblemOf(WeComAppOptions options)
    {
        try
        {
            options.ThrowIfInvalid();
            return null;
        }
        catch (WeComApiException ex)
        {
            return ex.ErrorMessage;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
