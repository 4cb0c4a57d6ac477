using Larkway.Feishu.Http;
using Larkway.Feishu.Im;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Contact;

/// <summary>Directory departments (<c>/open-apis/contact/v3/departments</c>).</summary>
public class DepartmentsClient
{
    private const string Children = "/open-apis/contact/v3/departments/{department_id}/children";

    /// <summary>The largest page <see cref="ListChildrenAsync"/> asks for.</summary>
    public const int MaxChildrenPageSize = 50;

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected DepartmentsClient()
    {
    }

    internal DepartmentsClient(FeishuPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Lists a department's sub-departments (<c>GET …/departments/{department_id}/children</c>, tenant token), paged;
    /// with <paramref name="fetchChild"/> the whole subtree below it, not only the direct children. Read-only, so it
    /// is retried on rate limits and server errors.
    /// </summary>
    /// <param name="departmentId">The parent department (<c>0</c>: the root).</param>
    /// <param name="fetchChild">Every department below, at any depth (the platform's default is direct children only).</param>
    /// <param name="departmentIdType">Which kind of id <paramref name="departmentId"/> is, and which the answer carries in <see cref="ContactDepartment.DepartmentId"/>/<see cref="ContactDepartment.ParentDepartmentId"/>.</param>
    /// <param name="userIdType">Which id the departments' leader fields carry (not modelled here; sent for completeness).</param>
    /// <param name="pageSize">1–50 (the platform's default is 10).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">An empty department id, or a page size outside 1–50 (nothing sent).</exception>
    public virtual FeishuPageable<ContactDepartment> ListChildrenAsync(
        string departmentId, bool fetchChild = false, DepartmentIdType departmentIdType = DepartmentIdType.OpenDepartmentId,
        UserIdType userIdType = UserIdType.OpenId, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        departmentId = Checks.Id(departmentId, nameof(departmentId), "od-… (or 0, the root)");
        Checks.PageSize(pageSize, MaxChildrenPageSize);
        var route = Children.Replace("{department_id}", Uri.EscapeDataString(departmentId), StringComparison.Ordinal);
        return new FetchPageable<ContactDepartment>(async (token, size, ct) =>
        {
            Checks.PageSize(size, MaxChildrenPageSize);
            var path = new Query(route)
                .Add("department_id_type", departmentIdType == DepartmentIdType.DepartmentId ? "department_id" : "open_department_id")
                .Add("user_id_type", Checks.Wire(userIdType))
                .Add("fetch_child", fetchChild)
                .Add("page_size", size)
                .Add("page_token", token);
            var data = await _pipeline.SendAsync(new FeishuRequest(HttpMethod.Get, path.ToString(), Children), FeishuJson.Context.ContactDepartmentPageEnvelope, ct).ConfigureAwait(false);
            return data.ToPage(d => d.ToModel());
        }, pageSize, cancellationToken);
    }
}
