using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Larkway.DingTalk.Http;
using Larkway.DingTalk.Json;
using Larkway.DingTalk.Users;

namespace Larkway.DingTalk.Departments;

/// <summary>
/// The organisation's departments (old API, <c>topapi/v2/department</c>; permission <c>qyapi_get_department_list</c>)
/// and the app's contact scope. Each read shows one level: a whole tree is a walk, one call per department. DingTalk
/// answers 60003 for an unknown department and 50004 for one outside the app's contact scope.
/// </summary>
public class DingTalkDepartmentsClient
{
    /// <summary>DingTalk's root department.</summary>
    public const long RootId = 1;

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkDepartmentsClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkDepartmentsClient()
    {
    }

    /// <summary>The direct sub-departments of <paramref name="departmentId"/> (<c>POST /topapi/v2/department/listsub</c>), their base fields.</summary>
    public virtual async Task<IReadOnlyList<DingTalkDepartment>> ListSubAsync(long departmentId = RootId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(departmentId, RootId);
        return await SendAsync("/topapi/v2/department/listsub", new DepartmentRequest(departmentId, "zh_CN"),
            DingTalkJsonContext.Default.OldApiResultIReadOnlyListDingTalkDepartment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ids of the direct sub-departments of <paramref name="departmentId"/> (<c>POST /topapi/v2/department/listsubid</c>).</summary>
    public virtual async Task<IReadOnlyList<long>> ListSubIdsAsync(long departmentId = RootId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(departmentId, RootId);
        var result = await SendAsync("/topapi/v2/department/listsubid", new DepartmentRequest(departmentId, null),
            DingTalkJsonContext.Default.OldApiResultSubDepartmentIdsResult, cancellationToken).ConfigureAwait(false);
        return result.DepartmentIds ?? [];
    }

    /// <summary>One department with all its fields (<c>POST /topapi/v2/department/get</c>).</summary>
    public virtual async Task<DingTalkDepartment> GetAsync(long departmentId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(departmentId, RootId);
        return await SendAsync("/topapi/v2/department/get", new DepartmentRequest(departmentId, "zh_CN"),
            DingTalkJsonContext.Default.OldApiResultDingTalkDepartment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The app's contact scope (<c>GET /auth/scopes</c>): the departments and people it may read, and which user fields.</summary>
    public virtual async Task<DingTalkContactScope> GetContactScopeAsync(CancellationToken cancellationToken = default)
    {
        var request = new DingTalkRequest(HttpMethod.Get, DingTalkHost.Oapi, "/auth/scopes", "/auth/scopes") { Idempotent = true };
        var answer = await _pipeline.SendAsync(request, DingTalkJsonContext.Default.AuthScopesAnswer, cancellationToken).ConfigureAwait(false);
        var scopes = answer.OrgScopes ?? throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, "The answer of GET /auth/scopes has no auth_org_scopes.");
        return new DingTalkContactScope(scopes.Departments ?? [], scopes.Users ?? [], answer.UserFields ?? []);
    }

    private async Task<T> SendAsync<T>(string path, DepartmentRequest body, JsonTypeInfo<OldApiResult<T>> info, CancellationToken cancellationToken)
        where T : class
    {
        // Reads: safe to send again after a timeout or 5xx.
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Oapi, path, path)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, DingTalkJsonContext.Default.DepartmentRequest),
            Idempotent = true,
        };
        var answer = await _pipeline.SendAsync(request, info, cancellationToken).ConfigureAwait(false);
        return answer.Result ?? throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {path} has no result.");
    }
}
