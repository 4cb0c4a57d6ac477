using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Contact;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// Contact events from the inbox, applied to the directory: users created, updated and deleted (a deleted user's
/// departments from <c>old_object</c>), departments created, updated and deleted, and a contact scope change starting a
/// partial resync. Idempotent and order-proof: each field keeps the time it was set (<see cref="DirectoryRules"/>), so a
/// duplicate changes nothing and an older event does not undo a newer one. Only the directory app's events write the
/// directory; another app's user events link that app's open_id to the person (by union_id, else user_id). Every event
/// of the directory app tells the tenant key (<see cref="DirectoryTenant"/>).
/// </summary>
internal sealed partial class DirectoryEventObserver(
    DirectoryStore store,
    DirectoryService service,
    DirectoryTenant tenant,
    DirectoryTelemetry telemetry,
    IOptions<DirectoryOptions> options,
    TimeProvider time,
    ILogger<DirectoryEventObserver> logger) : IInboxEventObserver
{
    /// <summary>The event types handled.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(
    [
        ContactUserCreatedEvent.Type, ContactUserUpdatedEvent.Type, ContactUserDeletedEvent.Type,
        ContactDepartmentCreatedEvent.Type, ContactDepartmentUpdatedEvent.Type, ContactDepartmentDeletedEvent.Type,
        ContactScopeUpdatedEvent.Type,
    ], StringComparer.Ordinal);

    /// <summary>Contact events, and the directory app's events while its tenant key is still to be learned from one.</summary>
    public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Native<FeishuEventEnvelope>() is { } envelope
            && (EventTypes.Contains(envelope.EventType) || (context.AppName == options.Value.AppName && envelope.TenantKey is { Length: > 0 } key && !tenant.Knows(key))));

    /// <summary>Applies a contact event; true for every contact event (ignoring one is handling it too).</summary>
    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Native<FeishuEventEnvelope>() is not { } envelope)
        {
            // Feishu's contact events only: another platform's directory arrives by its own sync.
            return false;
        }

        var isDirectoryApp = context.AppName == options.Value.AppName;
        if (isDirectoryApp && envelope.TenantKey is { Length: > 0 } learned)
        {
            await tenant.LearnAsync(learned, cancellationToken).ConfigureAwait(false);
        }

        if (!EventTypes.Contains(envelope.EventType))
        {
            return false;
        }

        var feishuEvent = FeishuEventParser.Parse(envelope);
        var at = envelope.CreateTime ?? context.ReceivedAt;
        var tenantKey = envelope.TenantKey is { Length: > 0 } key ? key : await tenant.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (!isDirectoryApp)
        {
            var linked = feishuEvent switch
            {
                ContactUserCreatedEvent e => await LinkAsync(context.AppName, tenantKey, e.Object, cancellationToken).ConfigureAwait(false),
                ContactUserUpdatedEvent e => await LinkAsync(context.AppName, tenantKey, e.Object, cancellationToken).ConfigureAwait(false),
                _ => false,
            };
            telemetry.EventApplied(envelope.EventType, linked ? "linked" : "ignored", null);
            return true;
        }

        var write = new DirectoryWrite(tenantKey, context.AppName, DirectorySource.Event, envelope.DedupKey ?? $"inbox_{context.InboxEventId}", at);
        var applied = feishuEvent switch
        {
            ContactUserCreatedEvent e => await UserAsync(write, DirectoryMapping.Of(FeishuContactEvents.ToClient(e.Object)), cancellationToken).ConfigureAwait(false),
            ContactUserUpdatedEvent e => await UserAsync(write, DirectoryMapping.OfUpdate(FeishuContactEvents.ToClient(e.Object), e.OldObject is { } oldUser ? FeishuContactEvents.ToClient(oldUser) : null), cancellationToken).ConfigureAwait(false),
            ContactUserDeletedEvent e when (e.Object.OpenId ?? e.OldObject?.OpenId) is { Length: > 0 } openId =>
                await store.ApplyDeletedUserAsync(write, openId, e.FormerDepartmentIds, cancellationToken).ConfigureAwait(false),
            ContactDepartmentCreatedEvent e => await DepartmentAsync(write, DirectoryMapping.Of(FeishuContactEvents.ToClient(e.Object)), cancellationToken).ConfigureAwait(false),
            ContactDepartmentUpdatedEvent e => await DepartmentAsync(write, DirectoryMapping.OfUpdate(FeishuContactEvents.ToClient(e.Object), e.OldObject is { } oldDepartment ? FeishuContactEvents.ToClient(oldDepartment) : null), cancellationToken).ConfigureAwait(false),
            ContactDepartmentDeletedEvent e => await DepartmentAsync(write, DirectoryMapping.Of(FeishuContactEvents.ToClient(e.Object, deleted: true)) ?? (e.OldObject is { } old ? DirectoryMapping.Of(FeishuContactEvents.ToClient(old, deleted: true)) : null), cancellationToken).ConfigureAwait(false),
            ContactScopeUpdatedEvent e => await ScopeAsync(e, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        if (applied is null)
        {
            LogIgnored(logger, context.InboxEventId, envelope.EventType);
            telemetry.EventApplied(envelope.EventType, "ignored", null);
            return true;
        }

        telemetry.EventApplied(envelope.EventType, applied.Changes > 0 ? "applied" : "unchanged", time.GetUtcNow() - at);
        return true;
    }

    private async Task<DirectoryApplied?> UserAsync(DirectoryWrite write, DirectoryUser? shown, CancellationToken cancellationToken) =>
        shown is not null ? await store.ApplyUsersAsync(write, [shown], cancellationToken).ConfigureAwait(false) : null;

    private async Task<DirectoryApplied?> DepartmentAsync(DirectoryWrite write, DirectoryDepartment? department, CancellationToken cancellationToken) =>
        department is null ? null : await store.ApplyDepartmentsAsync(write, [department], cancellationToken).ConfigureAwait(false);

    private async Task<DirectoryApplied> ScopeAsync(ContactScopeUpdatedEvent e, CancellationToken cancellationToken)
    {
        static List<string> Departments(ContactScopeChange? change) =>
            [.. (change?.Departments ?? []).Select(d => d.OpenDepartmentId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];
        static List<string> Users(ContactScopeChange? change) =>
            [.. (change?.Users ?? []).Select(u => u.OpenId).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];

        await service.StartScopeSyncAsync(Departments(e.Added), Users(e.Added), Departments(e.Removed), Users(e.Removed), cancellationToken).ConfigureAwait(false);
        return DirectoryApplied.None;
    }

    private async Task<bool> LinkAsync(string app, string tenantKey, ContactUser user, CancellationToken cancellationToken) =>
        DirectoryMapping.Of(FeishuContactEvents.ToClient(user)) is { } shown && await store.LinkOtherAppAsync(app, tenantKey, shown, cancellationToken).ConfigureAwait(false);

    [LoggerMessage(EventId = LogEvents.DirectoryEventIgnored, Level = LogLevel.Information, Message = "Inbox event {EventId} ({EventType}) names no user or department the directory can use; ignored.")]
    private static partial void LogIgnored(ILogger logger, long eventId, string eventType);
}
