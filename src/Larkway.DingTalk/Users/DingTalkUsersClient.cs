using System.Runtime.CompilerServices;
using System.Text.Json;
using Larkway.DingTalk.Http;
using Larkway.DingTalk.Json;

namespace Larkway.DingTalk.Users;

/// <summary>The organisation's members (old API, <c>topapi</c>; permission <c>qyapi_get_member</c> and its relatives).</summary>
public class DingTalkUsersClient
{
    /// <summary>DingTalk's page size limit for <c>topapi/v2/user/list</c>.</summary>
    public const int MaxPageSize = 100;

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkUsersClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkUsersClient()
    {
    }

    /// <summary>A user by user id (<c>POST /topapi/v2/user/get</c>); DingTalk answers 60121 for an unknown one.</summary>
    public virtual async Task<DingTalkUser> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var result = await SendAsync("/topapi/v2/user/get", JsonSerializer.SerializeToUtf8Bytes(new UserGetRequest(userId, "zh_CN"), DingTalkJsonContext.Default.UserGetRequest),
            DingTalkJsonContext.Default.OldApiResultDingTalkUser, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The user id of the member with <paramref name="mobile"/> (<c>POST /topapi/v2/user/getbymobile</c>).</summary>
    public virtual async Task<string> GetUserIdByMobileAsync(string mobile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mobile);
        var result = await SendAsync("/topapi/v2/user/getbymobile", JsonSerializer.SerializeToUtf8Bytes(new UserByMobileRequest(mobile), DingTalkJsonContext.Default.UserByMobileRequest),
            DingTalkJsonContext.Default.OldApiResultUserIdResult, cancellationToken).ConfigureAwait(false);
        return result.UserId ?? throw Malformed("/topapi/v2/user/getbymobile", "result.userid");
    }

    /// <summary>The user id of the member with <paramref name="unionId"/> (<c>POST /topapi/user/getbyunionid</c>).</summary>
    public virtual async Task<string> GetUserIdByUnionIdAsync(string unionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unionId);
        var result = await SendAsync("/topapi/user/getbyunionid", JsonSerializer.SerializeToUtf8Bytes(new UserByUnionIdRequest(unionId), DingTalkJsonContext.Default.UserByUnionIdRequest),
            DingTalkJsonContext.Default.OldApiResultUserIdResult, cancellationToken).ConfigureAwait(false);
        return result.UserId ?? throw Malformed("/topapi/user/getbyunionid", "result.userid");
    }

    /// <summary>One page of a department's direct members (<c>POST /topapi/v2/user/list</c>), from <paramref name="cursor"/> (0 first).</summary>
    public virtual async Task<DingTalkUserPage> ListDepartmentMembersAsync(long departmentId, long cursor = 0, int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        var result = await SendAsync("/topapi/v2/user/list",
            JsonSerializer.SerializeToUtf8Bytes(new UserListRequest(departmentId, cursor, pageSize, "zh_CN"), DingTalkJsonContext.Default.UserListRequest),
            DingTalkJsonContext.Default.OldApiResultUserListResult, cancellationToken).ConfigureAwait(false);
        return new DingTalkUserPage(result.List ?? [], result.HasMore, result.HasMore ? result.NextCursor : null);
    }

    /// <summary>Every direct member of a department, page after page.</summary>
    public virtual async IAsyncEnumerable<DingTalkUser> ListAllDepartmentMembersAsync(long departmentId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long cursor = 0;
        while (true)
        {
            var page = await ListDepartmentMembersAsync(departmentId, cursor, MaxPageSize, cancellationToken).ConfigureAwait(false);
            foreach (var user in page.Users)
            {
                yield return user;
            }

            if (page.NextCursor is not { } next || next == cursor)
            {
                yield break;
            }

            cursor = next;
        }
    }

    private async Task<T> SendAsync<T>(string path, byte[] json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<OldApiResult<T>> info, CancellationToken cancellationToken)
        where T : class
    {
        // Reads: safe to send again after a timeout or 5xx.
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Oapi, path, path) { Json = json, Idempotent = true };
        var answer = await _pipeline.SendAsync(request, info, cancellationToken).ConfigureAwait(false);
        return answer.Result ?? throw Malformed(path, "result");
    }

    private static DingTalkApiException Malformed(string path, string field) =>
        new(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {path} has no {field}.");
}
