using Larkway.Feishu.Http;

namespace Larkway.Feishu.Contact;

/// <summary>
/// The directory (contact v3): <see cref="Users"/>, <see cref="Departments"/>, and the app's contact <see cref="Scopes"/>.
/// Calls made with a tenant token see the app's contact scope; through <see cref="FeishuClient.AsUser"/> they see what
/// that user may see.
/// </summary>
public class ContactClient
{
    /// <summary>For mocking.</summary>
    protected ContactClient()
    {
        Users = null!;
        Departments = null!;
        Scopes = null!;
    }

    internal ContactClient(FeishuPipeline pipeline)
    {
        Users = new UsersClient(pipeline);
        Departments = new DepartmentsClient(pipeline);
        Scopes = new ContactScopesClient(pipeline);
    }

    /// <summary>Users: by id, in batches, by department, ids by email or mobile.</summary>
    public virtual UsersClient Users { get; }

    /// <summary>Departments: by id, in batches, their sub-departments and their ancestors.</summary>
    public virtual DepartmentsClient Departments { get; }

    /// <summary>The app's contact scope: the users, departments and groups it was granted.</summary>
    public virtual ContactScopesClient Scopes { get; }
}
