using Microsoft.Extensions.Logging;

namespace Larkway.WeCom.Http;

/// <summary>
/// The client's log lines (event ids 3001–3099; the AI bot's are 3101–3199). Paths only: queries (the access_token,
/// the secret of <c>gettoken</c>, a robot's webhook key), headers and bodies are never logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "WeCom {Method} {Path} answered {Status} in {ElapsedMs:0.0} ms")]
    public static partial void CallSucceeded(ILogger logger, string method, string path, int status, double elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "WeCom {Method} {Path} failed: HTTP {Status}, errcode {Code} in {ElapsedMs:0.0} ms (request id {RequestId})")]
    public static partial void CallFailed(ILogger logger, string method, string path, int status, string code, double elapsedMs, string? requestId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "WeCom {Method} {Path} got no answer after {ElapsedMs:0.0} ms ({Reason})")]
    public static partial void CallFailedWithoutAnswer(ILogger logger, string method, string path, double elapsedMs, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Retrying WeCom {Method} {Path} (attempt {Attempt}) in {DelayMs:0} ms after {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string path, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "WeCom refused the cached access token of corp {CorpId} (errcode {Code}); fetching a new one and sending again")]
    public static partial void TokenRejected(ILogger logger, string corpId, string code);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Holding group robot messages for {DelayMs:0} ms: WeCom allows {Limit} a minute per robot")]
    public static partial void RobotPaced(ILogger logger, double delayMs, int limit);
}
