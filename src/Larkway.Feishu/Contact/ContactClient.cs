using Larkway.Feishu.Http;

namespace Larkway.Feishu.Contact;

/// <summary>The directory (contact v3): <see cref="Users"/>.</summary>
public class ContactClient
{
    /// <summary>For mocking.</summary>
    protected ContactClient()
    {
        Users = null!;
    }

    internal ContactClient(FeishuPipeline pipeline)
    {
        Users = new UsersClient(pipeline);
    }

    /// <summary>Users of the tenant's directory: look up ids by email or mobile.</summary>
    public virtual UsersClient Users { get; }
}
