using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Hub.AdminConsole.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class TypesEditModel(NotificationTypeStore store, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public bool Enabled { get; set; }

    [BindProperty]
    public string Template { get; set; } = "";

    [BindProperty]
    public string SampleData { get; set; } = "{}";

    [BindProperty]
    public string Recipients { get; set; } = "[]";

    public List<NotificationProblem> Problems { get; } = [];

    public string PreviewHtml { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await store.GetAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false) is not { } type)
        {
            return NotFound();
        }

        Description = type.Description;
        Enabled = type.Enabled;
        Template = Pretty(type.Template);
        SampleData = Pretty(type.SampleData);
        Recipients = Pretty(type.Recipients);
        PreviewHtml = Preview(Template, SampleData);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync()
    {
        if (await store.GetAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false) is not { } existing)
        {
            return NotFound();
        }

        Problems.AddRange(NotificationTypeDefinition.Validate(Name, Template, SampleData, Recipients));
        if ((Description?.Length ?? 0) > 1000)
        {
            Problems.Add(new("description", "At most 1,000 characters."));
        }

        if (Problems.Count > 0)
        {
            PreviewHtml = Preview(Template, SampleData);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var row = new NotificationTypeRow
        {
            Name = Name,
            Description = Description ?? "",
            Enabled = Enabled,
            Template = Compact(Template),
            SampleData = Compact(SampleData),
            Recipients = Compact(Recipients),

            // The editor has no field for actions: they stay as they are (saving wiped them to {}).
            Actions = existing.Actions,
        };
        await store.PutAsync(row, HttpContext.RequestAborted).ConfigureAwait(false);
        await AuditAsync("notification_type.update", Name, Details(
            ("enabled", Enabled ? "true" : "false"),
            ("enabled_before", existing.Enabled ? "true" : "false"),
            ("template_changed", existing.Template == row.Template ? "false" : "true"))).ConfigureAwait(false);
        Flash($"{Name} saved.");
        return RedirectToPage(new { name = Name });
    }

    /// <summary>The live preview: the card rendered from the posted template and sample data, as HTML (nothing is saved).</summary>
    public IActionResult OnPostPreview() => Content(Preview(Template, SampleData), "text/html; charset=utf-8");

    private static string Preview(string template, string sampleData)
    {
        JsonNode? templateNode;
        JsonDocument data;
        try
        {
            templateNode = JsonNode.Parse(template);
        }
        catch (JsonException ex)
        {
            return Problem("Template is not valid JSON: " + Platform.Http.JsonErrorText.Describe(ex) + ".");
        }

        try
        {
            data = JsonDocument.Parse(sampleData);
        }
        catch (JsonException ex)
        {
            return Problem("Sample data is not valid JSON: " + Platform.Http.JsonErrorText.Describe(ex) + ".");
        }

        using (data)
        {
            if (templateNode is not JsonObject || data.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problem("The template and the sample data must both be JSON objects.");
            }

            // The API's checks: what a notification with this data would be refused for.
            var problems = new List<NotificationProblem>();
            if (NotificationTypeDefinition.RenderCard(templateNode, data.RootElement, "sample_data", problems) is not { } card)
            {
                return Problem(problems[0].Message);
            }

            var html = new StringBuilder(CardPreviewHtml.Render(card));
            if (problems.Count > 0)
            {
                html.Append("<ul class=\"preview-errors\">");
                foreach (var problem in problems)
                {
                    html.Append("<li>").Append(WebUtility.HtmlEncode($"{problem.Field}: {problem.Message}")).Append("</li>");
                }

                html.Append("</ul>");
            }

            return html.ToString();
        }
    }

    private static string Problem(string message) => "<p class=\"preview-errors\">" + WebUtility.HtmlEncode(message) + "</p>";

    // Non-ASCII stays text (¥, 审批), not \u00A5 escapes: Razor HTML-encodes the textareas.
    private static string Pretty(string json) => ConsoleJson.Pretty(json);

    private static string Compact(string json) => JsonNode.Parse(json)?.ToJsonString() ?? json;
}
