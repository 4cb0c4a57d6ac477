using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// Adds an app (no name in the route) or changes one. Secrets are write-only: the form never holds them, a blank field
/// keeps the stored value, and neither the page nor the audit log ever shows one.
/// </summary>
internal sealed class AppsEditModel(HubAppService apps, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty]
    public string? NewName { get; set; }

    [BindProperty]
    public string? AppId { get; set; }

    [BindProperty]
    public string? BaseUrl { get; set; }

    [BindProperty]
    public string? AppSecret { get; set; }

    [BindProperty]
    public string? EncryptKey { get; set; }

    [BindProperty]
    public string? VerificationToken { get; set; }

    /// <summary>Accept old-style card callbacks (the form always posts it: a checkbox plus a hidden "false").</summary>
    [BindProperty]
    public bool LegacyCardCallbacks { get; set; } = true;

    [BindProperty]
    public bool ClearEncryptKey { get; set; }

    [BindProperty]
    public bool ClearVerificationToken { get; set; }

    /// <summary>
    /// <c>feishu</c>, <c>lark</c>, <c>dingtalk</c> or <c>wecom</c> (add only: an app's platform never changes). On the add page it
    /// comes from <c>?platform=</c>, which decides the form's fields.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string? Platform { get; set; }

    /// <summary>The platforms the add page offers, as the rooms registered them: each one's name, then its aliases (Lark).</summary>
    public IReadOnlyList<(string Value, string Label)> Platforms =>
        [.. apps.Platforms.All.SelectMany(p => p.Aliases.Keys.Select(a => (a, AliasLabel(a))).Prepend((p.Name, p.DisplayName)))];

    /// <summary>The platform the form is for: the stored app's, or the one chosen on the add page (Feishu when none or unknown).</summary>
    public string PlatformChoice => Existing?.Platform
        ?? Platforms.Select(p => p.Value).FirstOrDefault(v => string.Equals(v, Platform?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? HubAppPlatform.Feishu;

    /// <summary>The platform the form is for, as its room describes it (null for a stored app of a platform whose room is not added).</summary>
    public HubPlatformInfo? Form => apps.Platforms.Parse(PlatformChoice)?.Platform;

    private static string AliasLabel(string alias) => alias.Length == 0 ? alias : char.ToUpperInvariant(alias[0]) + alias[1..];

    /// <summary>Whether the form is a WeCom app's.</summary>
    public bool IsWeCom => HubAppPlatform.IsWeCom(PlatformChoice);

    /// <summary>The app's callback URL for WeCom's 接收消息 settings (an existing WeCom app only).</summary>
    public string? CallbackUrl => Existing is { IsWeCom: true } app ? Origin + app.EventsPath : null;

    /// <summary>Where WeCom and Feishu reach the Hub: <c>LARKWAY_PUBLIC_URL</c>, else this request's origin.</summary>
    private string Origin => (HttpContext.RequestServices.GetService<Larkway.Hub.Platform.Configuration.HubSettings>() ?? new Larkway.Hub.Platform.Configuration.HubSettings()).OriginFor(Request);

    /// <summary>A problem's field as the form names it for this platform (the wire name is shown beside it).</summary>
    public string LabelOf(string field) => field switch
    {
        "name" => "Name",
        "platform" => "Platform",
        "base_url" => "Base URL",
        "robot_code" => "Robot code",
        "agent_id" => "AgentId",
        "app_id" => Labels.AppId,
        "app_secret" => Labels.AppSecret,
        "encrypt_key" => Labels.EncryptKey,
        "verification_token" => Labels.VerificationToken,
        _ => field,
    };

    /// <summary>How the platform names the common fields (Feishu's words for a platform whose room is not added).</summary>
    public HubAppFormLabels Labels => Form?.FormLabels ?? new("App ID", "App Secret", "Encrypt Key", "Verification Token", "https://…");

    /// <summary>DingTalk: the robot's code when it is not the AppKey.</summary>
    [BindProperty]
    public string? RobotCode { get; set; }

    /// <summary>DingTalk: the app's AgentId (work notifications).</summary>
    [BindProperty]
    public string? AgentId { get; set; }

    /// <summary>Whether the form is a DingTalk app's.</summary>
    public bool IsDingTalk => HubAppPlatform.IsDingTalk(PlatformChoice);

    public bool IsNew => string.IsNullOrEmpty(Name);

    /// <summary>The stored app (edit), for its flags.</summary>
    public HubAppInfo? Existing { get; private set; }

    public IReadOnlyList<HubAppProblem> Problems { get; private set; } = [];

    /// <summary>Whether the refused form carried a secret, key or token (not put back: the page says to type it again).</summary>
    public bool SecretsTyped => !string.IsNullOrWhiteSpace(AppSecret) || !string.IsNullOrWhiteSpace(EncryptKey) || !string.IsNullOrWhiteSpace(VerificationToken);

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsNew)
        {
            // The platform's own API host by its short name (the Emulator's URL is typed over it).
            BaseUrl = PlatformChoice;
            return Page();
        }

        Existing = await apps.GetAsync(Name!, HttpContext.RequestAborted).ConfigureAwait(false);
        if (Existing is null || Existing.ReadOnly)
        {
            return NotFound();
        }

        (AppId, BaseUrl, LegacyCardCallbacks) = (Existing.AppId, Existing.BaseUrl.AbsoluteUri, Existing.LegacyCardCallbacks);
        (Platform, RobotCode, AgentId) = (Existing.Platform, Existing.RobotCode, Existing.AgentId?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!IsNew)
        {
            Existing = await apps.GetAsync(Name!, HttpContext.RequestAborted).ConfigureAwait(false);
        }

        var agentId = (long?)null;
        var hasAgentId = Form?.OwnFields.HasFlag(HubAppFields.AgentId) == true;
        if (hasAgentId && !string.IsNullOrWhiteSpace(AgentId))
        {
            if (!long.TryParse(AgentId.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                Problems = [new("agent_id", IsWeCom
                    ? "Digits only: the app's AgentId (WeCom admin console → 应用管理 → the app), e.g. 1000002."
                    : "Digits only: the app's AgentId (DingTalk developer console → the app's basic information).")];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }

            agentId = parsed;
        }

        var input = new HubAppInput
        {
            Name = IsNew ? NewName?.Trim() : Name,
            Platform = IsNew ? PlatformChoice : null,
            RobotCode = Form?.OwnFields.HasFlag(HubAppFields.RobotCode) == true ? RobotCode?.Trim() ?? "" : null,

            // A blank AgentId on a stored app clears it (DingTalk) or is refused naming the field (WeCom needs one).
            AgentId = hasAgentId ? agentId ?? (IsNew ? null : 0) : null,
            AppId = AppId?.Trim(),
            BaseUrl = BaseUrl?.Trim(),

            // Blank keeps the stored secret (add: blank is "none", which validation reports for the App Secret).
            AppSecret = Blank(AppSecret),
            EncryptKey = ClearEncryptKey ? "" : Blank(EncryptKey),
            VerificationToken = ClearVerificationToken ? "" : Blank(VerificationToken),
            // Old-style card callbacks are Feishu's alone.
            LegacyCardCallbacks = HubAppPlatform.IsFeishu(Form?.Name) ? LegacyCardCallbacks : null,
        };
        var change = IsNew
            ? await apps.AddAsync(input, HttpContext.RequestAborted).ConfigureAwait(false)
            : await apps.UpdateAsync(Name!, input, HttpContext.RequestAborted).ConfigureAwait(false);
        if (change.Status == HubAppChangeStatus.NotFound)
        {
            return NotFound();
        }

        if (change.Status != HubAppChangeStatus.Ok)
        {
            Problems = change.Problems;
            Response.StatusCode = change.Status == HubAppChangeStatus.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            Existing = IsNew ? null : await apps.GetAsync(Name!, HttpContext.RequestAborted).ConfigureAwait(false);
            return Page();
        }

        var app = change.App!;
        await AuditAsync(IsNew ? "app.create" : "app.update", app.Name, Details(
            ("platform", app.Platform),
            ("agent_id", app.AgentId?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("app_id", app.AppId),
            ("base_url", app.BaseUrl.AbsoluteUri),
            ("app_secret", input.AppSecret is null ? "kept" : "changed"),
            ("encrypt_key", Described(input.EncryptKey)),
            ("verification_token", Described(input.VerificationToken)),
            ("legacy_card_callbacks", app.LegacyCardCallbacks ? "accepted" : "refused"))).ConfigureAwait(false);
        Flash(app.IsWeCom
            ? $"App {app.Name} {(IsNew ? "added" : "saved")}. In WeCom (应用管理 → the app → 接收消息 → 设置API接收) paste the callback URL {Origin + app.EventsPath} with the same Token and EncodingAESKey, then test the connection."
            : IsNew ? $"App {app.Name} added. Paste its URLs into the developer console, then test the connection." : $"App {app.Name} saved.");
        return RedirectToPage("/Apps/Index");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Described(string? change) => change switch
    {
        null => "kept",
        "" => "cleared",
        _ => "changed",
    };
}
