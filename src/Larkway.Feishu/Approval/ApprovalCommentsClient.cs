using Larkway.Feishu.Http;

namespace Larkway.Feishu.Approval;

/// <summary>Comments on approval instances (<c>/open-apis/approval/v4/instances/{id}/comments</c>).</summary>
public partial class ApprovalCommentsClient
{
    private const string Comments = "/open-apis/approval/v4/instances/{instance_id}/comments";

    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ApprovalCommentsClient()
    {
    }

    internal ApprovalCommentsClient(FeishuPipeline pipeline) => _pipeline = pipeline;
}
