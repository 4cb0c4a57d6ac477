using System.Text.Json;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>A custom group robot (自定义机器人) and its security settings; it posts into one group conversation.</summary>
internal sealed record CustomRobot(
    string AccessToken,
    string Name,
    string ConversationId,
    string? Secret,
    IReadOnlyList<string> Keywords,
    IReadOnlyList<string> IpWhitelist,
    DateTimeOffset CreatedAt);

/// <summary>
/// A group conversation: custom robots post into it by webhook, the app robot by openConversationId. Groups made for
/// custom robots have no members listed (null); groups made through <c>POST /_emulator/dingtalk/groups</c> do.
/// </summary>
internal sealed record RobotConversation(string ConversationId, string Title, IReadOnlyList<string>? Members = null);

/// <summary>Who a text or markdown message @-mentions.</summary>
internal sealed record RobotAt(IReadOnlyList<string> AtMobiles, IReadOnlyList<string> AtUserIds, bool IsAtAll)
{
    public static readonly RobotAt None = new([], [], false);
}

/// <summary>
/// A message a robot posted: its msgtype, the type's own object as sent (<c>text</c>, <c>link</c>, <c>markdown</c>,
/// <c>actionCard</c> or <c>feedCard</c>), who it mentions, and the texts the keyword check looked at.
/// </summary>
internal sealed record RobotMessage(
    string MsgId,
    string RobotAccessToken,
    string ConversationId,
    string MsgType,
    JsonElement Content,
    RobotAt At,
    IReadOnlyList<string> Texts,
    DateTimeOffset CreatedAt);
