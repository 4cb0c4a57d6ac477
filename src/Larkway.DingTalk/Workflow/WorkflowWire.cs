using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Workflow;

internal sealed record StartAnswer([property: JsonPropertyName("instanceId")] string? InstanceId);

internal sealed record InstanceAnswer([property: JsonPropertyName("result")] DingTalkProcessInstance? Result);

internal sealed record ExecuteRequest(
    [property: JsonPropertyName("processInstanceId")] string ProcessInstanceId,
    [property: JsonPropertyName("taskId")] long TaskId,
    [property: JsonPropertyName("actionerUserId")] string ActionerUserId,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("remark")] string? Remark);

internal sealed record TerminateRequest(
    [property: JsonPropertyName("processInstanceId")] string ProcessInstanceId,
    [property: JsonPropertyName("isSystem")] bool IsSystem,
    [property: JsonPropertyName("operatingUserId")] string? OperatingUserId,
    [property: JsonPropertyName("remark")] string? Remark);

internal sealed record CommentRequest(
    [property: JsonPropertyName("processInstanceId")] string ProcessInstanceId,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("commentUserId")] string CommentUserId);

internal sealed record BoolAnswer([property: JsonPropertyName("result")] bool? Result);

internal sealed record ListIdsRequest(
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("startTime")] long StartTime,
    [property: JsonPropertyName("endTime")] long? EndTime,
    [property: JsonPropertyName("nextToken")] long? NextToken,
    [property: JsonPropertyName("maxResults")] int MaxResults);

internal sealed record ListIdsAnswer([property: JsonPropertyName("result")] ListIdsResult? Result);

internal sealed record ListIdsResult(
    [property: JsonPropertyName("list")] IReadOnlyList<string>? List,
    [property: JsonPropertyName("nextToken")] string? NextToken);

internal sealed record SchemaAnswer([property: JsonPropertyName("result")] SchemaResult? Result);

internal sealed record SchemaResult(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("formCode")] string? FormCode,
    [property: JsonPropertyName("schemaContent")] SchemaContent? SchemaContent);

internal sealed record SchemaContent([property: JsonPropertyName("items")] IReadOnlyList<SchemaItem>? Items);

internal sealed record SchemaItem(
    [property: JsonPropertyName("componentName")] string? ComponentName,
    [property: JsonPropertyName("props")] SchemaProps? Props,
    [property: JsonPropertyName("children")] IReadOnlyList<SchemaItem>? Children);

internal sealed record SchemaProps(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("label")] JsonElement Label,
    [property: JsonPropertyName("required")] bool? Required,
    [property: JsonPropertyName("options")] IReadOnlyList<SchemaOption>? Options);

/// <summary>A select control's option: <c>key</c> its id, <c>value</c> its text.</summary>
internal sealed record SchemaOption(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("value")] string? Value);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DingTalkProcessStart))]
[JsonSerializable(typeof(StartAnswer))]
[JsonSerializable(typeof(InstanceAnswer))]
[JsonSerializable(typeof(ExecuteRequest))]
[JsonSerializable(typeof(TerminateRequest))]
[JsonSerializable(typeof(CommentRequest))]
[JsonSerializable(typeof(BoolAnswer))]
[JsonSerializable(typeof(ListIdsRequest))]
[JsonSerializable(typeof(ListIdsAnswer))]
[JsonSerializable(typeof(SchemaAnswer))]
[JsonSerializable(typeof(DingTalkWorkflowEvent))]
internal sealed partial class WorkflowJson : JsonSerializerContext;
