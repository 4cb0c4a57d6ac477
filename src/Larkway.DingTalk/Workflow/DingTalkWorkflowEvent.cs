using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Workflow;

/// <summary>
/// A workflow event: <c>bpms_instance_change</c> (an approval started, finished or was terminated) or
/// <c>bpms_task_change</c> (an approver's task started, finished or was canceled). The same fields arrive as a Stream
/// EVENT's data (<see cref="Stream.DingTalkStreamMessage.ReadWorkflowEvent"/>) and in an HTTP callback's decrypted
/// body (which adds <c>EventType</c>); read the latter with <see cref="Parse"/>.
/// </summary>
public sealed record DingTalkWorkflowEvent
{
    /// <summary>The instance event type.</summary>
    public const string InstanceChange = "bpms_instance_change";

    /// <summary>The task event type.</summary>
    public const string TaskChange = "bpms_task_change";

    /// <summary><c>bpms_instance_change</c> or <c>bpms_task_change</c>: from the Stream header, or the callback's <c>EventType</c>.</summary>
    [JsonPropertyName("EventType")]
    public string? EventType { get; init; }

    /// <summary>The approval.</summary>
    [JsonPropertyName("processInstanceId")]
    public string ProcessInstanceId { get; init; } = "";

    /// <summary>Its template.</summary>
    [JsonPropertyName("processCode")]
    public string? ProcessCode { get; init; }

    /// <summary>The organisation.</summary>
    [JsonPropertyName("corpId")]
    public string? CorpId { get; init; }

    /// <summary>Instance: <c>start</c>, <c>finish</c>, <c>terminate</c>. Task: <c>start</c>, <c>finish</c>, <c>cancel</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    /// <summary>On finish: <c>agree</c> or <c>refuse</c> (a task may also say <c>redirect</c>).</summary>
    [JsonPropertyName("result")]
    public string? Result { get; init; }

    /// <summary>Instance events: the originator; task events: the approver.</summary>
    [JsonPropertyName("staffId")]
    public string? StaffId { get; init; }

    /// <summary>The approval's title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The approver's remark on a finished task.</summary>
    [JsonPropertyName("remark")]
    public string? Remark { get; init; }

    /// <summary>A task event's task (the id to execute it by), when DingTalk names it.</summary>
    [JsonPropertyName("taskId")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? TaskId { get; init; }

    /// <summary>A task event's approval node, when DingTalk names it.</summary>
    [JsonPropertyName("activityId")]
    public string? ActivityId { get; init; }

    /// <summary>The approval's page in DingTalk.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>When it (the instance or the task) began, Unix milliseconds.</summary>
    [JsonPropertyName("createTime")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? CreateTime { get; init; }

    /// <summary>When it ended, Unix milliseconds; null for a start.</summary>
    [JsonPropertyName("finishTime")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? FinishTime { get; init; }

    /// <summary>True for <c>bpms_instance_change</c>.</summary>
    [JsonIgnore]
    public bool IsInstanceChange => EventType == InstanceChange;

    /// <summary>Reads an event's JSON; <paramref name="eventType"/> (a Stream frame's header) fills <see cref="EventType"/> when the JSON has none.</summary>
    /// <exception cref="JsonException">The JSON is not a workflow event (no processInstanceId or type).</exception>
    public static DingTalkWorkflowEvent Parse(string json, string? eventType = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parsed = JsonSerializer.Deserialize(json, WorkflowJson.Default.DingTalkWorkflowEvent) ?? throw new JsonException("The workflow event is null.");
        // Source-generated reads leave an absent init-only property null, whatever its initializer says.
        if (string.IsNullOrEmpty(parsed.ProcessInstanceId) || string.IsNullOrEmpty(parsed.Type))
        {
            throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"A workflow event needs processInstanceId and type; this one has {(string.IsNullOrEmpty(parsed.ProcessInstanceId) ? "no processInstanceId" : "no type")}."));
        }

        return parsed.EventType is null && eventType is not null ? parsed with { EventType = eventType } : parsed;
    }
}
