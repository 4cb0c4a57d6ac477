using Larkway.Emulator.DingTalk.AppRobot;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.WorkNotifications;

namespace Larkway.Emulator.DingTalk.State;

/// <summary>
/// DingTalk's part of the state file: live tokens (a client's cached token keeps working across a restart), the custom
/// robots with their groups, what they received, the app robot's one-to-one and group messages, work notifications with their tasks, interactive cards, what users wrote to robots, the session webhooks with the replies
/// posted to them, the apps' callback settings (URLs, token and aes_key) and the OA approval instances. Not in it: the org (rebuilt from the options), robot rate windows
/// and throttles, and faults — they start empty, as the Feishu ones do.
/// </summary>
internal sealed record DingTalkSnapshot(
    IReadOnlyList<DingTalkToken> Tokens,
    IReadOnlyList<CustomRobot> Robots,
    IReadOnlyList<RobotConversation> Conversations,
    IReadOnlyList<RobotMessage> Messages,
    IReadOnlyList<AppRobotMessage>? AppRobotMessages = null,
    IReadOnlyList<WorkNotificationTask>? WorkNotificationTasks = null,
    IReadOnlyList<WorkNotification>? WorkNotifications = null,
    IReadOnlyList<CardInstance>? Cards = null,
    IReadOnlyList<Chat.DingTalkUserMessage>? UserMessages = null,
    IReadOnlyList<Stream.RobotSession>? RobotSessions = null,
    IReadOnlyList<Stream.DingTalkSessionReply>? SessionReplies = null,
    IReadOnlyList<Callbacks.CallbackSettings>? Callbacks = null,
    IReadOnlyList<Workflow.WorkflowInstance>? WorkflowInstances = null)
{
    /// <summary>Fails naming the first record that points at something the file does not have.</summary>
    public void Check()
    {
        var conversations = Conversations.Select(c => c.ConversationId).ToHashSet(StringComparer.Ordinal);
        if (Robots.FirstOrDefault(r => !conversations.Contains(r.ConversationId)) is { } robot)
        {
            throw new InvalidDataException($"DingTalk robot '{robot.Name}' posts into conversation {robot.ConversationId}, which the file does not have");
        }

        var robots = Robots.Select(r => r.AccessToken).ToHashSet(StringComparer.Ordinal);
        if (Messages.FirstOrDefault(m => !robots.Contains(m.RobotAccessToken) || !conversations.Contains(m.ConversationId)) is { } message)
        {
            throw new InvalidDataException($"DingTalk robot message {message.MsgId} names a robot or conversation the file does not have");
        }

        if ((AppRobotMessages ?? []).FirstOrDefault(m => m.ConversationId is not null && !conversations.Contains(m.ConversationId)) is { } groupMessage)
        {
            throw new InvalidDataException($"DingTalk app robot message {groupMessage.ProcessQueryKey} names a group the file does not have");
        }
    }
}
