using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// Log messages of the long connection (event ids 3200–3299). They carry ids (app, connection, message,
/// event), codes and reasons — never the app secret, the connection URL (it holds an access key and a
/// ticket), tokens, or payload contents.
/// </summary>
internal static partial class LongConnectionLog
{
    [LoggerMessage(EventId = LogEvents.LongConnectionDiscovering, Level = LogLevel.Debug, Message = "Feishu long connection: discovering the endpoint of app {AppId}")]
    public static partial void Discovering(ILogger logger, string appId);

    [LoggerMessage(EventId = LogEvents.LongConnectionConnected, Level = LogLevel.Information, Message = "Feishu long connection of app {AppId} connected (connection {ConnectionId}, service {ServiceId})")]
    public static partial void Connected(ILogger logger, string appId, string connectionId, int serviceId);

    [LoggerMessage(EventId = LogEvents.LongConnectionDisconnected, Level = LogLevel.Warning, Message = "Feishu long connection of app {AppId} lost (connection {ConnectionId}): {Reason}")]
    public static partial void Disconnected(ILogger logger, string appId, string connectionId, string reason);

    [LoggerMessage(EventId = LogEvents.LongConnectionReconnectAttempt, Level = LogLevel.Information, Message = "Feishu long connection of app {AppId}: reconnect attempt {Attempt} of {MaxAttempts} (-1 = unlimited)")]
    public static partial void ReconnectAttempt(ILogger logger, string appId, int attempt, int maxAttempts);

    [LoggerMessage(EventId = LogEvents.LongConnectionRetryableFailure, Level = LogLevel.Warning, Message = "Feishu long connection of app {AppId} failed, will retry: {Reason} (code {Code}) {Message}")]
    public static partial void RetryableFailure(ILogger logger, string appId, FeishuLongConnectionErrorReason reason, int? code, string message);

    [LoggerMessage(EventId = LogEvents.LongConnectionStopped, Level = LogLevel.Error, Message = "Feishu long connection of app {AppId} stopped: {Reason} (code {Code}) {Message}")]
    public static partial void Stopped(ILogger logger, string appId, FeishuLongConnectionErrorReason reason, int? code, string message);

    [LoggerMessage(EventId = LogEvents.LongConnectionWatchdogFired, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: nothing received for {Timeout}; dropping it to reconnect")]
    public static partial void WatchdogFired(ILogger logger, string connectionId, TimeSpan timeout);

    [LoggerMessage(EventId = LogEvents.LongConnectionConfigApplied, Level = LogLevel.Debug, Message = "Feishu long connection {ConnectionId}: server config applied (reconnect count {ReconnectCount}, interval {ReconnectInterval}, nonce {ReconnectNonce}, ping {PingInterval})")]
    public static partial void ConfigApplied(ILogger logger, string connectionId, int reconnectCount, TimeSpan reconnectInterval, TimeSpan reconnectNonce, TimeSpan pingInterval);

    [LoggerMessage(EventId = LogEvents.LongConnectionPingIntervalIgnored, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: the server sent a ping interval of 0 or less; keeping {PingInterval}")]
    public static partial void PingIntervalIgnored(ILogger logger, string connectionId, TimeSpan pingInterval);

    [LoggerMessage(EventId = LogEvents.LongConnectionMalformedPayload, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: message {MessageId} (trace {TraceId}) is not a Feishu event and is acknowledged without handling, so that it is not redelivered forever: {Error}")]
    public static partial void MalformedPayload(ILogger logger, string connectionId, string messageId, string traceId, string error);

    [LoggerMessage(EventId = LogEvents.LongConnectionWrongToken, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: event {EventId} ({EventType}) carries a wrong verification token; refused with code 500")]
    public static partial void WrongToken(ILogger logger, string connectionId, string? eventId, string eventType);

    [LoggerMessage(EventId = LogEvents.LongConnectionSinkFailed, Level = LogLevel.Error, Message = "Feishu long connection {ConnectionId}: the sink failed on event {EventId} ({EventType}); acknowledged with code 500 so that it is redelivered")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string connectionId, string? eventId, string eventType);

    [LoggerMessage(EventId = LogEvents.LongConnectionFragmentsDropped, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: fragments of message {MessageId} dropped: {Reason}")]
    public static partial void FragmentsDropped(ILogger logger, string connectionId, string messageId, string reason);

    [LoggerMessage(EventId = LogEvents.LongConnectionInvalidFrame, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: a binary message of {Length} bytes is not a valid frame; ignored")]
    public static partial void InvalidFrame(ILogger logger, string connectionId, int length);

    [LoggerMessage(EventId = LogEvents.LongConnectionBusy, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: too many frames in progress; message {MessageId} acknowledged with code 500 so that it is redelivered later")]
    public static partial void Busy(ILogger logger, string connectionId, string messageId);

    [LoggerMessage(EventId = LogEvents.LongConnectionSendFailed, Level = LogLevel.Debug, Message = "Feishu long connection {ConnectionId}: could not send a frame ({Error}); the connection is going away")]
    public static partial void SendFailed(ILogger logger, string connectionId, string error);

    [LoggerMessage(EventId = LogEvents.LongConnectionCancelled, Level = LogLevel.Information, Message = "Feishu long connection of app {AppId} stopped")]
    public static partial void Cancelled(ILogger logger, string appId);

    [LoggerMessage(EventId = LogEvents.LongConnectionFrameIgnored, Level = LogLevel.Debug, Message = "Feishu long connection {ConnectionId}: ignored a frame (method {Method}, type {Type})")]
    public static partial void FrameIgnored(ILogger logger, string connectionId, int method, string type);

    [LoggerMessage(EventId = LogEvents.LongConnectionTextIgnored, Level = LogLevel.Debug, Message = "Feishu long connection {ConnectionId}: ignored a text WebSocket message")]
    public static partial void TextIgnored(ILogger logger, string connectionId);

    [LoggerMessage(EventId = LogEvents.LongConnectionOversizedMessage, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: a WebSocket message larger than {Limit} bytes was discarded")]
    public static partial void OversizedMessage(ILogger logger, string connectionId, int limit);

    [LoggerMessage(EventId = LogEvents.LongConnectionChallengeIgnored, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: a url_verification challenge arrived over the long connection; acknowledged and ignored")]
    public static partial void ChallengeIgnored(ILogger logger, string connectionId);

    [LoggerMessage(EventId = LogEvents.LongConnectionHandled, Level = LogLevel.Debug, Message = "Feishu long connection {ConnectionId}: event {EventId} ({EventType}) accepted as {Status} in {ElapsedMs} ms")]
    public static partial void Handled(ILogger logger, string connectionId, string? eventId, string eventType, Ingest.FeishuIngestStatus status, long elapsedMs);

    [LoggerMessage(EventId = LogEvents.LongConnectionReplacing, Level = LogLevel.Information, Message = "Feishu long connection of app {AppId}: replacing connection {ConnectionId} (the new one opens before it closes): {Reason}")]
    public static partial void Replacing(ILogger logger, string appId, string connectionId, string reason);

    [LoggerMessage(EventId = LogEvents.LongConnectionPongMissed, Level = LogLevel.Warning, Message = "Feishu long connection {ConnectionId}: nothing came back within {Timeout} of a ping; replacing it")]
    public static partial void PongMissed(ILogger logger, string connectionId, TimeSpan timeout);
}
