using Larkway.Hub.Approvals;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Every approval, newest first, filtered by status, platform and the business system's reference; older pages by cursor.</summary>
internal sealed class ApprovalsIndexModel(ApprovalStore store, ApprovalPlatforms platforms) : PageModel
{
    /// <summary>Approvals per page.</summary>
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>The platform (as its unit is named), one of <see cref="PlatformChoices"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Platform { get; set; }

    /// <summary>The platforms with approvals in this Hub, with their names.</summary>
    public IReadOnlyList<(string Value, string Label)> PlatformChoices => [.. platforms.All.Select(p => (p.Platform, Larkway.Hub.Apps.HubAppPlatform.Display(p.Platform)))];

    /// <summary>Whether any filter is set.</summary>
    public bool Filtered => !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Platform) || !string.IsNullOrEmpty(Reference);

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

        var platform = string.IsNullOrWhiteSpace(Platform) ? null : Platform.Trim();
        if (platform is not null && PlatformChoices.All(p => p.Value != platform))
        {
            Problem = $"Unknown platform '{platform}'; pick one of: {string.Join(", ", PlatformChoices.Select(p => p.Value))}.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim();
        var before = string.IsNullOrWhiteSpace(Before) ? null : Before.Trim();

        // One more than shown tells whether an older page exists, so the last page never links to an empty one.
        var rows = await store.ListAsync(caller: null, reference, status, before, PageSize + 1, HttpContext.RequestAborted, platform).ConfigureAwait(false);
        Approvals = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? Approvals[^1].Id : null;
        await ConsolePeople.LoadAsync(HttpContext, Approvals.Select(a => a.Applicant)).ConfigureAwait(false);
    }
}
