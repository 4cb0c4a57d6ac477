using Larkway.Emulator.DingTalk.AppRobot;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Chat;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.DingTalk.WorkNotifications;

namespace Larkway.Emulator.DingTalk.Web;

/// <summary>
/// A conversation as one user sees it, gathered from the stores that already hold each part (nothing is copied): the
/// app robot's messages and cards, custom robots' messages, what users wrote, and the replies to session webhooks.
/// </summary>
internal sealed class ChatTimeline(DingTalkOrg org, RobotStore robots, AppRobotStore appRobot, WorkNotificationStore notifications, CardStore cards, UserMessageStore userMessages, RobotSessions sessions)
{
    public DingTalkApp App => org.Apps.First();

    /// <summary>The id DingTalk gives the user's one-to-one conversation with the app robot (stable per app and user).</summary>
    public string SingleConversationId(string userId) =>
        RobotMessages.ConversationIdOf(new RobotMessageRequest(App.AppKey, "1", userId, userId, null, null, string.Empty, true));

    /// <summary>The one-to-one conversation of <paramref name="userId"/> with the app robot, oldest first.</summary>
    public List<(DateTimeOffset At, string Html)> RobotChat(string userId, string back)
    {
        var user = org.FindUser(userId)!;
        var robot = App.Name;
        var cid = SingleConversationId(userId);
        var items = new List<(DateTimeOffset, string)>();
        items.AddRange(appRobot.ToUser(userId).Select(m => (m.CreatedAt, ChatMessageHtml.Bubble(false, robot, m.CreatedAt, ChatMessageHtml.AppRobot(m), "robot", m.ProcessQueryKey))));
        items.AddRange(CardsIn("IM_ROBOT", userId).Select(c => (c.CreatedAt, ChatMessageHtml.Bubble(false, robot, c.CreatedAt, ChatMessageHtml.Card(c, ChatPages.CardClickPath(c.OutTrackId), userId, back), "card", c.OutTrackId))));
        items.AddRange(userMessages.In(cid).Select(m => (m.CreatedAt, ChatMessageHtml.Bubble(true, user.Name, m.CreatedAt, ChatMessageHtml.User(m, robot), "user", m.MsgId))));
        items.AddRange(Replies(cid, robot));
        return Sorted(items);
    }

    /// <summary>The user's 工作通知 conversation: the app's work notifications.</summary>
    public List<(DateTimeOffset At, string Html)> Notifications(string userId) =>
        Sorted(notifications.ToUser(userId).Select(n => (n.CreatedAt, ChatMessageHtml.Bubble(false, App.Name, n.CreatedAt, ChatMessageHtml.WorkNotification(n), "notification"))));

    /// <summary>A group as <paramref name="viewerId"/> sees it: everyone's messages, the robots', the cards.</summary>
    public List<(DateTimeOffset At, string Html)> Group(string conversationId, string? viewerId, string back)
    {
        var robot = App.Name;
        var names = robots.Robots().ToDictionary(r => r.AccessToken, r => r.Name, StringComparer.Ordinal);
        var items = new List<(DateTimeOffset, string)>();
        items.AddRange(robots.MessagesIn(conversationId).Select(m => (m.CreatedAt, ChatMessageHtml.Bubble(false, names.GetValueOrDefault(m.RobotAccessToken, "Robot"), m.CreatedAt, RobotMessageHtml.Content(m), "robot", m.MsgId))));
        items.AddRange(appRobot.InGroup(conversationId).Select(m => (m.CreatedAt, ChatMessageHtml.Bubble(false, robot, m.CreatedAt, ChatMessageHtml.AppRobot(m), "robot", m.ProcessQueryKey))));
        items.AddRange(CardsIn("IM_GROUP", conversationId).Select(c => (c.CreatedAt, ChatMessageHtml.Bubble(false, robot, c.CreatedAt, ChatMessageHtml.Card(c, ChatPages.CardClickPath(c.OutTrackId), viewerId, back), "card", c.OutTrackId))));
        items.AddRange(userMessages.In(conversationId).Select(m => (m.CreatedAt, ChatMessageHtml.Bubble(m.SenderUserId == viewerId, org.FindUser(m.SenderUserId)?.Name ?? m.SenderNick, m.CreatedAt, ChatMessageHtml.User(m, robot), "user", m.MsgId))));
        items.AddRange(Replies(conversationId, robot));
        return Sorted(items);
    }

    private IEnumerable<(DateTimeOffset, string)> Replies(string conversationId, string robot) =>
        sessions.RepliesIn(conversationId).Select(r =>
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(r.AtMs);
            return (at, ChatMessageHtml.Bubble(false, robot, at, ChatMessageHtml.Reply(r), "robot"));
        });

    private IEnumerable<CardInstance> CardsIn(string spaceType, string spaceId) =>
        cards.Export().Where(c => c.Deliveries.Any(d => d.Success && d.SpaceType == spaceType && d.SpaceId == spaceId));

    // Stable: items at the same instant keep the order they were gathered in.
    private static List<(DateTimeOffset At, string Html)> Sorted(IEnumerable<(DateTimeOffset At, string Html)> items) => [.. items.OrderBy(i => i.At)];
}
