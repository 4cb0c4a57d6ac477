using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Units;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// Contact events from the inbox, applied to the directory: each platform's reading of its events
/// (<see cref="IDirectoryEvents"/>, a piece of its unit) turns one into a neutral
/// <see cref="DirectoryChange"/> — a user shown or deleted, a department shown, the contact scope changed or users and
/// departments named to read again (a partial resync) — which this applies, for each app the directory reads
/// (<see cref="DirectorySourceOrder"/>). Idempotent and order-proof: each field keeps the time it was set
/// (<see cref="DirectoryRules"/>), so a duplicate changes nothing and an older event does not undo a newer one. Only the
/// directory app's events write the directory; another app's user events, on the directory app's platform, link that
/// app's open_id to the person (by union_id, else user_id). Every event of the directory app tells the tenant key (<see cref="DirectoryTenant"/>).
/// </summary>
internal sealed partial class DirectoryEventObserver(
    DirectoryStore store,
    DirectoryService service,
    DirectorySources sources,
    PlatformPieces<IDirectoryEvents> readers,
    DirectoryTenant tenant,
    DirectoryTelemetry telemetry,
    IOptions<DirectoryOptions> options,
    TimeProvider time,
    ILogger<DirectoryEventObserver> logger) : IInboxEventObserver
{
    /// <summary>Contact events, and the directory app's events while its tenant key is still to be learned from one.</summary>
    public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(HeadOf(context) is { } head
            && (head.IsContact || (context.AppName == options.Value.AppName && head.TenantKey is { Length: > 0 } key && !tenant.Knows(key))));

    /// <summary>Applies a contact event; true for every contact event (ignoring one is handling it too).</summary>
    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (readers.Find(context.Platform.Name) is not { } reader || reader.Head(context) is not { } head)
        {
            // A platform without contact events the directory reads: its directory arrives by its own sync.
            return false;
        }

        // The first app's events tell the tenant; another app the directory reads writes to it under its own platform's ids.
        var isDirectoryApp = sources.Order.Reads(context.AppName);
        var isFirstApp = context.AppName == options.Value.AppName;
        if (isFirstApp && head.TenantKey is { Length: > 0 } learned)
        {
            await tenant.LearnAsync(learned, cancellationToken).ConfigureAwait(false);
        }

        if (!head.IsContact)
        {
            return false;
        }

        var change = DirectoryIds.Qualify(sources.Order.PrefixOf(context.AppName), reader.Change(context));
        var at = head.At ?? context.ReceivedAt;
        var tenantKey = isFirstApp && head.TenantKey is { Length: > 0 } key ? key : await tenant.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (!isDirectoryApp)
        {
            // Only an account on the directory app's own platform can be one of its people by union_id or user_id: another
            // platform's ids are another namespace (a WeCom userid "alice" is not Feishu's user_id "alice").
            var linked = change is DirectoryUserShown shown
                && await sources.PlatformOfAsync(options.Value.AppName, cancellationToken).ConfigureAwait(false) == context.Platform.Name
                && await store.LinkOtherAppAsync(context.AppName, tenantKey, shown.User, cancellationToken).ConfigureAwait(false);
            telemetry.EventApplied(head.Type, linked ? "linked" : "ignored", null);
            return true;
        }

        var write = await sources.WriteAsync(new DirectoryWrite(tenantKey, context.AppName, DirectorySource.Event, head.DedupKey ?? $"inbox_{context.InboxEventId}", at), cancellationToken)
            .ConfigureAwait(false);
        var applied = await ApplyAsync(write, change, cancellationToken).ConfigureAwait(false);
        if (applied is null)
        {
            LogIgnored(logger, context.InboxEventId, head.Type);
            telemetry.EventApplied(head.Type, "ignored", null);
            return true;
        }

        telemetry.EventApplied(head.Type, applied.Changes > 0 ? "applied" : "unchanged", time.GetUtcNow() - at);
        return true;
    }

    private async Task<DirectoryApplied?> ApplyAsync(DirectoryWrite write, DirectoryChange? change, CancellationToken cancellationToken) => change switch
    {
        DirectoryUserShown c => await store.ApplyUsersAsync(write, [c.User], cancellationToken).ConfigureAwait(false),
        DirectoryUserDeleted c => await store.ApplyDeletedUserAsync(write, c.Id, c.FormerDepartmentIds, cancellationToken).ConfigureAwait(false),
        DirectoryDepartmentShown c => await store.ApplyDepartmentsAsync(write, [c.Department], cancellationToken).ConfigureAwait(false),
        DirectoryScopeChanged c => await ScopeAsync(write.App, c, cancellationToken).ConfigureAwait(false),
        DirectoryToRead c => await ReadAgainAsync(write.App, c, cancellationToken).ConfigureAwait(false),
        DirectoryChanges c => await ApplyAllAsync(write, c, cancellationToken).ConfigureAwait(false),
        _ => null,
    };

    // Each change is idempotent on its own: when a later one fails, the retried event applies the earlier ones as no-ops.
    private async Task<DirectoryApplied?> ApplyAllAsync(DirectoryWrite write, DirectoryChanges changes, CancellationToken cancellationToken)
    {
        DirectoryApplied? total = null;
        foreach (var change in changes.Changes)
        {
            if (await ApplyAsync(write, change, cancellationToken).ConfigureAwait(false) is { } applied)
            {
                total = total is null ? applied : new DirectoryApplied(
                    total.Seen + applied.Seen, total.Created + applied.Created, total.Updated + applied.Updated, total.Deactivated + applied.Deactivated, total.Stale + applied.Stale);
            }
        }

        return total;
    }

    // The event named them without showing them: a partial resync reads them as a scope change's additions are read.
    private async Task<DirectoryApplied> ReadAgainAsync(string app, DirectoryToRead change, CancellationToken cancellationToken)
    {
        await service.StartScopeSyncAsync(change.Departments, change.Users, [], [], "contact_event", cancellationToken, app).ConfigureAwait(false);
        return DirectoryApplied.None;
    }

    private DirectoryEventHead? HeadOf(InboxEventContext context) => readers.Find(context.Platform.Name)?.Head(context);

    private async Task<DirectoryApplied> ScopeAsync(string app, DirectoryScopeChanged change, CancellationToken cancellationToken)
    {
        await service.StartScopeSyncAsync(change.AddedDepartments, change.AddedUsers, change.RemovedDepartments, change.RemovedUsers, "scope_event", cancellationToken, app).ConfigureAwait(false);
        return DirectoryApplied.None;
    }

    [LoggerMessage(EventId = LogEvents.DirectoryEventIgnored, Level = LogLevel.Information, Message = "Inbox event {EventId} ({EventType}) names no user or department the directory can use; ignored.")]
    private static partial void LogIgnored(ILogger logger, long eventId, string eventType);
}
