using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Approvals;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>One approval as the Hub knows it: the request, the platform's instance, its tasks, its history and its callbacks.</summary>
internal sealed class ApprovalDetailModel(ApprovalStore store, ConsoleQueries queries) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public ApprovalRow Approval { get; private set; } = null!;

    /// <summary>The form, one row per widget: its label and value as people read them, and its key and value as sent.</summary>
    public IReadOnlyList<(string Field, string Value, string Sent)> Form { get; private set; } = [];

    /// <summary>The approvers picked for self-select nodes: node → people as named.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ApprovalPerson>> Approvers { get; private set; } = new Dictionary<string, IReadOnlyList<ApprovalPerson>>();

    public IReadOnlyList<ApprovalTaskSnapshot> Tasks { get; private set; } = [];

    /// <summary>The card each task's approver got, by task id.</summary>
    public IReadOnlyDictionary<string, ApprovalCardRow> Cards { get; private set; } = new Dictionary<string, ApprovalCardRow>(StringComparer.Ordinal);

    public IReadOnlyList<ApprovalTransitionRow> History { get; private set; } = [];

    public IReadOnlyList<WebhookDeliveryDto> Callbacks { get; private set; } = [];

    /// <summary>Create attempts and the next one, while the platform has not created the instance.</summary>
    public ApprovalSubmission? Submission { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (await store.GetAsync(Id, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return NotFound();
        }

        (Approval, History) = found;
        Form = FormRows(Approval.Form, ApprovalFormDisplay.Deserialize(Approval.FormDisplay));
        Approvers = ApprovalApprovers.Deserialize(Approval.Approvers) ?? Approvers;
        Tasks = JsonSerializer.Deserialize(Approval.Tasks, ApprovalStorageJsonContext.Default.ApprovalTaskSnapshotArray) ?? [];
        Cards = await queries.ApprovalCardsAsync(Id, cancellationToken).ConfigureAwait(false);
        Callbacks = [.. (await queries.ApprovalCallbacksAsync(Id, Approval.Sequence, cancellationToken).ConfigureAwait(false)).Select(WebhookWire.ToDto)];
        Submission = (await store.SubmissionsAsync([Id], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(Id);
        await ConsolePeople.LoadAsync(HttpContext, new[] { Approval.Applicant, Approval.ApplicantUserId }
            .Concat(Approvers.Values.SelectMany(people => people.Select(p => p.Value)))
            .Concat(Tasks.Select(t => t.UserId)).Concat(History.Select(h => h.OperatorUserId))).ConfigureAwait(false);
        return Page();
    }

    private static List<(string, string, string)> FormRows(string form, IReadOnlyList<ApprovalFormLine>? labelled)
    {
        List<(string Key, string Value)> sent;
        try
        {
            sent = JsonNode.Parse(form) is JsonObject values ? [.. values.Select(v => (v.Key, ConsoleJson.Value(v.Value)))] : [("", form)];
        }
        catch (JsonException)
        {
            return [("", form, "")];
        }

        // Labels were kept in the order the values were sent; approvals from before they were kept show the keys.
        return labelled is { } lines && lines.Count == sent.Count
            ? [.. sent.Select((s, i) => (lines[i].Label, lines[i].Value, $"{s.Key}: {s.Value}"))]
            : [.. sent.Select(s => (s.Key, s.Value, ""))];
    }
}
