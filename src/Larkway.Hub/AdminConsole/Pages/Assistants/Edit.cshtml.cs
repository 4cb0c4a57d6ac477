using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// A new assistant, or a change to one: the form is checked by <see cref="AssistantService"/>, each problem shown beside its
/// field and nothing stored. The backend key is write-only: the form never holds it, a blank field keeps the stored one,
/// and neither the page nor the audit log shows it.
/// </summary>
internal sealed class AssistantsEditModel(AssistantService assistants, HubAppService apps, IAuditLog audit) : ConsolePageModel(audit)
{
    [FromRoute]
    public string? Name { get; set; }

    [BindProperty]
    public AssistantForm Form { get; set; } = new();

    /// <summary>The assistant being edited (null for a new one).</summary>
    public AssistantInfo? Existing { get; private set; }

    /// <summary>The Hub's apps, for the checkboxes.</summary>
    public IReadOnlyList<HubAppInfo> HubApps { get; private set; } = [];

    /// <summary>Problems by form field, each a sentence that says what to change.</summary>
    public ILookup<string, string> Problems { get; private set; } = Array.Empty<AssistantProblem>().ToLookup(p => p.Field, p => p.Message);

    /// <summary>Problems the form has no field for (a command's audience), listed at the top.</summary>
    public IReadOnlyList<string> Unplaced { get; private set; } = [];

    /// <summary>Whether the refused form carried an API key (not put back: the page says to type it again).</summary>
    public bool KeyTyped { get; private set; }

    /// <summary>
    /// The new form's page (no name in its route). Not <c>Name is null</c>: a blank name (<c>/console/assistants/%20/edit</c>)
    /// binds as null too, and names no assistant to edit.
    /// </summary>
    public bool IsNew => !RouteData.Values.ContainsKey("name");

    public async Task<IActionResult> OnGetAsync()
    {
        HubApps = await apps.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        Answerers = await assistants.AnswerersAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        if (IsNew)
        {
            Form = AssistantForm.ForNew();
            return Page();
        }

        Existing = await assistants.GetAsync(Name ?? "", HttpContext.RequestAborted).ConfigureAwait(false);
        if (Existing is null)
        {
            return NotFound();
        }

        Form = AssistantForm.From(Existing);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        HubApps = await apps.ListAsync(cancellationToken).ConfigureAwait(false);
        Answerers = await assistants.AnswerersAsync(cancellationToken).ConfigureAwait(false);
        if (!IsNew)
        {
            Existing = await assistants.GetAsync(Name ?? "", cancellationToken).ConfigureAwait(false);
            if (Existing is null)
            {
                return NotFound();
            }
        }

        // The form says of the display name "empty: the name", on an edit as on a new assistant.
        if (Existing is not null && string.IsNullOrWhiteSpace(Form.DisplayName))
        {
            Form.DisplayName = Existing.Name;
        }

        var (input, problems) = Form.ToInput(IsNew, Existing?.Policy.Commands);
        AssistantChange? change = null;
        if (input is not null)
        {
            change = IsNew
                ? await assistants.CreateAsync(input, cancellationToken).ConfigureAwait(false)
                : await assistants.UpdateAsync(Name ?? "", input, cancellationToken).ConfigureAwait(false);
            if (change.Status == AssistantChangeStatus.NotFound)
            {
                return NotFound();
            }

            problems = change.Status == AssistantChangeStatus.Conflict
                ? [new("name", $"is taken: an assistant named '{input.Name}' exists. Pick another name, or edit that one.")]
                : [.. change.Problems];
        }

        if (change is not { Status: AssistantChangeStatus.Ok, Assistant: { } saved })
        {
            Problems = problems.ToLookup(p => AssistantForm.FieldOf(p.Field), AssistantForm.Sentence);
            Unplaced = [.. problems.Where(p => !AssistantForm.PlacedFields.Contains(AssistantForm.FieldOf(p.Field))).Select(p => $"{p.Field}: {p.Message}")];
            KeyTyped = !string.IsNullOrWhiteSpace(Form.ApiKey);
            Form.ApiKey = "";
            Response.StatusCode = change?.Status is AssistantChangeStatus.Conflict or AssistantChangeStatus.Overlap ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return Page();
        }

        await AuditAsync(IsNew ? "assistant.create" : "assistant.update", saved.Name, Details(
            ("backend", saved.Backend),
            ("base_url", saved.BaseUrl),
            ("api_key", change.ApiKey),
            ("apps", string.Join(',', saved.Apps)),
            ("enabled", saved.Enabled ? "true" : "false"))).ConfigureAwait(false);
        Flash(IsNew ? $"Assistant {saved.Name} added." : $"Assistant {saved.Name} saved.");
        return RedirectToPage("/Assistants/Index");
    }

    /// <summary>The problems for one form field, as the form shows them under it.</summary>
    public IEnumerable<string> ProblemsOf(string field) => Problems[field];

    /// <summary>Per app, the enabled assistant answering there, for the checkboxes: an app has one.</summary>
    public IReadOnlyDictionary<string, string> Answerers { get; private set; } = new Dictionary<string, string>();

    /// <summary>The other assistant that answers on <paramref name="app"/>, if one does (a posted form may name no app: null).</summary>
    public string? AnsweredByOther(string? app) => app is not null && Answerers.TryGetValue(app, out var by) && by != Existing?.Name ? by : null;

    /// <summary>The apps the form offers: the Hub's, then any the assistant names that the Hub no longer has (to uncheck).</summary>
    public IEnumerable<(string Name, string? Platform)> AppChoices =>
        HubApps.Select(a => (a.Name, (string?)HubAppPlatform.Display(a.Platform)))
            .Concat(Form.Apps.Where(n => HubApps.All(a => a.Name != n)).Select(n => (n, (string?)null)));
}
