using Larkway.Emulator.Hosting;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// The sandbox's DingTalk app: the Emulator's DingTalk org app stored in the Hub as <see cref="Name"/>, so its robot answers
/// over Stream from the first start (write to it on the Emulator's DingTalk page) and notifications can name it.
/// Made once and kept with the sandbox's database; <c>Larkway:Sandbox:DingTalk=false</c> leaves it out.
/// </summary>
internal static class SandboxDingTalkApp
{
    public const string Name = "dingtalk-sandbox";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:DingTalk", true);

    /// <summary>Adds the app when it is missing (an administrator who deleted or changed it keeps their choice after a restart only if it exists).</summary>
    public static async Task EnsureAsync(EmulatorServer emulator, IServiceProvider services, CancellationToken cancellationToken)
    {
        var apps = services.GetRequiredService<HubAppService>();
        if (await apps.GetAsync(Name, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var added = await apps.AddAsync(new HubAppInput
        {
            Name = Name,
            Platform = HubAppPlatform.DingTalk,
            AppId = EmulatorOptions.DefaultDingTalkAppKey,
            AppSecret = EmulatorOptions.DefaultDingTalkAppSecret,
            BaseUrl = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
        }, cancellationToken).ConfigureAwait(false);
        if (added.Status != HubAppChangeStatus.Ok)
        {
            throw new InvalidOperationException("The sandbox's DingTalk app could not be added: " + string.Join(" ", added.Problems.Select(p => p.Message)));
        }
    }
}
