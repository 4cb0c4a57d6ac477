using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

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

    /// <summary><c>feishu</c>, <c>lark</c> or <c>dingtalk</c> (add only: an app's platform never changes).</summary>
    [BindProperty]
    public string? Platform { get; set; }

    /// <summary>DingTalk: the robot's code when it is not the AppKey.</summary>
    [BindProperty]
    public string? RobotCode { get; set; }

    /// <summary>DingTalk: the app's AgentId (work notifications).</summary>
    [BindProperty]
    public string? AgentId { get; set; }

    /// <summary>Whether the form is a DingTalk app's.</summary>
    public bool IsDingTalk => HubAppPlatform.IsDingTalk(Existing?.Platform ?? Platform);

    public bool IsNew => string.IsNullOrEmpty(Name);

    /// <summary>The stored app (edit), for its flags.</summary>
    public HubAppInfo? Existing { get; private set; }

    public IReadOnlyList<HubAppProblem> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (IsNew)
        {
            BaseUrl = "feishu";
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
        if (IsDingTalk && !string.IsNullOrWhiteSpace(AgentId))
        {
            if (!long.TryParse(AgentId.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                Problems = [new("agent_id", "Digits only: the app's AgentId (DingTalk developer console → the app's basic information).")];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }

            agentId = parsed;
        }

        var dingTalk = IsDingTalk;
        var input = new HubAppInput
        {
            Name = IsNew ? NewName?.Trim() : Name,
            Platform = IsNew ? Platform : null,
            RobotCode = dingTalk ? RobotCode?.Trim() ?? "" : null,
            AgentId = dingTalk ? agentId ?? (IsNew ? null : 0) : null,
            AppId = AppId?.Trim(),
            BaseUrl = BaseUrl?.Trim(),

            // Blank keeps the stored secret (add: blank is "none", which validation reports for the App Secret).
            AppSecret = Blank(AppSecret),
            EncryptKey = ClearEncryptKey ? "" : Blank(EncryptKey),
            VerificationToken = ClearVerificationToken ? "" : Blank(VerificationToken),
            LegacyCardCallbacks = dingTalk ? null : LegacyCardCallbacks,
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
            ("app_id", app.AppId),
            ("base_url", app.BaseUrl.AbsoluteUri),
            ("app_secret", input.AppSecret is null ? "kept" : "changed"),
            ("encrypt_key", Described(input.EncryptKey)),
            ("verification_token", Described(input.VerificationToken)),
            ("legacy_card_callbacks", app.LegacyCardCallbacks ? "accepted" : "refused"))).ConfigureAwait(false);
        Flash(IsNew ? $"App {app.Name} added. Paste its URLs into the developer console, then test the connection." : $"App {app.Name} saved.");
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
