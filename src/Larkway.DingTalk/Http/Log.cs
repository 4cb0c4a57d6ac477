using Microsoft.Extensions.Logging;

namespace Larkway.DingTalk.Http;

/// <summary>
/// The client's log lines. Paths only: queries (tokens, the app secret of <c>gettoken</c>, a robot's access token),
/// headers and bodies are never logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "DingTalk {Method} {Path} answered {Status} in {ElapsedMs:0.0} ms (request id {RequestId})")]
    public static partial void CallSucceeded(ILogger logger, string method, string path, int status, double elapsedMs, string? requestId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "DingTalk {Method} {Path} failed: HTTP {Status}, code {Code} in {ElapsedMs:0.0} ms (request id {RequestId})")]
    public static partial void CallFailed(ILogger logger, string method, string path, int status, string code, double elapsedMs, string? requestId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "DingTalk {Method} {Path} got no answer after {ElapsedMs:0.0} ms ({Reason})")]
    public static partial void CallFailedWithoutAnswer(ILogger logger, string method, string path, double elapsedMs, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Retrying DingTalk {Method} {Path} (attempt {Attempt}) in {DelayMs:0} ms after {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string path, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "DingTalk refused the cached {Kind} token of app {AppKey} (code {Code}); fetching a new one and sending again")]
    public static partial void TokenRejected(ILogger logger, string kind, string appKey, string code);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Holding custom robot messages for {DelayMs:0} ms: DingTalk allows {Limit} a minute per robot")]
    public static partial void RobotPaced(ILogger logger, double delayMs, int limit);
}
