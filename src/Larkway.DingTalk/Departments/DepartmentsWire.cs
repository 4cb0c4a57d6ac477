using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Departments;

internal sealed record DepartmentRequest(
    [property: JsonPropertyName("dept_id")] long DepartmentId,
    [property: JsonPropertyName("language")] string? Language);

internal sealed record SubDepartmentIdsResult([property: JsonPropertyName("dept_id_list")] IReadOnlyList<long>? DepartmentIds);

/// <summary><c>/auth/scopes</c> answers at the top level, not inside <c>result</c>.</summary>
internal sealed record AuthScopesAnswer(
    [property: JsonPropertyName("auth_user_field")] IReadOnlyList<string>? UserFields,
    [property: JsonPropertyName("auth_org_scopes")] AuthOrgScopes? OrgScopes);

internal sealed record AuthOrgScopes(
    [property: JsonPropertyName("authed_dept")] IReadOnlyList<long>? Departments,
    [property: JsonPropertyName("authed_user")] IReadOnlyList<string>? Users);
