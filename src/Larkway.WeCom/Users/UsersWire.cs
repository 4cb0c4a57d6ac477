using System.Text.Json.Serialization;

namespace Larkway.WeCom.Users;

internal sealed record MobileRequest([property: JsonPropertyName("mobile")] string Mobile);

internal sealed record EmailRequest([property: JsonPropertyName("email")] string Email, [property: JsonPropertyName("email_type")] int EmailType);

internal sealed record UserIdAnswer([property: JsonPropertyName("userid")] string? UserId);

internal sealed record SimpleListAnswer([property: JsonPropertyName("userlist")] IReadOnlyList<WeComUserBrief>? UserList);

internal sealed record ListIdRequest([property: JsonPropertyName("cursor")] string? Cursor, [property: JsonPropertyName("limit")] int Limit);

internal sealed record ListIdAnswer(
    [property: JsonPropertyName("next_cursor")] string? NextCursor,
    [property: JsonPropertyName("dept_user")] IReadOnlyList<WeComDepartmentUser>? DeptUser);

internal sealed record UserListAnswer([property: JsonPropertyName("userlist")] IReadOnlyList<WeComUser>? UserList);
