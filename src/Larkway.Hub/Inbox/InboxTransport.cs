using Larkway.Feishu.Events.Ingest;

namespace Larkway.Hub.Inbox;

/// <summary>How an inbox event arrived, on every platform (stored as its name in <c>inbox_events.transport</c>).</summary>
public enum InboxTransport
{
    /// <summary>Feishu: an HTTP request to a webhook endpoint.</summary>
    Http,

    /// <summary>Feishu: a data frame of the long connection.</summary>
    LongConnection,

    /// <summary>DingTalk: a frame of the Stream connection.</summary>
    DingtalkStream,

    /// <summary>DingTalk: an HTTP callback (the outgoing robot, or the event subscription's encrypted push).</summary>
    DingtalkCallback,

    /// <summary>WeCom: an app's encrypted URL callback (a member's message, an event, a template card click).</summary>
    WecomCallback,

    /// <summary>WeCom: a frame of an AI bot's long connection (a message to the bot, or an event), answered by its req_id.</summary>
    WecomAibot,
}

/// <summary>Platform helpers for <see cref="InboxTransport"/>.</summary>
public static class InboxTransports
{
    /// <summary>The transport of a Feishu event.</summary>
    public static InboxTransport Of(FeishuEventTransport transport) =>
        transport == FeishuEventTransport.LongConnection ? InboxTransport.LongConnection : InboxTransport.Http;
}

/// <summary>
/// A verified event of another platform than Feishu, as its receiver hands it to the inbox: the app's name in the Hub, a
/// type (<c>dingtalk.robot_message</c>, <c>dingtalk.event.{type}</c>…), the platform's own ids as dedup keys (most
/// specific first; any one already stored makes it a duplicate) and the body to keep for handling.
/// </summary>
public sealed record PlatformInbound(string AppName, string EventType, InboxTransport Transport, IReadOnlyList<string> Keys, byte[] Body)
{
    /// <summary>The conversation the event belongs to, as the platform names it (<see cref="InboxLane.Of"/>); null for none.</summary>
    public string? Lane { get; init; }
}
