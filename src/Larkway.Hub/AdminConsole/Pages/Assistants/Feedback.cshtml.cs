using Larkway.Hub.Assistants.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>What people said about the answers, newest first, optionally of one assistant, with each assistant's helpful ratio.</summary>
internal sealed class AssistantFeedbackModel(AssistantService assistants, AssistantConsoleQueries queries) : PageModel
{
    /// <summary>Feedback per page.</summary>
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Assistant { get; set; }

    /// <summary>Show feedback older than this position (the "Older" link's cursor).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public string? Problem { get; private set; }

    public string? Next { get; private set; }

    public IReadOnlyList<AssistantInfo> Assistants { get; private set; } = [];

    public IReadOnlyDictionary<string, FeedbackCounts> Counts { get; private set; } = new Dictionary<string, FeedbackCounts>();

    public IReadOnlyList<FeedbackView> Feedback { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Assistants = await assistants.ListAsync(cancellationToken).ConfigureAwait(false);
        Counts = await queries.FeedbackCountsAsync(cancellationToken).ConfigureAwait(false);
        var assistant = string.IsNullOrWhiteSpace(Assistant) ? null : Assistant.Trim();
        FeedbackCursor? after = null;
        if (assistant is not null && Assistants.All(a => a.Name != assistant))
        {
            Problem = $"No assistant is named '{(assistant.Length <= 40 ? assistant : assistant[..40] + "…")}'; pick one from the list.";
        }
        else if (!string.IsNullOrWhiteSpace(After) && (after = FeedbackCursor.Parse(After.Trim())) is null)
        {
            Problem = "The page position is not one this page made; start again from the newest.";
        }

        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var rows = await queries.FeedbackAsync(assistant, after, PageSize + 1, cancellationToken).ConfigureAwait(false);
        Feedback = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? Feedback[^1].Cursor : null;
        await ConsolePeople.LoadAsync(HttpContext, Feedback.Select(f => f.User)).ConfigureAwait(false);
    }
}
