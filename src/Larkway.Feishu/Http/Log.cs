using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Http;

/// <summary>
/// Every log line of the client. Only method, path, status, code, log id, duration and counts:
/// never tokens, secrets, the Authorization header or bodies.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LogEvents.CallSucceeded, Level = LogLevel.Debug, Message = "Feishu {Method} {Path} -> HTTP {Status} code {Code} log id {LogId} in {DurationMs} ms")]
    public static partial void CallSucceeded(ILogger logger, string method, string path, int status, int? code, string? logId, double durationMs);

    [LoggerMessage(EventId = LogEvents.CallFailed, Level = LogLevel.Warning, Message = "Feishu {Method} {Path} -> HTTP {Status} code {Code} log id {LogId} in {DurationMs} ms")]
    public static partial void CallFailed(ILogger logger, string method, string path, int status, int? code, string? logId, double durationMs);

    [LoggerMessage(EventId = LogEvents.CallFailedWithoutResponse, Level = LogLevel.Warning, Message = "Feishu {Method} {Path} failed without a response after {DurationMs} ms: {Error}")]
    public static partial void CallFailedWithoutResponse(ILogger logger, string method, string path, double durationMs, string error);

    [LoggerMessage(EventId = LogEvents.TokenRejected, Level = LogLevel.Information, Message = "Feishu rejected the cached {TokenKind} token of app {AppId} (code {Code}); fetching a new one and retrying once")]
    public static partial void TokenRejected(ILogger logger, string tokenKind, string appId, int code);

    [LoggerMessage(EventId = LogEvents.Retrying, Level = LogLevel.Information, Message = "Retrying Feishu {Method} {Path} (attempt {Attempt}) in {DelayMs} ms after {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string path, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = LogEvents.RateLimitWaited, Level = LogLevel.Debug, Message = "Feishu {Method} {Path} waited {WaitMs} ms for a client-side rate-limit permit")]
    public static partial void RateLimitWaited(ILogger logger, string method, string path, double waitMs);
}
