using Larkway.Emulator.DingTalk.Callbacks;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.Stream;

namespace Larkway.Emulator.DingTalk.Chat;

/// <summary>What delivering a user's message did: its msgId, the Stream push, its session webhook and the HTTP delivery's id.</summary>
internal sealed record InboundDelivery(string MsgId, DingTalkStreamPush Push, string SessionWebhook, string? HttpDeliveryId);

/// <summary>
/// A user writes to a robot, as DingTalk delivers it: a robot message with a fresh session webhook, pushed over Stream
/// (topic <c>/v1.0/im/bot/messages/get</c>) to one of the app's connections and, when the app's robot has an HTTP
/// receiving address, POSTed there signed. The message is kept so the conversation shows it; replies to the session
/// webhook (or in the HTTP answer) land in <see cref="RobotSessions"/> under the same conversationId.
/// </summary>
internal sealed class InboundRobotMessages(DingTalkStreamHub hub, RobotSessions sessions, UserMessageStore messages, CallbackSettingsStore settings, CallbackSender sender, DingTalkOrg org, TimeProvider time)
{
    /// <param name="request">The message.</param>
    /// <param name="origin">The emulator's scheme and host as the caller reached it: the session webhook is built on it.</param>
    public async Task<InboundDelivery> DeliverAsync(RobotMessageRequest request, string origin)
    {
        var now = time.GetUtcNow();
        var conversationId = RobotMessages.ConversationIdOf(request);
        var (session, expiresAt) = sessions.Open(request.AppKey, conversationId);
        var webhook = $"{origin}{DingTalkStreamEndpoints.SessionWebhookPath}?session={session}";
        var msgId = RobotMessages.NewMsgId();
        var data = RobotMessages.Build(request, hub.CorpIdOf(request.AppKey), msgId, webhook, expiresAt, now).ToJsonString(StreamHttp.Json);
        messages.Append(new DingTalkUserMessage(msgId, request.AppKey, conversationId, request.ConversationType, request.SenderStaffId, request.SenderNick, request.Text, request.AtBot, now));

        var push = await hub.PushCallbackAsync(request.AppKey, StreamTopics.RobotMessage, data);
        string? httpDelivery = null;
        if (settings.Get(request.AppKey).RobotUrl is { } url && org.FindApp(request.AppKey) is { } app)
        {
            httpDelivery = sender.StartRobotMessage(app.AppKey, app.AppSecret, url, data, (msgType, body) => sessions.RecordDirectReply(app.AppKey, conversationId, msgType, body));
        }

        return new InboundDelivery(msgId, push, webhook, httpDelivery);
    }

    /// <summary>A group message that does not @ the robot: members see it, the robot is not told (DingTalk's rule).</summary>
    public void RecordOnly(RobotMessageRequest request) =>
        messages.Append(new DingTalkUserMessage(RobotMessages.NewMsgId(), request.AppKey, RobotMessages.ConversationIdOf(request), request.ConversationType, request.SenderStaffId, request.SenderNick, request.Text, AtBot: false, time.GetUtcNow()));
}
