using System.Globalization;
using System.Text.Json;

namespace Larkway.DingTalk.Stream;

/// <summary>A frame DingTalk pushed on a Stream connection: an EVENT or a CALLBACK (SYSTEM frames are the client's own business).</summary>
public sealed class DingTalkStreamMessage
{
    internal DingTalkStreamMessage(string type, IReadOnlyDictionary<string, string> headers, string data, string connectionId)
    {
        Type = type;
        Headers = headers;
        Data = data;
        ConnectionId = connectionId;
    }

    /// <summary><c>EVENT</c> or <c>CALLBACK</c>.</summary>
    public string Type { get; }

    /// <summary>
    /// The frame's headers as sent (<c>topic</c>, <c>messageId</c>, <c>time</c>…; an EVENT's <c>eventId</c>, <c>eventType</c>,
    /// <c>eventBornTime</c>, <c>eventCorpId</c> and <c>eventUnifiedAppId</c>, read typed below).
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The payload: a JSON document, as DingTalk sent it (a string inside the frame).</summary>
    public string Data { get; }

    /// <summary>The client's id of the connection the frame came on.</summary>
    public string ConnectionId { get; }

    /// <summary>The frame's topic (for events, <c>*</c> was subscribed; see <see cref="EventType"/>).</summary>
    public string Topic => Headers.GetValueOrDefault("topic") ?? "";

    /// <summary>DingTalk's id of this push; a frame pushed again carries the same one.</summary>
    public string MessageId => Headers.GetValueOrDefault("messageId") ?? "";

    /// <summary>An event's type (<c>eventType</c> header), or null for callbacks.</summary>
    public string? EventType => Headers.GetValueOrDefault("eventType");

    /// <summary>An event's id (<c>eventId</c> header), the key to deduplicate events by across connections.</summary>
    public string? EventId => Headers.GetValueOrDefault("eventId");

    /// <summary>The corp (organisation) an event belongs to (<c>eventCorpId</c> header), or null for callbacks.</summary>
    public string? EventCorpId => Headers.GetValueOrDefault("eventCorpId");

    /// <summary>The unified app id of the app an event was pushed for (<c>eventUnifiedAppId</c> header), or null for callbacks.</summary>
    public string? EventUnifiedAppId => Headers.GetValueOrDefault("eventUnifiedAppId");

    /// <summary>When DingTalk says an event happened (<c>eventBornTime</c> header, Unix milliseconds); null when absent or not a time.</summary>
    public DateTimeOffset? EventBornTime =>
        long.TryParse(Headers.GetValueOrDefault("eventBornTime"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms is > 0 and < 253_402_300_800_000
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    /// <summary>True for a message sent to the app's robot.</summary>
    public bool IsRobotMessage => Type == "CALLBACK" && Topic is DingTalkStreamTopics.RobotMessages or DingTalkStreamTopics.RobotDelegateMessages;

    /// <summary>True for an approval event (<c>bpms_instance_change</c> or <c>bpms_task_change</c>).</summary>
    public bool IsWorkflowEvent => Type == "EVENT" && EventType is Workflow.DingTalkWorkflowEvent.InstanceChange or Workflow.DingTalkWorkflowEvent.TaskChange;

    /// <summary>The approval event this frame carries.</summary>
    /// <exception cref="InvalidOperationException">The frame is not an approval event.</exception>
    /// <exception cref="JsonException">Its data is not the documented JSON.</exception>
    public Workflow.DingTalkWorkflowEvent ReadWorkflowEvent() => IsWorkflowEvent
        ? Workflow.DingTalkWorkflowEvent.Parse(Data, EventType)
        : throw new InvalidOperationException($"The frame is a {Type} {EventType ?? Topic}, not an approval event.");

    /// <summary>The robot message this frame carries.</summary>
    /// <exception cref="InvalidOperationException">The frame is not a robot message.</exception>
    /// <exception cref="JsonException">Its data is not the documented JSON.</exception>
    public DingTalkRobotInboundMessage ReadRobotMessage() => IsRobotMessage
        ? DingTalkRobotInboundMessage.Parse(Data)
        : throw new InvalidOperationException($"The frame is a {Type} on {Topic}, not a robot message.");
}

/// <summary>What the handler answers to a frame; sent back on the frame's connection as its ack.</summary>
public sealed record DingTalkStreamAck
{
    private DingTalkStreamAck(int code, string message, string data)
    {
        Code = code;
        Message = message;
        Data = data;
    }

    /// <summary>200 OK, 400 bad request, 404 not implemented, 500 failure.</summary>
    public int Code { get; }

    /// <summary>The ack's message.</summary>
    public string Message { get; }

    /// <summary>The ack's data, a JSON document.</summary>
    public string Data { get; }

    /// <summary>An event handled: DingTalk does not push it again.</summary>
    public static DingTalkStreamAck Success { get; } = new(200, "OK", """{"status":"SUCCESS"}""");

    /// <summary>A callback handled with no answer (<c>{"response":null}</c>).</summary>
    public static DingTalkStreamAck Handled { get; } = new(200, "OK", """{"response":null}""");

    /// <summary>An event not handled now: DingTalk pushes it again later.</summary>
    public static DingTalkStreamAck Later(string? reason = null) =>
        new(200, "OK", JsonSerializer.Serialize(new Dictionary<string, string?> { ["status"] = "LATER", ["message"] = reason }, StreamJson.Default.DictionaryStringString));

    /// <summary>A callback answered with <paramref name="responseJson"/> (a card callback's new card data, say).</summary>
    public static DingTalkStreamAck Respond(string responseJson)
    {
        using var parsed = JsonDocument.Parse(responseJson);
        return new DingTalkStreamAck(200, "OK", $$"""{"response":{{parsed.RootElement.GetRawText()}}}""");
    }

    /// <summary>A failure ack (<paramref name="code"/> 400, 404 or 500).</summary>
    public static DingTalkStreamAck Failed(int code, string message) => new(code, message, "{}");
}
