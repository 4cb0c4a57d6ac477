using Larkway.Feishu.Http;
using Larkway.Feishu.Im;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Contact;

/// <summary>
/// Directory departments (<c>/open-apis/contact/v3/departments</c>). With a tenant token the departments must be in the
/// app's contact scope, with a user token visible to that user. Every call is read-only, so retried on rate limits and
/// server errors.
/// </summary>
public class DepartmentsClient
{
    private const string Department = "/open-apis/contact/v3/departments/{department_id}";
    private const string Batch = "/open-apis/contact/v3/departments/batch";
    private const string Children = "/open-apis/contact/v3/departments/{department_id}/children";
    private const string Parent = "/open-apis/contact/v3/departments/parent";

    /// <summary>The largest page <see cref="ListChildrenAsync"/> asks for.</summary>
    public const int MaxChildrenPageSize = 50;

    /// <summary>The largest page <see cref="ListParentsAsync"/> asks for.</summary>
    public const int MaxParentsPageSize = 50;

    /// <summary>The most departments <see cref="BatchGetAsync"/> takes in one call.</summary>
    public const int MaxBatch = 50;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected DepartmentsClient()
    {
    }

    internal DepartmentsClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>One department (<c>GET …/departments/{department_id}</c>).</summary>
    /// <param name="departmentId">The department (<c>0</c>: the root, with <see cref="DepartmentIdType.DepartmentId"/>).</param>
    /// <param name="departmentIdType">Which kind of id <paramref name="departmentId"/> is, and which the answer carries.</param>
    /// <param name="userIdType">Which kind of user ids (leader, leaders, HRBPs) the answer carries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">An empty id (nothing sent).</exception>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.ContactDepartmentNotFound"/>, <see cref="FeishuErrorCodes.ContactNoDepartmentAuthority"/>.</exception>
    public virtual async Task<ContactDepartment> GetAsync(
        string departmentId, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId, UserIdType userIdType = UserIdType.OpenId,
        CancellationToken cancellationToken = default)
    {
        var path = IdTypes(new Query(Route(Department, departmentId)), departmentIdType, userIdType);
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Department), FeishuJson.Context.ContactDepartmentEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Department ?? throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of GET {Department} has no department.");
    }

    /// <summary>
    /// Up to 50 departments in one call (<c>GET …/departments/batch</c>, the ids as repeated <c>department_ids</c>). Ids that
    /// do not resolve are left out of the answer.
    /// </summary>
    /// <param name="departmentIds">1–50 ids of <paramref name="departmentIdType"/>.</param>
    /// <param name="departmentIdType">Which kind of ids <paramref name="departmentIds"/> are, and which the answer carries.</param>
    /// <param name="userIdType">Which kind of user ids the answer carries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">No ids, an empty one, or more than 50 (nothing sent).</exception>
    public virtual async Task<IReadOnlyList<ContactDepartment>> BatchGetAsync(
        IEnumerable<string> departmentIds, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId, UserIdType userIdType = UserIdType.OpenId,
        CancellationToken cancellationToken = default)
    {
        var path = IdTypes(new Query(Batch).AddEach("department_ids", Checks.IdList(departmentIds, nameof(departmentIds), MaxBatch)), departmentIdType, userIdType);
        var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Batch), FeishuJson.Context.ContactDepartmentPageEnvelope, cancellationToken).ConfigureAwait(false);
        return data.Items ?? [];
    }

    /// <summary>
    /// Lists a department's sub-departments (<c>GET …/departments/{department_id}/children</c>), paged; with
    /// <paramref name="fetchChild"/> the whole subtree below it, not only the direct children.
    /// </summary>
    /// <param name="departmentId">The parent department (<c>0</c>: the root).</param>
    /// <param name="fetchChild">Every department below, at any depth (the platform's default is direct children only).</param>
    /// <param name="departmentIdType">Which kind of id <paramref name="departmentId"/> is, and which the answer carries.</param>
    /// <param name="userIdType">Which kind of user ids (leaders) the answer carries.</param>
    /// <param name="pageSize">1–50 (the platform's default is 10).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">An empty department id, or a page size outside 1–50 (nothing sent).</exception>
    public virtual FeishuPageable<ContactDepartment> ListChildrenAsync(
        string departmentId, bool fetchChild = false, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId,
        UserIdType userIdType = UserIdType.OpenId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        var route = Route(Children, departmentId);
        return Pages(Children, MaxChildrenPageSize, pageSize, () => IdTypes(new Query(route), departmentIdType, userIdType).Add("fetch_child", fetchChild), cancellationToken);
    }

    /// <summary>
    /// The chain of departments above one (<c>GET …/departments/parent</c>), paged: its parent, the parent's parent, and so
    /// on up to (not including) the root.
    /// </summary>
    /// <param name="departmentId">The department whose ancestors to list.</param>
    /// <param name="departmentIdType">Which kind of id <paramref name="departmentId"/> is, and which the answer carries.</param>
    /// <param name="userIdType">Which kind of user ids the answer carries.</param>
    /// <param name="pageSize">1–50 (the platform's default is 20).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">An empty department id, or a page size outside 1–50 (nothing sent).</exception>
    public virtual FeishuPageable<ContactDepartment> ListParentsAsync(
        string departmentId, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId, UserIdType userIdType = UserIdType.OpenId,
        int? pageSize = null, CancellationToken cancellationToken = default)
    {
        departmentId = Checks.Id(departmentId, nameof(departmentId), "od-…");
        return Pages(Parent, MaxParentsPageSize, pageSize, () => IdTypes(new Query(Parent).Add("department_id", departmentId), departmentIdType, userIdType), cancellationToken);
    }

    private static string Route(string template, string departmentId) =>
        template.Replace("{department_id}", Query.Segment(Checks.Id(departmentId, nameof(departmentId), "od-… (or 0, the root)")), StringComparison.Ordinal);

    private static Query IdTypes(Query query, DepartmentIdType departmentIdType, UserIdType userIdType) =>
        query.Add("department_id_type", Checks.Wire(departmentIdType)).Add("user_id_type", Checks.Wire(userIdType));

    // A lazy listing: page size checked now and per page, each page's query built fresh and given its paging parameters.
    private FetchPageable<ContactDepartment> Pages(string template, int maxPageSize, int? pageSize, Func<Query> query, CancellationToken cancellationToken)
    {
        Checks.PageSize(pageSize, maxPageSize);
        return new FetchPageable<ContactDepartment>(async (token, size, ct) =>
        {
            Checks.PageSize(size, maxPageSize);
            var path = query().Add("page_size", size).Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), template), FeishuJson.Context.ContactDepartmentPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(static d => d);
        }, pageSize, cancellationToken);
    }
}
