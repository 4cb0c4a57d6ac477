using System.Security.Cryptography;
using System.Text;
using Larkway.Hub.Inbox;
using Larkway.WeCom.Callbacks;

namespace Larkway.Hub.WeCom;

/// <summary>
/// What the Hub keeps of a WeCom callback: verified and decrypted by <see cref="WeComCallbackEndpoint"/>, stored in the
/// inbox before it is answered, under WeCom's own dedupe key — a message's <c>MsgId</c>, an event's sender + CreateTime +
/// Event (WeCom's advice) — so its three retries after a missed 5 s deadline are no-ops.
/// </summary>
internal sealed class WeComIngest(InboxStore inbox, InboxTelemetry? telemetry = null)
{
    /// <summary>The prefix of a member's message: <c>wecom.message.{MsgType}</c>.</summary>
    public const string MessageTypePrefix = "wecom.message.";

    /// <summary>The prefix of an event: <c>wecom.event.{Event}</c>.</summary>
    public const string EventTypePrefix = "wecom.event.";

    /// <summary>The inbox type of a text message, which the bot answers.</summary>
    public const string TextMessageType = MessageTypePrefix + "text";

    /// <summary>The inbox type of a template card's button click.</summary>
    public const string TemplateCardEventType = EventTypePrefix + "template_card_event";

    /// <summary>An app's encrypted URL callback: a member's message, an event, a template card click (stored as <c>WecomCallback</c>).</summary>
    public static InboxTransport Transport { get; } = new("WecomCallback");

    /// <summary>The inbox type of <paramref name="message"/>.</summary>
    public static string TypeOf(WeComCallbackMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message is WeComEvent e ? EventTypePrefix + Short(e.Event) : MessageTypePrefix + Short(message.MsgType);
    }

    /// <summary>Stores a decrypted callback (its JSON), deduplicated within the corp's app.</summary>
    public async Task<InboxAppendResult> AppendAsync(string appName, string corpId, long? agentId, WeComCallbackMessage message, byte[] json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = TypeOf(message);
        var kind = message is WeComEvent ? "evt" : "msg";
        // A member's messages to the app are one direct conversation with it: the member is the lane.
        var inbound = new PlatformInbound(appName, type, Transport, [Key(corpId, agentId, kind, DedupeValue(message))], json)
        {
            Lane = message is WeComEvent ? null : InboxLane.Of(message.FromUserName),
        };
        var appended = await inbox.AppendAsync(inbound, cancellationToken).ConfigureAwait(false);

        // Counted with Feishu's and DingTalk's events (larkway.hub.inbox.*), under the WeCom type: one dashboard for all.
        telemetry?.Stored(appName, type, appended.Status != InboxAppendStatus.Accepted);
        return appended;
    }

    /// <summary>
    /// WeCom's key, and for a card click its TaskId and EventKey too: sender + CreateTime + Event alone would merge two
    /// buttons pressed within one second (on two cards, or two buttons of one), while a re-delivered click stays one.
    /// </summary>
    private static string DedupeValue(WeComCallbackMessage message) => message is WeComTemplateCardEvent click
        ? $"{message.DeduplicationKey}:{click.TaskId}:{click.EventKey}"
        : message.DeduplicationKey;

    /// <summary><c>wc:{corpId}:{agentId}:{kind}:{key}</c>, hashed when it would not fit the inbox's key column.</summary>
    private static string Key(string corpId, long? agentId, string kind, string value)
    {
        var key = $"wc:{corpId}:{agentId}:{kind}:{value}";
        return key.Length <= 200 ? key : $"wc:{corpId}:{agentId}:{kind}:sha256-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))}";
    }

    private static string Short(string type) => type.Length <= 80 ? type : type[..80];
}
