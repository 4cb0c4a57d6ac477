using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Robots;

internal sealed record BatchSendRequest(
    [property: JsonPropertyName("robotCode")] string RobotCode,
    [property: JsonPropertyName("userIds")] IReadOnlyList<string> UserIds,
    [property: JsonPropertyName("msgKey")] string MsgKey,
    [property: JsonPropertyName("msgParam")] string MsgParam);

internal sealed record BatchSendAnswer(
    [property: JsonPropertyName("processQueryKey")] string? ProcessQueryKey,
    [property: JsonPropertyName("invalidStaffIdList")] IReadOnlyList<string>? InvalidStaffIdList,
    [property: JsonPropertyName("flowControlledStaffIdList")] IReadOnlyList<string>? FlowControlledStaffIdList);

internal sealed record GroupSendRequest(
    [property: JsonPropertyName("robotCode")] string RobotCode,
    [property: JsonPropertyName("openConversationId")] string OpenConversationId,
    [property: JsonPropertyName("msgKey")] string MsgKey,
    [property: JsonPropertyName("msgParam")] string MsgParam,
    [property: JsonPropertyName("coolAppCode")] string? CoolAppCode);

internal sealed record GroupSendAnswer([property: JsonPropertyName("processQueryKey")] string? ProcessQueryKey);

internal sealed record BatchRecallRequest(
    [property: JsonPropertyName("robotCode")] string RobotCode,
    [property: JsonPropertyName("processQueryKeys")] IReadOnlyList<string> ProcessQueryKeys);

internal sealed record GroupRecallRequest(
    [property: JsonPropertyName("robotCode")] string RobotCode,
    [property: JsonPropertyName("openConversationId")] string OpenConversationId,
    [property: JsonPropertyName("processQueryKeys")] IReadOnlyList<string> ProcessQueryKeys);

internal sealed record RecallAnswer(
    [property: JsonPropertyName("successResult")] IReadOnlyList<string>? SuccessResult,
    [property: JsonPropertyName("failedResult")] IReadOnlyDictionary<string, string>? FailedResult);

internal sealed record MessageFileDownloadRequest(
    [property: JsonPropertyName("downloadCode")] string DownloadCode,
    [property: JsonPropertyName("robotCode")] string RobotCode);

internal sealed record MessageFileDownloadAnswer([property: JsonPropertyName("downloadUrl")] string? DownloadUrl);
