using System.Runtime.CompilerServices;
using System.Text.Json;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;
using Larkway.WeCom.Messages;

namespace Larkway.WeCom.Users;

/// <summary>The corp's members (<c>/cgi-bin/user/*</c>), within the app's visible range.</summary>
public class WeComUsersClient
{
    internal const string GetPath = "/cgi-bin/user/get";
    internal const string ByMobilePath = "/cgi-bin/user/getuserid";
    internal const string ByEmailPath = "/cgi-bin/user/get_userid_by_email";
    internal const string SimpleListPath = "/cgi-bin/user/simplelist";
    internal const string ListIdPath = "/cgi-bin/user/list_id";
    internal const string ListPath = "/cgi-bin/user/list";

    private readonly WeComPipeline _pipeline = null!;

    internal WeComUsersClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComUsersClient()
    {
    }

    /// <summary>A member by userid.</summary>
    /// <exception cref="WeComApiException">Unknown or outside the app's visible range (60111), or another refusal.</exception>
    public virtual Task<WeComUser> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{GetPath}?userid={Uri.EscapeDataString(userId)}", GetPath) { Idempotent = true },
            WeComJsonContext.Default.WeComUser,
            cancellationToken);
    }

    /// <summary>The userid of the member with this mobile number; null when there is none (46004).</summary>
    public virtual async Task<string?> GetUserIdByMobileAsync(string mobile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(mobile);
        return await LookUpAsync(ByMobilePath, JsonSerializer.SerializeToUtf8Bytes(new MobileRequest(mobile), WeComJsonContext.Default.MobileRequest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The userid of the member with this email; null when there is none (46004).</summary>
    /// <param name="email">The email.</param>
    /// <param name="corpEmail">True for the corp's own mail (email_type 1, the default), false for a personal email (2).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<string?> GetUserIdByEmailAsync(string email, bool corpEmail = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(email);
        return await LookUpAsync(ByEmailPath, JsonSerializer.SerializeToUtf8Bytes(new EmailRequest(email, corpEmail ? 1 : 2), WeComJsonContext.Default.EmailRequest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The members of a department (<c>user/simplelist</c>: userid, name, departments).</summary>
    public virtual async Task<IReadOnlyList<WeComUserBrief>> ListDepartmentMembersAsync(long departmentId, CancellationToken cancellationToken = default)
    {
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{SimpleListPath}?department_id={departmentId.ToString(System.Globalization.CultureInfo.InvariantCulture)}", SimpleListPath) { Idempotent = true },
            WeComJsonContext.Default.SimpleListAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.UserList ?? [];
    }

    /// <summary>
    /// The direct members of a department with their details (<c>user/list</c>), in one call: WeCom neither pages nor
    /// recurses it (read each sub-department in turn). Apps created after 2022-06-20 get no avatar, gender, mobile, email
    /// or biz_mail here without the member's own consent: those fields come back empty or absent.
    /// </summary>
    /// <exception cref="WeComApiException">Outside the app's visible range (60011), an unknown department, or another refusal.</exception>
    public virtual async Task<IReadOnlyList<WeComUser>> ListDepartmentMembersDetailedAsync(long departmentId, CancellationToken cancellationToken = default)
    {
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{ListPath}?department_id={departmentId.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ListPath) { Idempotent = true },
            WeComJsonContext.Default.UserListAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.UserList ?? [];
    }

    /// <summary>
    /// Every member–department pair of the corp (<c>user/list_id</c>, paged by cursor), lazily; needs the contacts-sync
    /// secret. A member in several departments appears once per department.
    /// </summary>
    /// <param name="pageSize">Pairs per page, 1–10,000.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public virtual async IAsyncEnumerable<WeComDepartmentUser> ListIdsAsync(int pageSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in ListIdPagesAsync(null, pageSize, cancellationToken).ConfigureAwait(false))
        {
            foreach (var pair in page.Items)
            {
                yield return pair;
            }
        }
    }

    /// <summary>The pages of <see cref="ListIdsAsync"/>, each with the cursor of the next, from <paramref name="cursor"/> (null for the first).</summary>
    public virtual async IAsyncEnumerable<WeComPage<WeComDepartmentUser>> ListIdPagesAsync(string? cursor = null, int pageSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (pageSize is < 1 or > 10000)
        {
            throw Limits.Invalid($"user/list_id's limit is 1 to 10,000, not {pageSize}.");
        }

        do
        {
            var answer = await _pipeline.SendAsync(
                new WeComRequest(HttpMethod.Post, ListIdPath, ListIdPath)
                {
                    Json = JsonSerializer.SerializeToUtf8Bytes(new ListIdRequest(string.IsNullOrEmpty(cursor) ? null : cursor, pageSize), WeComJsonContext.Default.ListIdRequest),
                    Idempotent = true,
                },
                WeComJsonContext.Default.ListIdAnswer,
                cancellationToken).ConfigureAwait(false);
            cursor = string.IsNullOrEmpty(answer.NextCursor) ? null : answer.NextCursor;
            yield return new WeComPage<WeComDepartmentUser>(answer.DeptUser ?? [], cursor);
        }
        while (cursor is not null);
    }

    private async Task<string?> LookUpAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await _pipeline.SendAsync(
                new WeComRequest(HttpMethod.Post, path, path) { Json = body, Idempotent = true },
                WeComJsonContext.Default.UserIdAnswer,
                cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(answer.UserId) ? null : answer.UserId;
        }
        catch (WeComApiException ex) when (ex.Code is "46004" or WeComErrorCodes.UserNotFound)
        {
            return null;
        }
    }
}

/// <summary>A page of a listing and the cursor of the next (null on the last).</summary>
public sealed record WeComPage<T>(IReadOnlyList<T> Items, string? NextCursor);
