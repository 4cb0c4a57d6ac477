using Larkway.Feishu.Http;

namespace Larkway.Feishu.Contact;

/// <summary>The directory (contact v3): <see cref="Users"/>, <see cref="Departments"/>.</summary>
public class ContactClient
{
    /// <summary>For mocking.</summary>
    protected ContactClient()
    {
        Users = null!;
        Departments = null!;
    }

    internal ContactClient(FeishuPipeline pipeline)
    {
        Users = new UsersClient(pipeline);
        Departments = new DepartmentsClient(pipeline);
    }

    /// <summary>Users of the tenant's directory: look up ids by email or mobile.</summary>
    public virtual UsersClient Users { get; }

    /// <summary>Departments of the tenant's directory: list a department's sub-departments.</summary>
    public virtual DepartmentsClient Departments { get; }
}
