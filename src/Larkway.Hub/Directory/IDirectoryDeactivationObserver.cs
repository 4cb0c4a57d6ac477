using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Directory;

/// <summary>
/// Told, inside the directory's own write transaction, that people stopped being active (resigned, frozen or deleted in
/// Feishu), so what a module keeps for a person ends with them and commits with the change, or neither does — the
/// sign-in broker ends their sessions. A module that keeps something per person registers one; the directory does not
/// know what they keep.
/// </summary>
public interface IDirectoryDeactivationObserver
{
    /// <summary>Writes through <paramref name="db"/> (its transaction is open); a failure rolls the directory's write back and it is retried as any failed write is.</summary>
    Task DeactivatedAsync(HubDbContext db, IReadOnlyList<string> personIds, DateTimeOffset at, CancellationToken cancellationToken);
}
