using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Contact;
using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Feishu.Directory;

/// <summary>
/// Feishu's contact events as the directory reads them: users created, updated and deleted (a deleted user's departments
/// from <c>old_object</c>), departments created, updated and deleted, and the contact scope changed. The envelope is the
/// one Feishu's room attached to the event (<see cref="InboxEventContext.Native{T}"/>); an event's user or department is
/// mapped as the contact API's (<see cref="FeishuContactEvents"/>, <see cref="FeishuContactMapping"/>), an update's
/// <c>old_object</c> naming what changed.
/// </summary>
internal sealed class FeishuDirectoryEvents : IDirectoryEvents
{
    /// <summary>The event types read as contact events.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(
    [
        ContactUserCreatedEvent.Type, ContactUserUpdatedEvent.Type, ContactUserDeletedEvent.Type,
        ContactDepartmentCreatedEvent.Type, ContactDepartmentUpdatedEvent.Type, ContactDepartmentDeletedEvent.Type,
        ContactScopeUpdatedEvent.Type,
    ], StringComparer.Ordinal);

    /// <inheritdoc />
    public DirectoryEventHead? Head(InboxEventContext context) =>
        context?.Native<FeishuEventEnvelope>() is { } envelope
            ? new DirectoryEventHead(envelope.EventType, EventTypes.Contains(envelope.EventType), envelope.TenantKey, envelope.CreateTime, envelope.DedupKey)
            : null;

    /// <inheritdoc />
    public DirectoryChange? Change(InboxEventContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Native<FeishuEventEnvelope>() is not { } envelope || !EventTypes.Contains(envelope.EventType))
        {
            return null;
        }

        return FeishuEventParser.Parse(envelope) switch
        {
            ContactUserCreatedEvent e => User(FeishuContactMapping.Of(FeishuContactEvents.ToClient(e.Object))),
            ContactUserUpdatedEvent e => User(FeishuContactMapping.OfUpdate(FeishuContactEvents.ToClient(e.Object), e.OldObject is { } oldUser ? FeishuContactEvents.ToClient(oldUser) : null)),
            ContactUserDeletedEvent e when (e.Object.OpenId ?? e.OldObject?.OpenId) is { Length: > 0 } openId => new DirectoryUserDeleted(openId, e.FormerDepartmentIds),
            ContactDepartmentCreatedEvent e => Department(FeishuContactMapping.Of(FeishuContactEvents.ToClient(e.Object))),
            ContactDepartmentUpdatedEvent e => Department(FeishuContactMapping.OfUpdate(FeishuContactEvents.ToClient(e.Object), e.OldObject is { } oldDepartment ? FeishuContactEvents.ToClient(oldDepartment) : null)),
            ContactDepartmentDeletedEvent e => Department(FeishuContactMapping.Of(FeishuContactEvents.ToClient(e.Object, deleted: true))
                ?? (e.OldObject is { } old ? FeishuContactMapping.Of(FeishuContactEvents.ToClient(old, deleted: true)) : null)),
            ContactScopeUpdatedEvent e => new DirectoryScopeChanged(Departments(e.Added), Users(e.Added), Departments(e.Removed), Users(e.Removed)),
            _ => null,
        };
    }

    private static DirectoryUserShown? User(DirectoryUser? user) => user is null ? null : new(user);

    private static DirectoryDepartmentShown? Department(DirectoryDepartment? department) => department is null ? null : new(department);

    private static List<string> Departments(ContactScopeChange? change) =>
        [.. (change?.Departments ?? []).Select(d => d.OpenDepartmentId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];

    private static List<string> Users(ContactScopeChange? change) =>
        [.. (change?.Users ?? []).Select(u => u.OpenId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];
}
