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

    /// <summary>Events over the platform's long connection (the form posts it where the platform has the choice: a checkbox plus a hidden "false").</summary>
    [BindProperty]
    public bool LongConnection { get; set; }

    [BindProperty]
    public bool ClearEncryptKey { get; set; }

    [BindProperty]
    public bool ClearVerificationToken { get; set; }

    /// <summary>
    /// A registered platform's name or alias (add only: an app's platform never changes). On the add page it
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

    /// <summary>The stored platform's name as the console writes it (an unknown one as stored).</summary>
    public string PlatformName => Form?.ConsoleName ?? HubAppPlatform.Of(PlatformChoice);

    /// <summary>The form's fields for a platform whose room is not added: the common ones.</summary>
    public string DefaultFields => "/AdminConsole/Pages/Apps/_AppFields.cshtml";

    /// <summary>The stored app's events URL on the Hub (edit only), for the forms whose platform has the URL pasted in by hand.</summary>
    public string? CallbackUrl => Existing is { } app ? Origin + app.EventsPath : null;

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
    public HubAppFormLabels Labels => Form?.FormLabels ?? HubAppFormLabels.Common;

    /// <summary>The robot's code when it is not the app id (platforms with <see cref="HubAppFields.RobotCode"/>).</summary>
    [BindProperty]
    public string? RobotCode { get; set; }

    /// <summary>The app's AgentId (platforms with <see cref="HubAppFields.AgentId"/>).</summary>
    [BindProperty]
    public string? AgentId { get; set; }

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

        (AppId, BaseUrl, LegacyCardCallbacks, LongConnection) = (Existing.AppId, Existing.BaseUrl.AbsoluteUri, Existing.LegacyCardCallbacks, Existing.LongConnection);
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
                Problems = [new("agent_id", Form!.AgentIdDigitsOnly)];
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

            // A blank AgentId on a stored app clears it, or is refused naming the field where the platform needs one.
            AgentId = hasAgentId ? agentId ?? (IsNew ? null : 0) : null,
            AppId = AppId?.Trim(),
            BaseUrl = BaseUrl?.Trim(),

            // Blank keeps the stored secret (add: blank is "none", which validation reports for the App Secret).
            AppSecret = Blank(AppSecret),
            EncryptKey = ClearEncryptKey ? "" : Blank(EncryptKey),
            VerificationToken = ClearVerificationToken ? "" : Blank(VerificationToken),
            // Only a platform with old-style card callbacks has the switch on its form.
            LegacyCardCallbacks = Form?.HasLegacyCardCallbacks == true ? LegacyCardCallbacks : null,
            LongConnection = Form?.OwnFields.HasFlag(HubAppFields.LongConnection) == true ? LongConnection : null,
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
            ("app_secret", change.Secrets["app_secret"]),
            ("encrypt_key", change.Secrets["encrypt_key"]),
            ("verification_token", change.Secrets["verification_token"]),
            ("legacy_card_callbacks", app.LegacyCardCallbacks ? "accepted" : "refused"),
            ("long_connection", app.PlatformInfo?.OwnFields.HasFlag(HubAppFields.LongConnection) == true ? (app.LongConnection ? "on" : "off") : null))).ConfigureAwait(false);
        Flash(app.PlatformInfo?.ConsoleSavedNote(Origin + app.EventsPath) is { } note
            ? $"App {app.Name} {(IsNew ? "added" : "saved")}. {note}"
            : IsNew ? $"App {app.Name} added. Paste its URLs into the developer console, then test the connection." : $"App {app.Name} saved.");
        return RedirectToPage("/Apps/Index");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
