using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The knowledge syncs: each document space kept in step with a knowledge base, its state, last pass and documents by state.</summary>
internal sealed class KnowledgeSyncsIndexModel(IKnowledgeSyncConsole? source = null) : PageModel
{
    /// <summary>False when no room keeps knowledge bases in this Hub.</summary>
    public bool Served => source is not null;

    public IReadOnlyList<KnowledgeSyncView> Syncs { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (source is not null)
        {
            Syncs = await source.SyncsAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
