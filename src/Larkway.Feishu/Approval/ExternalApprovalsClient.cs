using Larkway.Feishu.Http;

namespace Larkway.Feishu.Approval;

/// <summary>
/// Third-party approvals: definitions whose process runs in another system, and the instances and tasks that system
/// syncs into Feishu's approval center (<c>/open-apis/approval/v4/external_*</c>).
/// </summary>
public partial class ExternalApprovalsClient
{
    private readonly FeishuPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected ExternalApprovalsClient()
    {
    }

    internal ExternalApprovalsClient(FeishuPipeline pipeline) => _pipeline = pipeline;
}
