using Larkway.Feishu.Http;
using Larkway.Feishu.Im;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Contact;

/// <summary>Directory users (<c>/open-apis/contact/v3/users</c>).</summary>
public class UsersClient
{
    private const string BatchGetId = "/open-apis/contact/v3/users/batch_get_id";
    private const string FindByDepartment = "/open-apis/contact/v3/users/find_by_department";
    private const string User = "/open-apis/contact/v3/users/{user_id}";
    private const string Batch = "/open-apis/contact/v3/users/batch";

    /// <summary>The largest page <see cref="FindByDepartmentAsync"/> asks for.</summary>
    public const int MaxDepartmentPageSize = 50;

    /// <summary>The most users <see cref="BatchGetAsync"/> takes in one call.</summary>
    public const int MaxBatch = 50;

    /// <summary>The most emails, and separately the most mobiles, one lookup takes.</summary>
    public const int MaxPerLookup = 50;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected UsersClient()
    {
    }

    internal UsersClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// One user (<c>GET …/users/{user_id}</c>, tenant or user token). With a tenant token the user must be in the app's
    /// contact scope, with a user token visible to that user (else <see cref="FeishuErrorCodes.ContactNoUserAuthority"/>).
    /// Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <param name="userId">The user, an id of <paramref name="userIdType"/>.</param>
    /// <param name="userIdType">Which kind of id <paramref name="userId"/> is, and which the answer's user ids (leader, …) are.</param>
    /// <param name="departmentIdType">Which kind of department ids the answer carries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">An empty id (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.ContactInvalidUserId"/>, <see cref="FeishuErrorCodes.ContactNoUserAuthority"/>.</exception>
    public virtual async Task<ContactUser> GetAsync(
        string userId, UserIdType userIdType = UserIdType.OpenId, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId,
        CancellationToken cancellationToken = default)
    {
        userId = Checks.Id(userId, nameof(userId), "ou_…");
        var path = new Query(User.Replace("{user_id}", Query.Segment(userId), StringComparison.Ordinal))
            .Add("user_id_type", Checks.Wire(userIdType))
            .Add("department_id_type", Checks.Wire(departmentIdType));
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), User), FeishuJson.Context.ContactUserEnvelope, cancellationToken).ConfigureAwait(false);
        return data.User ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of GET {User} has no user.");
    }

    /// <summary>
    /// Up to 50 users in one call (<c>GET …/users/batch</c>, the ids as repeated <c>user_ids</c>). Ids that do not resolve
    /// are left out of the answer, so it may be shorter than the input. Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <param name="userIds">1–50 ids of <paramref name="userIdType"/>.</param>
    /// <param name="userIdType">Which kind of ids <paramref name="userIds"/> are, and which the answer's user ids are.</param>
    /// <param name="departmentIdType">Which kind of department ids the answer carries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">No ids, an empty one, or more than 50 (nothing sent).</exception>
    public virtual async Task<IReadOnlyList<ContactUser>> BatchGetAsync(
        IEnumerable<string> userIds, UserIdType userIdType = UserIdType.OpenId, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId,
        CancellationToken cancellationToken = default)
    {
        var path = new Query(Batch)
            .AddEach("user_ids", Checks.IdList(userIds, nameof(userIds), MaxBatch))
            .Add("user_id_type", Checks.Wire(userIdType))
            .Add("department_id_type", Checks.Wire(departmentIdType));
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Batch), FeishuJson.Context.ContactUserPageEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Items ?? [];
    }

    /// <summary>
    /// Finds users by email and/or mobile (<c>POST …/users/batch_get_id</c>, tenant token). The result has
    /// one entry per input, emails first, in the order given; <see cref="UserIdLookup.UserId"/> is null when
    /// the platform returned no id: no such user, a user outside the app's contact scope, an enterprise
    /// mailbox address, or a resigned user unless <paramref name="includeResigned"/>. Read-only, so it is
    /// retried on rate limits and server errors.
    /// </summary>
    /// <param name="emails">Up to 50 email addresses (the user's email, not the enterprise mailbox).</param>
    /// <param name="mobiles">Up to 50 mobile numbers; outside mainland China with a <c>+</c> country code.</param>
    /// <param name="userIdType">Which id to return (open_id is per app).</param>
    /// <param name="includeResigned">Also return ids of users who have left.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">Nothing to look up, more than 50 emails or mobiles, or an empty entry (nothing sent).</exception>
    /// <exception cref="FeishuApiException">The platform refused (e.g. <see cref="FeishuErrorCodes.ContactInvalidParameter"/>).</exception>
    public virtual async Task<IReadOnlyList<UserIdLookup>> BatchGetIdsAsync(
        IEnumerable<string>? emails = null, IEnumerable<string>? mobiles = null, UserIdType userIdType = UserIdType.OpenId, bool includeResigned = false,
        CancellationToken cancellationToken = default)
    {
        var emailList = Entries(emails, nameof(emails));
        var mobileList = Entries(mobiles, nameof(mobiles));
        if (emailList.Count + mobileList.Count == 0)
        {
            throw new ArgumentException("Nothing to look up: give at least one email or mobile.", nameof(emails));
        }

        var path = new Query(BatchGetId).Add("user_id_type", Checks.Wire(userIdType));
        var body = new BatchGetIdBody(emailList.Count > 0 ? emailList : null, mobileList.Count > 0 ? mobileList : null, includeResigned ? true : null);
        var request = new FeishuRequest(HttpMethod.Post, path.ToString(), BatchGetId)
        {
            Content = JsonBody.Create(body, FeishuJson.Context.BatchGetIdBody),
            Idempotent = true,
        };
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.BatchGetIdEnvelope, cancellationToken).ConfigureAwait(false);
        return data.UserList?.Select(u => u.ToModel()).ToArray() ?? [];
    }

    /// <summary>
    /// The direct members of a department (<c>GET …/users/find_by_department</c>, tenant or user token), lazily page by page:
    /// users of its sub-departments are not included (list those departments too). Which users and fields come back
    /// depends on the app's contact scope. Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <param name="departmentId">The department: an <c>od-…</c> open department id, or the custom id with <see cref="DepartmentIdType.DepartmentId"/> (the root is <c>0</c>).</param>
    /// <param name="departmentIdType">Which kind of id <paramref name="departmentId"/> is.</param>
    /// <param name="userIdType">Which id <see cref="ContactUser.UserId"/> carries; open ids are always returned in <see cref="ContactUser.OpenId"/> when the scope allows.</param>
    /// <param name="pageSize">1–50 (the platform's default is 10).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">An empty department id, or a page size outside 1–50 (nothing sent).</exception>
    public virtual FeishuPageable<ContactUser> FindByDepartmentAsync(
        string departmentId, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId, UserIdType userIdType = UserIdType.OpenId,
        int? pageSize = null, CancellationToken cancellationToken = default)
    {
        departmentId = Checks.Id(departmentId, nameof(departmentId), "od-… (or 0, the root)");
        Checks.PageSize(pageSize, MaxDepartmentPageSize);
        return new FetchPageable<ContactUser>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxDepartmentPageSize);
            var path = new Query(FindByDepartment)
                .Add("department_id", departmentId)
                .Add("department_id_type", Checks.Wire(departmentIdType))
                .Add("user_id_type", Checks.Wire(userIdType))
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), FindByDepartment), FeishuJson.Context.ContactUserPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(static u => u);
        }, pageSize, cancellationToken);
    }

    private static List<string> Entries(IEnumerable<string>? values, string name)
    {
        var list = values?.Select(v => v?.Trim() ?? "").ToList() ?? [];
        var empty = list.FindIndex(v => v.Length == 0);
        if (empty >= 0)
        {
            throw new ArgumentException($"{name}[{empty}] is empty; remove it or give a value.", name);
        }

        if (list.Count > MaxPerLookup)
        {
            throw new ArgumentException($"{name} has {list.Count} entries; Feishu looks up at most {MaxPerLookup} per call. Split the list.", name);
        }

        return list;
    }
}
