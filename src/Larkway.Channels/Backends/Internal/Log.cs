using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Backends.Internal;

/// <summary>
/// The AI backends' log lines (event ids 6100–6199). Never the question, the answer, a thought, the backend's error
/// message (it may quote either) or the key: names, codes, statuses and timings only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LogEvents.BackendAsking, Level = LogLevel.Debug, Message = "Assistant backend {Backend} ({Type}): asking (conversation {Conversation})")]
    public static partial void Asking(ILogger logger, string backend, string type, string conversation);

    [LoggerMessage(EventId = LogEvents.BackendCompleted, Level = LogLevel.Debug, Message = "Assistant backend {Backend}: answer completed ({FinishReason}) in {ElapsedMs:0} ms, first output after {FirstTokenMs:0} ms, {Tokens} tokens")]
    public static partial void Completed(ILogger logger, string backend, AssistantFinishReason finishReason, double elapsedMs, double firstTokenMs, int? tokens);

    [LoggerMessage(EventId = LogEvents.BackendFailed, Level = LogLevel.Warning, Message = "Assistant backend {Backend}: answer failed after {ElapsedMs:0} ms: {Kind}, code {Code}, HTTP {Status}; output produced before: {Produced}")]
    public static partial void Failed(ILogger logger, string backend, AssistantFailureKind kind, string code, int? status, double elapsedMs, bool produced);

    [LoggerMessage(EventId = LogEvents.BackendRetrying, Level = LogLevel.Information, Message = "Assistant backend {Backend}: attempt {Attempt} failed ({Kind}, code {Code}, HTTP {Status}); trying again in {DelayMs:0} ms")]
    public static partial void Retrying(ILogger logger, string backend, int attempt, AssistantFailureKind kind, string code, int? status, double delayMs);

    [LoggerMessage(EventId = LogEvents.BackendAbandoned, Level = LogLevel.Debug, Message = "Assistant backend {Backend}: the caller stopped reading after {ElapsedMs:0} ms; the stream is closed")]
    public static partial void Abandoned(ILogger logger, string backend, double elapsedMs);

    [LoggerMessage(EventId = LogEvents.BackendConversationRestarted, Level = LogLevel.Information, Message = "Assistant backend {Backend}: the conversation to continue is gone for this user (HTTP 404); starting a new one")]
    public static partial void ConversationRestarted(ILogger logger, string backend);

    [LoggerMessage(EventId = LogEvents.BackendStopped, Level = LogLevel.Debug, Message = "Assistant backend {Backend}: asked to stop task {TaskId}")]
    public static partial void Stopped(ILogger logger, string backend, string taskId);

    [LoggerMessage(EventId = LogEvents.BackendStopFailed, Level = LogLevel.Warning, Message = "Assistant backend {Backend}: stopping task {TaskId} failed ({Kind}, code {Code}, HTTP {Status})")]
    public static partial void StopFailed(ILogger logger, string backend, string taskId, AssistantFailureKind kind, string code, int? status);

    [LoggerMessage(EventId = LogEvents.BackendIgnoredEvent, Level = LogLevel.Debug, Message = "Assistant backend {Backend}: ignored stream event '{EventName}'")]
    public static partial void IgnoredEvent(ILogger logger, string backend, string eventName);

    [LoggerMessage(EventId = LogEvents.BackendFileUploaded, Level = LogLevel.Debug, Message = "Assistant backend {Backend}: uploaded a file ({Type}, {Bytes} bytes)")]
    public static partial void FileUploaded(ILogger logger, string backend, string type, int bytes);
}
