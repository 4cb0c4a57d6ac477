using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.Audit;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The Bitable syncs: each with its state, direction, last pass, lag, rows each way, held conflicts and dead letters.</summary>
internal sealed class BitableSyncsIndexModel(BitableSyncService syncs, BitableSyncStore store, IAuditLog audit) : ConsolePageModel(audit)
{
    public IReadOnlyList<(BitableSyncRow Sync, int Conflicts, int DeadLetters)> Syncs { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        var list = new List<(BitableSyncRow, int, int)>();
        foreach (var sync in await syncs.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var conflicts = (await store.ConflictsAsync(sync.Id, cancellationToken).ConfigureAwait(false)).Count(c => c.Resolution is null);
            var letters = (await store.DeadLettersAsync(sync.Id, cancellationToken).ConfigureAwait(false)).Count;
            list.Add((sync, conflicts, letters));
        }

        Syncs = list;
    }
}
