using Larkway.Hub.Monitoring;

namespace Larkway.Hub.Alerts;

/// <summary>
/// The alert of a room whose callbacks can fail verification: the rule "callbacks refused" (<see cref="AlertRule.CallbacksRefused"/>)
/// over the refusals the recorder tallied under <paramref name="Platform"/> (the room's <see cref="RefusedCallbacksInstrument"/>),
/// with the room's own stored name, configuration key, title and words. The room registers it, so the alerts run its
/// rule without naming the room.
/// </summary>
/// <param name="Name">The name stored and shown: <c>wecom_callbacks_refused</c>.</param>
/// <param name="ConfigName">The key under <c>Larkway:Alerts:Rules</c>: the name in PascalCase, without its underscores.</param>
/// <param name="Title">The rule in a few words: <c>WeCom callbacks refused</c>.</param>
/// <param name="Platform">The platform as the seams key it (<c>wecom</c>): whose refusals and enabled apps the rule looks at.</param>
/// <param name="PlatformName">The platform's name as shown: <c>WeCom</c>.</param>
/// <param name="Checks">What verification checks, in words: <c>signature, decryption or corp id</c>.</param>
/// <param name="Remedy">What a breach means and what to do, one or two sentences after the refusals.</param>
/// <param name="Explain">A refusal's reason explained: what it means, and what to fix.</param>
/// <param name="DeploymentApp">
/// An app watched beside the platform's enabled stored apps, under the name its refusals are tallied by: the deployment's
/// own app, which is configured rather than stored (Feishu's <c>default</c>); null when there is none.
/// </param>
internal sealed record RefusedCallbacksAlert(
    string Name, string ConfigName, string Title, string Platform, string PlatformName, string Checks, string Remedy, Func<string, string> Explain,
    string? DeploymentApp = null);
