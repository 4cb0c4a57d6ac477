using Larkway.Feishu;

namespace Larkway.Hub.Platform.Http;

/// <summary>A failed Feishu call as the Hub records it (code, message, log id), before it becomes a <see cref="PlatformFailureDto"/>.</summary>
internal sealed record FeishuFailure(int Code, string Message, string? LogId)
{
    public static FeishuFailure From(FeishuApiException exception) => new(exception.Code, exception.ErrorMessage, exception.RequestId);
}
