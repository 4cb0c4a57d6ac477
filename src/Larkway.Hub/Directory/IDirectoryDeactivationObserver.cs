namespace Larkway.Hub.Directory;

/// <summary>
/// Told, once the directory has committed it, that people stopped being active (resigned, frozen or deleted in Feishu),
/// so what a module keeps for a person ends with them — the sign-in broker ends their sessions. A module that keeps
/// something per person registers one; the directory does not know what they keep.
/// </summary>
public interface IDirectoryDeactivationObserver
{
    /// <summary>Called after the commit; a failure is logged and does not undo the directory's write.</summary>
    Task DeactivatedAsync(IReadOnlyList<string> personIds, CancellationToken cancellationToken);
}
