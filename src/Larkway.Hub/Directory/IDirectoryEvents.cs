using Larkway.Hub.Inbox;

namespace Larkway.Hub.Directory;

/// <summary>
/// A platform's contact events as the directory reads them, supplied by that platform's room as a piece of its unit
/// (<c>.Supply&lt;IDirectoryEvents, …&gt;()</c>; optional: Feishu's, DingTalk's and WeCom's). <see cref="DirectoryEventObserver"/> asks the
/// piece of the event's platform and applies the neutral <see cref="DirectoryChange"/> it reads.
/// </summary>
internal interface IDirectoryEvents
{
    /// <summary>What the directory reads of any event of the platform (answered from memory: it runs on the ack path too); null when the event is not one this reader knows.</summary>
    DirectoryEventHead? Head(InboxEventContext context);

    /// <summary>The change a contact event (<see cref="DirectoryEventHead.IsContact"/>) makes; null when it names no one the directory can use.</summary>
    DirectoryChange? Change(InboxEventContext context);
}

/// <summary>What the directory reads of an event before its body.</summary>
/// <param name="Type">The event's type, as the metrics name it.</param>
/// <param name="IsContact">Whether it is a contact event (a user, a department, the contact scope).</param>
/// <param name="TenantKey">The tenant it came from; null or empty when it does not say.</param>
/// <param name="At">When the platform says it happened; null when it does not say.</param>
/// <param name="DedupKey">The platform's id of the event; null when it gave none.</param>
internal sealed record DirectoryEventHead(string Type, bool IsContact, string? TenantKey, DateTimeOffset? At, string? DedupKey);

/// <summary>A change a contact event makes to the directory, in the directory's terms.</summary>
internal abstract record DirectoryChange;

/// <summary>A user created or updated, as the event showed them (an update names what it changed).</summary>
internal sealed record DirectoryUserShown(DirectoryUser User) : DirectoryChange;

/// <summary>A user deleted, with the departments they were in.</summary>
internal sealed record DirectoryUserDeleted(string Id, IReadOnlyList<string> FormerDepartmentIds) : DirectoryChange;

/// <summary>A department created, updated or deleted, as the event showed it.</summary>
internal sealed record DirectoryDepartmentShown(DirectoryDepartment Department) : DirectoryChange;

/// <summary>The app's contact scope changed: what it added (to read again) and removed.</summary>
internal sealed record DirectoryScopeChanged(
    IReadOnlyList<string> AddedDepartments, IReadOnlyList<string> AddedUsers, IReadOnlyList<string> RemovedDepartments, IReadOnlyList<string> RemovedUsers) : DirectoryChange;

/// <summary>
/// Users and departments an event names without showing them (DingTalk's contact events carry only ids): read again from
/// the platform — departments with everything below them, users by id — as a partial resync.
/// </summary>
internal sealed record DirectoryToRead(IReadOnlyList<string> Departments, IReadOnlyList<string> Users) : DirectoryChange;

/// <summary>Several changes one event makes (an event naming several users or departments), applied in turn.</summary>
internal sealed record DirectoryChanges(IReadOnlyList<DirectoryChange> Changes) : DirectoryChange;
