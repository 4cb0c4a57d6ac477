using Larkway.Hub.Approvals;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Every approval, newest first, filtered by status and the business system's reference; older pages by cursor.</summary>
internal sealed class ApprovalsIndexModel(ApprovalStore store) : PageModel
{
    /// <summary>Approvals per page.</summary>
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>The business system's own id (the API's <c>reference</c>), matched exactly.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Reference { get; set; }

    /// <summary>Show approvals older than this id (the "Older" link's cursor).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public string? Problem { get; private set; }

    /// <summary>The cursor of the next (older) page, or null on the last.</summary>
    public string? Next { get; private set; }

    public IReadOnlyList<ApprovalRow> Approvals { get; private set; } = [];

    public async Task OnGetAsync()
    {
        ApprovalState? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            status = ApprovalTransitions.Parse(Status);
            if (status is null)
            {
                Problem = $"Unknown status '{Status}'; pick one of: {WireName<ApprovalState>.Choices}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
        }

        var reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim();
        var before = string.IsNullOrWhiteSpace(Before) ? null : Before.Trim();

        // One more than shown tells whether an older page exists, so the last page never links to an empty one.
        var rows = await store.ListAsync(caller: null, reference, status, before, PageSize + 1, HttpContext.RequestAborted).ConfigureAwait(false);
        Approvals = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? Approvals[^1].Id : null;
        await ConsolePeople.LoadAsync(HttpContext, Approvals.Select(a => a.Applicant)).ConfigureAwait(false);
    }
}
