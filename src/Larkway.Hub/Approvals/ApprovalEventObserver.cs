using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The approval events of every platform (each piece's <see cref="IApprovalPlatform.EventTypes"/>) from the inbox, taken
/// as hints: the instance an event names is read from its platform and that snapshot applied, so duplicates and events out
/// of order change nothing twice and undo nothing. Instances the Hub did not create are ignored. A failed read fails the
/// inbox event, which is retried; a refusal is left to reconciliation.
/// </summary>
internal sealed partial class ApprovalEventObserver(ApprovalStore store, ApprovalBridge bridge, ApprovalPlatforms platforms, ILogger<ApprovalEventObserver> logger) : IInboxEventObserver
{
    /// <summary>Applies the instance an approval event names; true for every approval event (ignoring one is handling it too).</summary>
    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (platforms.Find(context.Platform.Name) is not { } piece || !piece.EventTypes.Contains(context.EventType))
        {
            return false;
        }

        var app = context.AppName.Length == 0 ? null : context.AppName;
        if (piece.InstanceOf(context.EventType, context.Event) is not { } instance
            || await store.FindByInstanceAsync(app, instance, cancellationToken).ConfigureAwait(false) is not { } approval)
        {
            return true;
        }

        try
        {
            await bridge.SyncAsync(approval, ApprovalBridge.FromEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (piece.Failure(ex) is { Transient: false } refused)
        {
            // Retrying the event would get the same answer; reconciliation reads the instance again later.
            LogReadRefused(logger, approval.Id, refused.Failure.CodeText);
        }

        return true;
    }

    /// <summary>Approval events only.</summary>
    public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context is not null && platforms.Find(context.Platform.Name) is { } piece && piece.EventTypes.Contains(context.EventType));

    [LoggerMessage(EventId = LogEvents.ApprovalEventObserverReadRefused, Level = LogLevel.Warning, Message = "An event named the instance of approval {ApprovalId}, but its platform refused to return it (code {Code}); reconciliation tries again later.")]
    private static partial void LogReadRefused(ILogger logger, string approvalId, string code);
}
