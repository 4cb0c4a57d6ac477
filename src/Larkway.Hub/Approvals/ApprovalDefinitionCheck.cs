using System.Text.Json;
using Larkway.Feishu.Approval;

namespace Larkway.Hub.Approvals;

/// <summary>What the definition says about a request, the one check the API and a card's "Request approval" both make.</summary>
/// <param name="Problems">The form's values and the chosen approvers that do not fit (fields <c>form.…</c>, <c>approvers.…</c>).</param>
/// <param name="FormDisplay">The form as people read it, to store with the approval (<see cref="ApprovalFormDisplay"/>).</param>
/// <param name="ApprovalName">The definition's name, to store with the approval.</param>
internal sealed record ApprovalDefinitionCheck(IReadOnlyList<ApprovalProblem> Problems, string? FormDisplay, string? ApprovalName)
{
    public static ApprovalDefinitionCheck Of(ApprovalRequest request, ApprovalDefinition definition)
    {
        using var form = JsonDocument.Parse(request.Form);
        var problems = new List<ApprovalProblem>();
        if (!ApprovalForm.TryFromJson(form.RootElement, definition, out _, out var errors))
        {
            problems.AddRange(errors.Select(e => new ApprovalProblem(e.WidgetId.Length == 0 ? "form" : "form." + e.WidgetId, e.Message)));
        }

        problems.AddRange(ApprovalApprovers.Check(request.Approvers, definition));
        return new(
            problems,
            ApprovalFormDisplay.Serialize(ApprovalFormDisplay.Of(form.RootElement, definition)),
            string.IsNullOrWhiteSpace(definition.ApprovalName) ? null : definition.ApprovalName);
    }
}
