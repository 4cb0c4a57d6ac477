using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Users;

internal sealed record UserGetRequest([property: JsonPropertyName("userid")] string UserId, [property: JsonPropertyName("language")] string Language);

internal sealed record UserByMobileRequest([property: JsonPropertyName("mobile")] string Mobile);

internal sealed record UserByUnionIdRequest([property: JsonPropertyName("unionid")] string UnionId);

internal sealed record UserListRequest(
    [property: JsonPropertyName("dept_id")] long DepartmentId,
    [property: JsonPropertyName("cursor")] long Cursor,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("language")] string Language);

/// <summary>The old API's success shape: <c>{"errcode":0,"result":{…}}</c>.</summary>
internal sealed record OldApiResult<T>([property: JsonPropertyName("result")] T? Result);

internal sealed record UserIdResult([property: JsonPropertyName("userid")] string? UserId);

internal sealed record UserListResult(
    [property: JsonPropertyName("has_more")] bool HasMore,
    [property: JsonPropertyName("next_cursor")] long? NextCursor,
    [property: JsonPropertyName("list")] IReadOnlyList<DingTalkUser>? List);
