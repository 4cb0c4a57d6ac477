using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.DingTalk.Http;

namespace Larkway.DingTalk.WorkNotifications;

/// <summary>
/// Work notifications (old API, <c>topapi/message/corpconversation</c>): send asynchronously as the app (its
/// <see cref="DingTalkAppOptions.AgentId"/>), then ask for the sending's progress and its result per user. DingTalk
/// delivers the same content to the same user once a day; sending it again is accepted and dropped.
/// </summary>
public class DingTalkWorkNotificationsClient
{
    private const string SendPath = "/topapi/message/corpconversation/asyncsend_v2";
    private const string ProgressPath = "/topapi/message/corpconversation/getsendprogress";
    private const string ResultPath = "/topapi/message/corpconversation/getsendresult";

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkWorkNotificationsClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkWorkNotificationsClient()
    {
    }

    /// <summary>Starts sending <paramref name="notification"/>; returns the task id to follow it by.</summary>
    public virtual async Task<long> SendAsync(DingTalkWorkNotificationRecipients recipients, DingTalkWorkNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(notification);
        recipients.ThrowIfInvalid();
        var agentId = AgentId();
        var json = Write(w =>
        {
            w.WriteNumber("agent_id", agentId);
            if (recipients.UserIds.Count > 0)
            {
                w.WriteString("userid_list", string.Join(',', recipients.UserIds));
            }

            if (recipients.DepartmentIds.Count > 0)
            {
                w.WriteString("dept_id_list", string.Join(',', recipients.DepartmentIds));
            }

            w.WriteBoolean("to_all_user", recipients.Everyone);
            notification.Write(w);
        });

        // Not safe to repeat after a timeout; DingTalk's once-a-day rule would drop a duplicate anyway, but a different task id would confuse callers.
        var answer = await _pipeline.SendAsync(new DingTalkRequest(HttpMethod.Post, DingTalkHost.Oapi, SendPath, SendPath) { Json = json },
            WorkJson.Default.SendAnswer, cancellationToken).ConfigureAwait(false);
        return answer.TaskId is > 0 and var id ? id : throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {SendPath} has no task_id.");
    }

    /// <summary>How far the sending of <paramref name="taskId"/> has got.</summary>
    public virtual async Task<DingTalkWorkNotificationProgress> GetProgressAsync(long taskId, CancellationToken cancellationToken = default)
    {
        var answer = await _pipeline.SendAsync(Query(ProgressPath, taskId), WorkJson.Default.ProgressAnswer, cancellationToken).ConfigureAwait(false);
        var progress = answer.Progress ?? throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {ProgressPath} has no progress.");
        return new DingTalkWorkNotificationProgress(progress.Percent, progress.Status switch { 0 => "pending", 1 => "sending", 2 => "done", var other => other.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Who got the notification of <paramref name="taskId"/>, who read it, and who could not get it and why.</summary>
    public virtual async Task<DingTalkWorkNotificationResult> GetResultAsync(long taskId, CancellationToken cancellationToken = default)
    {
        var answer = await _pipeline.SendAsync(Query(ResultPath, taskId), WorkJson.Default.ResultAnswer, cancellationToken).ConfigureAwait(false);
        var result = answer.SendResult ?? new SendResultWire(null, null, null, null, null, null);
        return new DingTalkWorkNotificationResult(result.Read ?? [], result.Unread ?? [], result.Invalid ?? [], result.Forbidden ?? [], result.Failed ?? [], result.InvalidDepartments ?? []);
    }

    private DingTalkRequest Query(string path, long taskId)
    {
        var agentId = AgentId();
        return new DingTalkRequest(HttpMethod.Post, DingTalkHost.Oapi, path, path)
        {
            Json = Write(w =>
            {
                w.WriteNumber("agent_id", agentId);
                w.WriteNumber("task_id", taskId);
            }),
            Idempotent = true,
        };
    }

    private long AgentId() => _pipeline.Options.AgentId is { } id and > 0 ? id
        : throw new DingTalkApiException(DingTalkErrorCodes.InvalidRequest, "Work notifications need DingTalkAppOptions.AgentId (the app's AgentId on its basic information page).");

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>A work notification's sending progress: percent done and <c>pending</c> / <c>sending</c> / <c>done</c>.</summary>
public sealed record DingTalkWorkNotificationProgress(int Percent, string Status);

/// <summary>A work notification's result per user.</summary>
public sealed record DingTalkWorkNotificationResult(
    IReadOnlyList<string> Read,
    IReadOnlyList<string> Unread,
    IReadOnlyList<string> InvalidUserIds,
    IReadOnlyList<string> Forbidden,
    IReadOnlyList<string> Failed,
    IReadOnlyList<long> InvalidDepartmentIds);

internal sealed record SendAnswer([property: JsonPropertyName("task_id")] long? TaskId);

internal sealed record ProgressWire([property: JsonPropertyName("progress_in_percent")] int Percent, [property: JsonPropertyName("status")] int Status);

internal sealed record ProgressAnswer([property: JsonPropertyName("progress")] ProgressWire? Progress);

internal sealed record SendResultWire(
    [property: JsonPropertyName("read_user_id_list")] IReadOnlyList<string>? Read,
    [property: JsonPropertyName("unread_user_id_list")] IReadOnlyList<string>? Unread,
    [property: JsonPropertyName("invalid_user_id_list")] IReadOnlyList<string>? Invalid,
    [property: JsonPropertyName("forbidden_user_id_list")] IReadOnlyList<string>? Forbidden,
    [property: JsonPropertyName("failed_user_id_list")] IReadOnlyList<string>? Failed,
    [property: JsonPropertyName("invalid_dept_id_list")] IReadOnlyList<long>? InvalidDepartments);

internal sealed record ResultAnswer([property: JsonPropertyName("send_result")] SendResultWire? SendResult);

[JsonSerializable(typeof(SendAnswer))]
[JsonSerializable(typeof(ProgressAnswer))]
[JsonSerializable(typeof(ResultAnswer))]
internal sealed partial class WorkJson : JsonSerializerContext;
