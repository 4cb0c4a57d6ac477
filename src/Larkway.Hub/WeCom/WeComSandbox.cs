using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.WeCom.AiBot;
using Larkway.Hub.Apps;
using Larkway.Hub.Sandbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.WeCom;

/// <summary>
/// WeCom's part of the sandbox: the Emulator's WeCom corp and its self-built app stored in the Hub as <see cref="Name"/> (corp
/// id, AgentId, Secret, and the callback Token and EncodingAESKey the Emulator encrypts with), and the Emulator's callback
/// (接收消息) pointed at the Hub's <c>/wecom/apps/wecom-sandbox/callback</c> at every start — the Hub's port may change —
/// after WeCom's URL check, as an administrator saving the URL in WeCom would. So a member writing on the Emulator's
/// <c>/wecom-chat</c> page is answered by the bot from the first start. The app also carries the Emulator's AI bot (its
/// bot id, secret and long-connection URL), so the page's "AI bot" section is answered too — by the bot's commands and by
/// the sandbox's assistant, streaming. Carol prefers WeCom. <c>Larkway:Sandbox:WeCom=false</c> leaves the app out,
/// <c>Larkway:Sandbox:WeComAiBot=false</c> only its AI bot.
/// </summary>
internal sealed class WeComSandbox : ISandboxPlatform
{
    public const string Name = "wecom-sandbox";

    public string AppName => Name;

    public SandboxPerson Person { get; } = new("carol@example.com", "Carol", Prefers: true);

    public bool Enabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:WeCom", true);

    public static bool AiBotEnabled(IConfiguration configuration) => configuration.GetValue("Larkway:Sandbox:WeComAiBot", true);

    /// <summary>The Emulator's AI bot long connection (WeCom's is <c>wss://openws.work.weixin.qq.com</c>).</summary>
    public static Uri AiBotUrl(EmulatorServer emulator) =>
        new UriBuilder(emulator.BaseUrl) { Scheme = emulator.BaseUrl.Scheme == "https" ? "wss" : "ws", Path = new AiBotOptions().WebSocketPath }.Uri;

    /// <summary>
    /// Adds the app when it is missing and points the Emulator's callback at it. Returns null when the callback is set, or
    /// why it is not (the app changed by an administrator, disabled, or its URL check refused) — said in the banner, since
    /// a sandbox whose WeCom side is unset still serves everything else.
    /// </summary>
    public Task<string?> EnsureAsync(SandboxStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        return EnsureAsync(start.Emulator, start.HubBaseUrl, start.Services, cancellationToken, AiBotEnabled(start.Configuration));
    }

    /// <summary>Where the WeCom chat page is and which app answers there, or why it does not; nothing without the app.</summary>
    public async Task<SandboxBanner> BannerAsync(SandboxStart start, string? problem, IReadOnlySet<string> assistantApps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(assistantApps);
        var app = await start.Services.GetRequiredService<HubAppService>().GetAsync(Name, cancellationToken).ConfigureAwait(false);
        var chat = new Uri(start.Emulator.BaseUrl, "/wecom-chat");
        var ask = !assistantApps.Contains(Name) ? null
            : app?.AiBotId is null ? $"    on WeCom: write a question to the app as any member at {chat}"
            : $"    on WeCom: write a question to the app, or to the AI bot (its answer streams in), as any member at {chat}";
        if (app is null)
        {
            return new([], false, ask);
        }

        List<string> lines = app.Enabled || problem is not null ? [Line(app, problem, chat)] : [];
        if (app.Enabled && problem is null)
        {
            lines.Add($"    ask for an approval on WeCom as alice (the Emulator's payment template), then decide as its approver at {new Uri(start.Emulator.BaseUrl, "/wecom-approval")}:");
            lines.Add("      " + SandboxGuide.ApprovalCurl(start, ApprovalBody(app.Name), "sandbox-wecom-payment-"));
            if (start.Services.GetService<CustomerService.KfAccountSettings>() is { } accounts
                && await accounts.GetAsync(app.Name, CustomerServiceAccount, cancellationToken).ConfigureAwait(false) is { Enabled: true })
            {
                lines.Add($"    customer service (微信客服): write as a customer on personal WeChat at {new Uri(start.Emulator.BaseUrl, "/wecom-kf/" + CustomerServiceAccount)}"
                    + (assistantApps.Contains(app.Name) ? " (the assistant answers; write 人工 for a person, and take the session as Carol at " : " (take the session as Carol at ")
                    + $"{new Uri(start.Emulator.BaseUrl, "/wecom-kf/servicer?as=carol")})");
            }
        }

        return new(lines, app.Enabled && problem is null, ask);
    }

    /// <summary>The Emulator's payment template (its controls: Money-1, Text-1), applied for by alice (her WeCom userid).</summary>
    private static JsonObject ApprovalBody(string app) => new()
    {
        ["app"] = app,
        ["definition"] = "3TmApprovalPaymentLarkwayDevTemplate0001",
        ["applicant"] = new JsonObject { ["user_id"] = "alice" },
        ["form"] = new JsonObject { ["Money-1"] = 1200, ["Text-1"] = "Team offsite" },
        ["reference"] = "PAY-WC-1001",
    };

    private static string Line(HubAppInfo app, string? problem, Uri chat) => problem is not null
        ? $"  WeCom: the Emulator's WeCom members are not answered: {problem}."
        : app.AiBotId is null
            ? $"  WeCom: the app '{app.Name}' answers through its callback — write /help to it as a WeCom member (alice, bob, carol or dave) at {chat}."
            : $"  WeCom: the app '{app.Name}' answers through its callback, and its AI bot over the bot's long connection — write /help to either as a WeCom member (alice, bob, carol or dave) at {chat}.";

    internal static async Task<string?> EnsureAsync(EmulatorServer emulator, Uri hubBaseUrl, IServiceProvider services, CancellationToken cancellationToken, bool withAiBot = true)
    {
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var (corpId, agentId) = await OrgAsync(http, cancellationToken).ConfigureAwait(false);
        var apps = services.GetRequiredService<HubAppService>();
        var app = await apps.GetAsync(Name, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            var added = await apps.AddAsync(new HubAppInput
            {
                Name = Name,
                Platform = HubAppPlatform.WeCom,
                AppId = corpId,
                AgentId = agentId,
                AppSecret = EmulatorOptions.DefaultWeComAppSecret,
                VerificationToken = EmulatorOptions.DefaultWeComCallbackToken,
                EncryptKey = EmulatorOptions.DefaultWeComEncodingAesKey,
                BaseUrl = Larkway.WeCom.WeComBaseUrls.Emulator(emulator.BaseUrl).AbsoluteUri,
                AiBotId = withAiBot ? AiBotOptions.DefaultBotId : null,
                AiBotSecret = withAiBot ? AiBotOptions.DefaultSecret : null,
                AiBotUrl = withAiBot ? AiBotUrl(emulator).AbsoluteUri : null,
            }, cancellationToken).ConfigureAwait(false);
            if (added.Status != HubAppChangeStatus.Ok)
            {
                throw new InvalidOperationException("The sandbox's WeCom app could not be added: " + string.Join(" ", added.Problems.Select(p => p.Message)));
            }

            app = added.App!;
        }

        if (app.Platform != HubAppPlatform.WeCom || !string.Equals(app.AppId, corpId, StringComparison.Ordinal))
        {
            return $"the app '{Name}' is no longer the Emulator's corp {corpId}, so the Emulator's callback was left as it was";
        }

        if (withAiBot && app.AiBotId is null)
        {
            // A sandbox made before the app carried the AI bot gets it; one whose bot an administrator changed keeps theirs.
            var changed = await apps.UpdateAsync(Name, new HubAppInput
            {
                AiBotId = AiBotOptions.DefaultBotId,
                AiBotSecret = AiBotOptions.DefaultSecret,
                AiBotUrl = AiBotUrl(emulator).AbsoluteUri,
            }, cancellationToken).ConfigureAwait(false);
            app = changed.App ?? app;
        }

        if (!app.Enabled)
        {
            return $"the app '{Name}' is disabled, so the Emulator's callback was left as it was";
        }

        await EnsureCustomerServiceAsync(services, cancellationToken).ConfigureAwait(false);

        // WeCom's first URL check meets a cold Hub (JIT, a busy machine) and its 5 s deadline can pass; saved again, twice at most.
        var callback = new Uri(hubBaseUrl, app.EventsPath).AbsoluteUri;
        string? refusal = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var response = await http.PostAsJsonAsync("/_emulator/wecom/callback", new { url = callback }, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            refusal = ErrorOf(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) ?? $"HTTP {(int)response.StatusCode}";
        }

        return $"the Emulator refused the callback URL {callback}: {refusal} (an administrator may have changed the app's Token or EncodingAESKey)";
    }

    /// <summary>The Emulator's customer-service account (微信客服), served by the sandbox's app.</summary>
    public const string CustomerServiceAccount = "wkLarkwaySandboxKf000001";

    /// <summary>
    /// The Emulator's customer-service account, added once (an administrator's later changes are kept): a customer opening
    /// its link is welcomed (with a button that asks for a person), answered by the sandbox's assistant, and handed to the
    /// receptionists' queue on asking for a person.
    /// </summary>
    private static async Task EnsureCustomerServiceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var accounts = services.GetService<CustomerService.KfAccountSettings>();
        if (accounts is null || await accounts.GetAsync(Name, CustomerServiceAccount, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        await accounts.PutAsync(Name, CustomerServiceAccount, new CustomerService.KfAccountInput
        {
            WelcomeMessage = "Hello, this is Larkway Support. Ask your question here; press the button or write 人工 or \"human\" to talk to a person.",
            HandoverButton = "Talk to a person",
            HandoverMessage = "A colleague will answer you here shortly.",
            EndMessage = "Thank you for contacting Larkway Support. Write again any time.",
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Emulator's corp id and its app's AgentId, as its control endpoint reports them.</summary>
    private static async Task<(string CorpId, long AgentId)> OrgAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var org = JsonDocument.Parse(await http.GetStringAsync(new Uri("/_emulator/wecom/org", UriKind.Relative), cancellationToken).ConfigureAwait(false));
        return (org.RootElement.GetProperty("corpid").GetString()!, org.RootElement.GetProperty("app").GetProperty("agentid").GetInt64());
    }

    private static string? ErrorOf(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
