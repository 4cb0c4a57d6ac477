using Larkway.Feishu.Http;
using Larkway.Feishu.Im;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Contact;

/// <summary>The app's contact scope (<c>GET /open-apis/contact/v3/scopes</c>, tenant token): what the directory calls may see.</summary>
public class ContactScopesClient
{
    private const string Scopes = "/open-apis/contact/v3/scopes";

    /// <summary>The largest page <see cref="ListAsync"/> asks for (users, departments and groups of a page together).</summary>
    public const int MaxPageSize = 100;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ContactScopesClient()
    {
    }

    internal ContactScopesClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// The users, departments and user groups granted to the app, lazily page by page (each page lists users first, then
    /// departments, then groups). Departments are not expanded: with an all-members scope the answer is the first-level
    /// departments, the root's direct members and every group. Read-only, so retried on rate limits and server errors.
    /// </summary>
    /// <param name="userIdType">Which kind of ids the users are given as.</param>
    /// <param name="departmentIdType">Which kind of ids the departments are given as.</param>
    /// <param name="pageSize">1–100 entries per page (the platform's default is 50).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentOutOfRangeException">A page size outside 1–100 (nothing sent).</exception>
    public virtual FeishuPageable<ContactScopeEntry> ListAsync(
        UserIdType userIdType = UserIdType.OpenId, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId, int? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        Checks.PageSize(pageSize, MaxPageSize);
        return new FetchPageable<ContactScopeEntry>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxPageSize);
            var path = new Query(Scopes)
                .Add("user_id_type", Checks.Wire(userIdType))
                .Add("department_id_type", Checks.Wire(departmentIdType))
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Scopes), FeishuJson.Context.ContactScopeEnvelope, ct).ConfigureAwait(false);
            return data.ToPage();
        }, pageSize, cancellationToken);
    }
}
