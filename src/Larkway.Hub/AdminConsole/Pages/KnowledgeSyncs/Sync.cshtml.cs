using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>A knowledge sync: its settings in words, its last pass, its documents and their state; run, pause and resume.</summary>
internal sealed class KnowledgeSyncModel(IAuditLog audit, IKnowledgeSyncConsole? source = null) : ConsolePageModel(audit)
{
    /// <summary>Documents listed (those kept out first).</summary>
    public const int DocumentLimit = 500;

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public KnowledgeSyncView? Sync { get; private set; }

    public IReadOnlyList<KnowledgeDocumentView> Documents { get; private set; } = [];

    public int DocumentCount { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (source is null || await source.SyncAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false) is not { } sync)
        {
            return NotFound();
        }

        Sync = sync;
        var documents = await source.DocumentsAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
        (Documents, DocumentCount) = ([.. documents.Take(DocumentLimit)], documents.Count);
        return Page();
    }

    public Task<IActionResult> OnPostRunAsync() => ActAsync(KnowledgeSyncAction.Run, "A full pass runs now.");

    public Task<IActionResult> OnPostPauseAsync() => ActAsync(KnowledgeSyncAction.Pause, "Paused: edits are not followed and no pass runs until it is resumed.");

    public Task<IActionResult> OnPostResumeAsync() => ActAsync(KnowledgeSyncAction.Resume, "Resumed: a full pass runs now.");

    private async Task<IActionResult> ActAsync(KnowledgeSyncAction action, string done)
    {
        if (source is null)
        {
            return NotFound();
        }

        var (found, refused) = await source.ActAsync(Id, action, HttpContext.RequestAborted).ConfigureAwait(false);
        if (!found)
        {
            return NotFound();
        }

        if (refused is null)
        {
            await AuditAsync($"{source.AuditPrefix}.{action.ToString().ToLowerInvariant()}", Id).ConfigureAwait(false);
        }

        Flash(refused ?? done);
        return RedirectToPage();
    }
}
