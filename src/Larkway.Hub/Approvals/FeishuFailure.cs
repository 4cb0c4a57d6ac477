using Larkway.Feishu;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Approvals;

/// <summary>A failed Feishu approval call as the approvals record it (code, message, log id), before it becomes a <see cref="PlatformFailureDto"/>.</summary>
internal sealed record FeishuFailure(int Code, string Message, string? LogId)
{
    public static FeishuFailure From(FeishuApiException exception) => new(exception.Code, exception.ErrorMessage, exception.RequestId);
}
