using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// What the Hub does with an AI bot callback on the replica holding the bot's connection: stores the frame in the inbox
/// (<c>wecom.aibot.message.{msgtype}</c> / <c>wecom.aibot.event.{eventtype}</c>, transport <c>wecom_aibot</c>),
/// deduplicated by the bot's msgid — a message WeCom delivers again, on this connection or after a takeover on another
/// replica's, is stored and answered once — already claimed by this replica, then handles it at once with the inbox's
/// own handler: the reply goes over this connection by the callback's req_id, while WeCom still takes it. A failure is
/// recorded as the event's first attempt, and the inbox retries it on its schedule.
/// </summary>
internal sealed partial class WeComAiBotIngest(
    InboxStore inbox,
    InboxQueue queue,
    InboxProcessor processor,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<WeComAiBotIngest> logger,
    InboxTelemetry? telemetry = null)
{
    /// <summary>The prefix of a message to the bot: <c>wecom.aibot.message.{msgtype}</c>.</summary>
    public const string MessageTypePrefix = "wecom.aibot.message.";

    /// <summary>The prefix of an event: <c>wecom.aibot.event.{eventtype}</c>.</summary>
    public const string EventTypePrefix = "wecom.aibot.event.";

    /// <summary>A frame of an AI bot's long connection, answered by its req_id (stored as <c>WecomAibot</c>).</summary>
    public static InboxTransport Transport { get; } = new("WecomAibot");

    private readonly string _owner = QueueOwner.Create("aibot");

    /// <summary>Stores one callback and, when it is new, handles it here. Never throws for a callback it could not store (logged).</summary>
    public async ValueTask ReceiveAsync(StoredApp app, WeComAiBotCallback callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(callback);
        var type = TypeOf(callback);
        var body = FrameOf(callback);
        InboxAppendResult stored;
        try
        {
            var inbound = new PlatformInbound(app.Name, type, Transport, [Key(app.AiBotId!, callback)], body)
            {
                Lane = InboxLane.Of(callback.Message?.ConversationId),
            };
            stored = await inbox.AppendClaimedAsync(inbound, _owner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing to answer WeCom with on a long connection: the message is not stored, and not answered.
            LogStoreFailed(logger, ex, app.Name, type);
            return;
        }

        telemetry?.Stored(app.Name, type, stored.Status == InboxAppendStatus.Duplicate);
        if (stored.Status == InboxAppendStatus.Duplicate)
        {
            return;
        }

        var item = new InboxEvent
        {
            Id = stored.EventId,
            AppName = app.Name,
            EventType = type,
            Body = body,
            Transport = Transport,
            ReceivedAt = time.GetUtcNow(),
            State = WorkState.InProgress,
            Attempts = 1,
            LeaseOwner = _owner,
        };
        WorkOutcome<InboxEvent> outcome;
        try
        {
            outcome = await processor.HandleAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and the inbox queue handles it again.
            return;
        }
        catch (Exception ex)
        {
            LogHandleFailed(logger, stored.EventId, QueueErrors.ForLog(ex));
            outcome = WorkOutcome<InboxEvent>.Failed(options.Value.Retry.NextAttempt(time.GetUtcNow(), attempts: 1), QueueErrors.Describe(ex));
        }

        try
        {
            await queue.RecordAsync(stored.EventId, _owner, outcome, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Left InProgress under this lease: it runs out and the queue takes the event again (the bot's replies are keyed).
            LogHandleFailed(logger, stored.EventId, QueueErrors.ForLog(ex));
        }
    }

    /// <summary>The inbox type of a callback.</summary>
    internal static string TypeOf(WeComAiBotCallback callback) => callback.Event is { } e
        ? EventTypePrefix + Short(e.EventType.Length > 0 ? e.EventType : "unknown")
        : MessageTypePrefix + Short(callback.Message?.MsgType is { Length: > 0 } t ? t : "unknown");

    /// <summary>The frame as WeCom sent it — <c>{"cmd","headers":{"req_id"},"body"}</c> — so a later handling knows the req_id to answer.</summary>
    internal static byte[] FrameOf(WeComAiBotCallback callback)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("cmd", callback.Cmd);
            writer.WriteStartObject("headers");
            writer.WriteString("req_id", callback.ReqId);
            writer.WriteEndObject();
            writer.WritePropertyName("body");
            callback.Body.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary><c>wa:{botId}:{msgid}</c> (the frame's req_id when a callback has no msgid), hashed when it would not fit the inbox's key column.</summary>
    private static string Key(string botId, WeComAiBotCallback callback)
    {
        var id = callback.MsgId.Length > 0 ? callback.MsgId : "req:" + callback.ReqId;
        var key = $"wa:{botId}:{id}";
        return key.Length <= 200 ? key : $"wa:{botId}:sha256-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))}";
    }

    private static string Short(string type) => type.Length <= 80 ? type : type[..80];

    [LoggerMessage(EventId = LogEvents.WeComAiBotStoreFailed, Level = LogLevel.Error, Message = "WeCom app '{AppName}': an AI bot callback ({Type}) could not be stored; it is not answered.")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string appName, string type);

    [LoggerMessage(EventId = LogEvents.WeComAiBotHandleFailed, Level = LogLevel.Error, Message = "AI bot callback {EventId}: handling it on its connection failed ({Failure}); stored as Failed for the inbox to retry.")]
    private static partial void LogHandleFailed(ILogger logger, long eventId, string failure);
}
