using System.Text.Json;

namespace Larkway.Emulator.DingTalk.AppRobot;

/// <summary>
/// A message the app robot (企业内部应用机器人) delivered: into one user's one-to-one conversation with the robot
/// (<see cref="UserId"/>) or into a group (<see cref="ConversationId"/>). One batchSend delivers one message per user,
/// all under the same <see cref="ProcessQueryKey"/>, which is what recall names.
/// </summary>
internal sealed record AppRobotMessage(
    string ProcessQueryKey,
    string RobotCode,
    string? UserId,
    string? ConversationId,
    string MsgKey,
    JsonElement MsgParam,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RecalledAt = null);
