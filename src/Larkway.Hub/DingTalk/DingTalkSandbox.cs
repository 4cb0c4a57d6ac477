using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Apps;
using Larkway.Hub.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// DingTalk's part of the sandbox: the Emulator's DingTalk org app stored in the Hub as <see cref="Name"/>, so its robot
/// answers over Stream from the first start (write to it on the Emulator's DingTalk page) and notifications can name it;
/// Bob prefers DingTalk. Made once and kept with the sandbox's database; <c>Larkway:Sandbox:DingTalk=false</c> leaves it out.
/// </summary>
internal sealed class DingTalkSandbox : ISandboxPlatform
{
    public const string Name = "dingtalk-sandbox";

    public string AppName => Name;

    public SandboxPerson Person { get; } = new("bob@example.com", "Bob", Prefers: true);

    public bool Enabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:DingTalk", true);

    /// <summary>Adds the app when it is missing (an administrator who deleted or changed it keeps their choice after a restart only if it exists).</summary>
    public async Task<string?> EnsureAsync(SandboxStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var apps = start.Services.GetRequiredService<HubAppService>();
        if (await apps.GetAsync(Name, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var added = await apps.AddAsync(new HubAppInput
        {
            Name = Name,
            Platform = HubAppPlatform.DingTalk,
            AppId = EmulatorOptions.DefaultDingTalkAppKey,
            AppSecret = EmulatorOptions.DefaultDingTalkAppSecret,
            BaseUrl = new Uri(start.Emulator.BaseUrl, "/dingtalk").AbsoluteUri,
        }, cancellationToken).ConfigureAwait(false);
        if (added.Status != HubAppChangeStatus.Ok)
        {
            throw new InvalidOperationException("The sandbox's DingTalk app could not be added: " + string.Join(" ", added.Problems.Select(p => p.Message)));
        }

        return null;
    }

    public async Task<SandboxBanner> BannerAsync(SandboxStart start, string? problem, IReadOnlySet<string> assistantApps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(assistantApps);
        var app = await start.Services.GetRequiredService<HubAppService>().GetAsync(Name, cancellationToken).ConfigureAwait(false);
        var chat = new Uri(start.Emulator.BaseUrl, "/dingtalk-chat");
        List<string> lines = app is { Enabled: true }
            ?
            [
                $"  DingTalk: the app '{app.Name}' answers over Stream — write /help to it as a DingTalk user at {chat};",
                $"    notify on DingTalk with \"app\": \"{app.Name}\" and recipients such as {{\"dingtalk_userid\": \"alice\"}} or {{\"dingtalk_mobile\": \"13800000002\"}}.",
                $"    ask for an approval on DingTalk as Bob (the Emulator's Payment process), then decide as its approvers at {new Uri(start.Emulator.BaseUrl, "/dingtalk-approval")}:",
                "      " + SandboxGuide.ApprovalCurl(start, ApprovalBody(app.Name), "sandbox-dingtalk-payment-"),
            ]
            : [];
        if (start.Emulator.DingTalkApiBaseUrl is { } apiHost)
        {
            // For clients that take only a host (LARKWAY_EMULATOR_DINGTALK_API_PORT): DingTalk's paths at that host's root.
            lines.Add($"  DingTalk's API host: {apiHost} (DingTalk's paths at the root; @alicloud/dingtalk: protocol http, endpoint {apiHost.Authority}).");
        }

        var ask = assistantApps.Contains(Name) ? $"    on DingTalk: write a question to the robot as any user at {chat}" : null;
        return new(lines, app is { Enabled: true }, ask);
    }

    /// <summary>The Emulator's Payment process (its form: Amount, Reason), applied for by Bob (his DingTalk userid).</summary>
    private static JsonObject ApprovalBody(string app) => new()
    {
        ["app"] = app,
        ["definition"] = "PROC-LW-PAYMENT",
        ["applicant"] = new JsonObject { ["user_id"] = "bob" },
        ["form"] = new JsonObject { ["Amount"] = 1200, ["Reason"] = "Team offsite" },
        ["reference"] = "PAY-DT-1001",
    };
}
