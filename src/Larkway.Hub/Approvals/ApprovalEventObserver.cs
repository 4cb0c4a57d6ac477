using System.Text.Json;
using Larkway.Feishu;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Approval events (<c>approval_instance</c>, <c>approval_task</c>) from the inbox, taken as hints: the instance they
/// name is read from Feishu and that snapshot applied, so duplicates and events out of order change nothing twice and
/// undo nothing. Instances the Hub did not create are ignored. A failed read fails the inbox event, which is retried.
/// </summary>
internal sealed partial class ApprovalEventObserver(ApprovalStore store, ApprovalBridge bridge, ILogger<ApprovalEventObserver> logger) : IInboxEventObserver
{
    /// <summary>The event types handled.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(["approval_instance", "approval_task"], StringComparer.Ordinal);

    /// <summary>Applies the instance an approval event names; true for every approval event (ignoring one is handling it too).</summary>
    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!EventTypes.Contains(context.EventType))
        {
            return false;
        }

        var app = context.AppName.Length == 0 ? null : context.AppName;
        if (InstanceCode(context.Event) is not { } code
            || await store.FindByInstanceAsync(app, code, cancellationToken).ConfigureAwait(false) is not { } approval)
        {
            return true;
        }

        try
        {
            await bridge.SyncAsync(approval, ApprovalBridge.FromEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (!ex.IsTransient)
        {
            // Retrying the event would get the same answer; reconciliation reads the instance again later.
            LogReadRefused(logger, approval.Id, ex.Code);
        }

        return true;
    }

    /// <summary>Approval events only.</summary>
    public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EventTypes.Contains(context.EventType));

    private static string? InstanceCode(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("instance_code", out var code) && code.ValueKind == JsonValueKind.String
            && code.GetString() is { Length: > 0 } text ? text : null;

    [LoggerMessage(EventId = LogEvents.ApprovalEventObserverReadRefused, Level = LogLevel.Warning, Message = "An event named the instance of approval {ApprovalId}, but Feishu refused to return it (code {Code}); reconciliation tries again later.")]
    private static partial void LogReadRefused(ILogger logger, string approvalId, int code);
}
