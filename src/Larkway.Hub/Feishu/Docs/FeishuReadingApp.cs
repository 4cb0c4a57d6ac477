using Larkway.Hub.Apps;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Docs;

/// <summary>
/// Which Feishu app's bot reads and writes documents for a person: the app that received a Feishu message; for another
/// platform's, the configured <see cref="FeishuDocsOptions.ReadingApp"/>, else the deployment's Feishu app, else the only
/// stored one. Null when none does.
/// </summary>
internal sealed class FeishuReadingApp(HubAppRegistry apps, IOptions<FeishuDocsOptions> options, Larkway.Hub.Platform.Configuration.HubSettings? settings = null)
{
    public async Task<string?> ForAsync(string platform, string app, CancellationToken cancellationToken)
    {
        if (HubAppPlatform.IsFeishu(platform))
        {
            return app;
        }

        if (options.Value.ReadingApp is { Length: > 0 } configured)
        {
            return configured;
        }

        if (settings?.AppId is { Length: > 0 })
        {
            return HubAppService.DefaultAppName;
        }

        var feishu = (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => a.IsFeishu && a.Enabled && a.Error is null).ToList();
        return feishu.Count == 1 ? feishu[0].Name : null;
    }
}
