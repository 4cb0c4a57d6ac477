using Larkway.Feishu;

namespace Larkway.Hub.Platform.Http;

/// <summary>
/// Feishu's answer to a failed call, as every API of the Hub shows it (a notification's delivery, an approval's
/// create): the code from Feishu's error-code table, its message and the log id Feishu support asks for.
/// </summary>
/// <param name="Code">Feishu's code, or one of the Hub's own below zero (-1: no answer, -101: the app is gone).</param>
/// <param name="Message">What Feishu said.</param>
/// <param name="LogId">Feishu's <c>log_id</c>, when it gave one.</param>
public sealed record FeishuErrorDto(int Code, string? Message, string? LogId);

/// <summary>A failed Feishu call as the Hub records it (code, message, log id), before it becomes a <see cref="FeishuErrorDto"/>.</summary>
internal sealed record FeishuFailure(int Code, string Message, string? LogId)
{
    public static FeishuFailure From(FeishuApiException exception) => new(exception.Code, exception.ErrorMessage, exception.RequestId);
}
