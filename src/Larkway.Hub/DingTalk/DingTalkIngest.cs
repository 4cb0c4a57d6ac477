using System.Security.Cryptography;
using System.Text;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// What the Hub keeps of a DingTalk push: verified and decrypted by its receiver (Stream or HTTP callback), stored in the
/// inbox under DingTalk's own ids before it is acknowledged, so a redelivery — DingTalk re-sends an unacked event, and
/// two Stream connections or the HTTP mode may bring the same message twice — is a no-op.
/// </summary>
internal sealed class DingTalkIngest(InboxStore inbox, InboxTelemetry? telemetry = null)
{
    /// <summary>The inbox type of a robot message (Stream topic <c>/v1.0/im/bot/messages/get</c>, or the outgoing robot's POST).</summary>
    public const string RobotMessageType = "dingtalk.robot_message";

    /// <summary>The inbox type of an interactive card's callback.</summary>
    public const string CardCallbackType = "dingtalk.card_callback";

    /// <summary>The prefix of an event's inbox type: <c>dingtalk.event.{eventType}</c>.</summary>
    public const string EventTypePrefix = "dingtalk.event.";

    /// <summary>A frame of the Stream connection (stored as <c>DingtalkStream</c>).</summary>
    public static InboxTransport StreamTransport { get; } = new("DingtalkStream");

    /// <summary>An HTTP callback: the outgoing robot, or the event subscription's encrypted push (stored as <c>DingtalkCallback</c>).</summary>
    public static InboxTransport CallbackTransport { get; } = new("DingtalkCallback");

    /// <summary>Stores a robot message, deduplicated on its msgId within the app, in the lane of its conversationId.</summary>
    public Task<InboxAppendResult> RobotMessageAsync(
        string appName, string appKey, string messageId, string? conversationId, string json, InboxTransport transport, CancellationToken cancellationToken) =>
        AppendAsync(appName, RobotMessageType, transport, Key(appKey, "msg", messageId, json), json, cancellationToken, InboxLane.Of(conversationId));

    /// <summary>Stores an event, deduplicated on its eventId (or, for pushes without one, on its content).</summary>
    public Task<InboxAppendResult> EventAsync(string appName, string appKey, string eventType, string? eventId, string json, InboxTransport transport, CancellationToken cancellationToken) =>
        AppendAsync(appName, EventTypePrefix + Short(eventType), transport, Key(appKey, "evt", eventId, json), json, cancellationToken);

    /// <summary>
    /// Stores a Stream EVENT as its frame (<see cref="DingTalkStoredEvent"/>: the headers name the corp), deduplicated on
    /// its eventId or, without one, on its data — the headers differ between pushes of the same event.
    /// </summary>
    public Task<InboxAppendResult> StreamEventAsync(string appName, string appKey, DingTalkStreamMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return AppendAsync(appName, EventTypePrefix + Short(message.EventType ?? "unknown"), StreamTransport, Key(appKey, "evt", message.EventId, message.Data),
            DingTalkStoredEvent.Of(message), cancellationToken);
    }

    /// <summary>Stores a card callback, deduplicated on the frame's message id.</summary>
    public Task<InboxAppendResult> CardCallbackAsync(string appName, string appKey, string messageId, string json, CancellationToken cancellationToken) =>
        AppendAsync(appName, CardCallbackType, StreamTransport, Key(appKey, "card", messageId, json), json, cancellationToken);

    private async Task<InboxAppendResult> AppendAsync(
        string appName, string type, InboxTransport transport, string key, string json, CancellationToken cancellationToken, string? lane = null)
    {
        var inbound = new PlatformInbound(appName, type, transport, [key], Encoding.UTF8.GetBytes(json)) { Lane = lane };
        var appended = await inbox.AppendAsync(inbound, cancellationToken).ConfigureAwait(false);

        // Counted with Feishu's events (larkway.hub.inbox.*), under the DingTalk type: one dashboard for both platforms.
        telemetry?.Stored(appName, type, appended.Status != InboxAppendStatus.Accepted);
        return appended;
    }

    /// <summary>
    /// <c>dt:{appKey}:{kind}:{id}</c>; without an id, a hash of the content (a legacy push carries none, and DingTalk re-sends
    /// it byte for byte).
    /// </summary>
    private static string Key(string appKey, string kind, string? id, string json)
    {
        var value = string.IsNullOrEmpty(id) ? "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))) : id;
        var key = $"dt:{appKey}:{kind}:{value}";

        // The inbox's key column is bounded; DingTalk's ids are short, so only hostile input is ever hashed here.
        return key.Length <= 200 ? key : $"dt:{appKey}:{kind}:sha256-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))}";
    }

    private static string Short(string eventType) => eventType.Length <= 80 ? eventType : eventType[..80];
}
