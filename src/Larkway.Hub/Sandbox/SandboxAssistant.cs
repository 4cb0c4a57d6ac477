using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Sandbox;

/// <summary>
/// The sandbox's assistant: one Dify-shaped assistant on the Emulator's fake AI backend, answering on the default app and
/// each platform's sandbox app (<see cref="ISandboxPlatform.AppName"/>), so that asking it on each platform's page shows an answer streaming in with
/// no model installed. Strangers are answered as guests (so <c>/link</c> can be tried); added once, kept with the
/// sandbox's database; <c>Larkway:Sandbox:Assistant=false</c> leaves it out.
/// </summary>
internal static class SandboxAssistant
{
    public const string Name = "assistant";

    public static bool Enabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:Assistant", true);

    /// <summary>Adds the assistant when it is missing, on the sandbox apps that exist.</summary>
    public static async Task EnsureAsync(EmulatorServer emulator, IServiceProvider services, CancellationToken cancellationToken)
    {
        var assistants = services.GetRequiredService<AssistantService>();
        if (await assistants.GetAsync(Name, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var apps = services.GetRequiredService<Apps.HubAppService>();
        var on = new List<string> { Apps.HubAppService.DefaultAppName };
        foreach (var name in SandboxPlatforms.All(services).Select(p => p.AppName).Where(n => !on.Contains(n)))
        {
            if (await apps.GetAsync(name, cancellationToken).ConfigureAwait(false) is not null)
            {
                on.Add(name);
            }
        }

        var added = await assistants.CreateAsync(new AssistantInput
        {
            Name = Name,
            DisplayName = "Larkway Assistant",
            Backend = AssistantPolicyValues.Dify,
            BaseUrl = new Uri(emulator.BaseUrl, new AiBackendOptions().DifyPrefix.TrimStart('/')).AbsoluteUri,
            ApiKey = AiBackendOptions.DefaultDifyAppKey,
            Apps = on,
            Policy = new AssistantPolicy { UnknownUsers = AssistantPolicyValues.Guest },
        }, cancellationToken).ConfigureAwait(false);
        if (added.Status != AssistantChangeStatus.Ok)
        {
            throw new InvalidOperationException("The sandbox's assistant could not be added: " + string.Join(" ", added.Problems.Select(p => p.Message)));
        }
    }
}
