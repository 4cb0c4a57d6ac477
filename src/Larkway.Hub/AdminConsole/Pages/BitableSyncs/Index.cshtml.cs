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
        var counts = await store.OpenCountsAsync(cancellationToken).ConfigureAwait(false);
        Syncs = [.. (await syncs.ListAsync(cancellationToken).ConfigureAwait(false)).Select(s => (s, counts.GetValueOrDefault(s.Id).Conflicts, counts.GetValueOrDefault(s.Id).DeadLetters))];
    }
}
