using System.Text.Json;
using Larkway.Hub.Apps;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The callbacks business systems receive through the webhook outbox: one per transition, typed
/// <c>larkway.approval.{name}</c>, numbered per approval so a receiver can put them in order.
/// </summary>
public static class ApprovalCallbacks
{
    /// <summary>The prefix of every approval callback type; subscribe to <c>larkway.approval.*</c> for all.</summary>
    public const string TypePrefix = "larkway.approval.";

    /// <summary>The event type of a transition named <paramref name="name"/> (<c>approved</c>, <c>task_approved</c>, …).</summary>
    public static string EventType(string name) => TypePrefix + name;

    /// <summary>The callback's id: the approval and the transition's number, the same on every retry and replay.</summary>
    public static string EventId(string approvalId, int sequence) => $"{approvalId}.{sequence}";

    /// <summary>
    /// The body posted: <c>{"id","type","created_at","app","platform","approval":{…},"transition":{…}}</c> — the same
    /// top-level fields as forwarded platform events. <paramref name="deprecatedNames"/>: the approval's platform keeps the
    /// names its clients read before (<see cref="IApprovalPlatform.KeepsDeprecatedNames"/>: <c>approval_code</c>,
    /// <c>operator.open_id</c>, <c>error.log_id</c>).
    /// </summary>
    public static byte[] Payload(ApprovalRow approval, ApprovalTransitionRow transition, bool deprecatedNames = false, string? operatorPersonId = null)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(transition);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", EventId(approval.Id, transition.Sequence));
            writer.WriteString("type", transition.EventType);
            writer.WriteString("created_at", transition.At.ToUniversalTime());
            var platform = HubAppPlatform.Of(approval.Platform);
            writer.WriteString("app", HubAppService.NameOnWire(approval.App));
            writer.WriteString("platform", platform);
            writer.WriteStartObject("approval");
            writer.WriteString("id", approval.Id);
            writer.WriteString("platform", platform);
            writer.WriteString("reference", approval.Reference);
            writer.WriteString("definition", approval.Definition);
            if (deprecatedNames)
            {
                writer.WriteString("approval_code", approval.Definition);
            }

            writer.WriteString("instance_code", approval.InstanceCode);
            writer.WriteString("status", transition.Status);
            writer.WriteNumber("sequence", transition.Sequence);
            if (approval.NotificationId is { } notificationId)
            {
                // Opened from a notification card (payment.pending → Request approval): the business system's own notification.
                writer.WriteString("notification_id", notificationId);
            }

            if (ApprovalWire.Failure(approval) is { } error)
            {
                // One shape for every platform's failure; log_id is deprecated (the same as request_id).
                writer.WriteStartObject("error");
                writer.WriteString("platform", error.Platform);
                writer.WritePropertyName("code");
                error.Code.WriteTo(writer);
                writer.WriteString("message", error.Message);
                writer.WriteString("request_id", error.RequestId);
                if (deprecatedNames)
                {
                    writer.WriteString("log_id", error.RequestId);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WritePropertyName("transition");
            WriteTransition(writer, transition, platform, deprecatedNames, operatorPersonId);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A transition as the API and the callbacks show it.</summary>
    internal static void WriteTransition(Utf8JsonWriter writer, ApprovalTransitionRow t, string platform, bool deprecatedNames, string? operatorPersonId = null)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", t.Sequence);
        writer.WriteString("type", t.EventType);
        writer.WriteString("status", t.Status);
        if (t.TaskId is not null)
        {
            writer.WriteStartObject("task");
            writer.WriteString("id", t.TaskId);
            writer.WriteString("status", t.TaskStatus?.ToLowerInvariant());
            writer.WriteString("node_name", t.NodeName);
            writer.WriteEndObject();
        }

        if (t.OperatorUserId is not null)
        {
            writer.WriteStartObject("operator");
            writer.WriteString("platform", platform);
            writer.WriteString("user_id", t.OperatorUserId);
            if (operatorPersonId is not null)
            {
                writer.WriteString("person_id", operatorPersonId);
            }

            if (deprecatedNames)
            {
                writer.WriteString("open_id", t.OperatorUserId);
            }

            writer.WriteEndObject();
        }

        if (t.Comment is not null)
        {
            writer.WriteString("comment", t.Comment);
        }

        writer.WriteString("source", t.Source);
        writer.WriteString("at", t.At.ToUniversalTime());
        writer.WriteEndObject();
    }
}
