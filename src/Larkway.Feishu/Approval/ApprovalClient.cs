using Larkway.Feishu.Http;

namespace Larkway.Feishu.Approval;

/// <summary>
/// Approval v4: <see cref="Definitions"/>, <see cref="Instances"/>, <see cref="Tasks"/>, <see cref="Comments"/> and
/// <see cref="External"/> (third-party) approvals. All calls use the tenant token.
/// </summary>
public class ApprovalClient
{
    /// <summary>For mocking.</summary>
    protected ApprovalClient()
    {
        Definitions = null!;
        Instances = null!;
        Tasks = null!;
        Comments = null!;
        External = null!;
    }

    internal ApprovalClient(FeishuPipeline pipeline)
    {
        Definitions = new ApprovalDefinitionsClient(pipeline);
        Instances = new ApprovalInstancesClient(pipeline);
        Tasks = new ApprovalTasksClient(pipeline);
        Comments = new ApprovalCommentsClient(pipeline);
        External = new ExternalApprovalsClient(pipeline);
    }

    /// <summary>Definitions: create, get (with the form's widgets), subscribe to their events.</summary>
    public virtual ApprovalDefinitionsClient Definitions { get; }

    /// <summary>Instances: create with a typed form, get, list, cancel, cc, search, preview, add signers, roll back.</summary>
    public virtual ApprovalInstancesClient Instances { get; }

    /// <summary>Tasks: approve, reject, transfer, resubmit, search.</summary>
    public virtual ApprovalTasksClient Tasks { get; }

    /// <summary>Comments on instances.</summary>
    public virtual ApprovalCommentsClient Comments { get; }

    /// <summary>Third-party approvals: definitions and instance sync.</summary>
    public virtual ExternalApprovalsClient External { get; }
}
