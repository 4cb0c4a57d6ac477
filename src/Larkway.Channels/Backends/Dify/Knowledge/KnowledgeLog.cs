using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>
/// The knowledge client's log lines (event ids 6111–6119). Methods, route templates (never the ids in them, never a
/// query), statuses, codes and timings only: never the key, a document's name or text, or Dify's message (it may quote them).
/// </summary>
internal static partial class KnowledgeLog
{
    [LoggerMessage(EventId = LogEvents.KnowledgeCalled, Level = LogLevel.Debug, Message = "Dify knowledge {Method} {Route}: HTTP {Status} in {ElapsedMs:0} ms")]
    public static partial void Called(ILogger logger, string method, string route, int status, double elapsedMs);

    [LoggerMessage(EventId = LogEvents.KnowledgeFailed, Level = LogLevel.Information, Message = "Dify knowledge {Method} {Route}: attempt {Attempt} failed in {ElapsedMs:0} ms: {Kind}, code {Code}, HTTP {Status}")]
    public static partial void Failed(ILogger logger, string method, string route, int attempt, DifyKnowledgeErrorKind kind, string code, int? status, double elapsedMs);

    [LoggerMessage(EventId = LogEvents.KnowledgeRetrying, Level = LogLevel.Information, Message = "Dify knowledge {Method} {Route}: trying again in {DelayMs:0} ms (retry {Retry} of {MaxRetries})")]
    public static partial void Retrying(ILogger logger, string method, string route, double delayMs, int retry, int maxRetries);

    [LoggerMessage(EventId = LogEvents.KnowledgePaced, Level = LogLevel.Debug, Message = "Dify knowledge {Method} {Route}: held {WaitMs:0} ms for the pace of {PerMinute} requests a minute")]
    public static partial void Paced(ILogger logger, string method, string route, double waitMs, int perMinute);

    [LoggerMessage(EventId = LogEvents.KnowledgeHeld, Level = LogLevel.Information, Message = "Dify knowledge: refused for the plan's request rate; no request is sent for {HoldMs:0} ms")]
    public static partial void Held(ILogger logger, double holdMs);
}
