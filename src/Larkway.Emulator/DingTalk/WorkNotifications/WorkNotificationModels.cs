using System.Text.Json;

namespace Larkway.Emulator.DingTalk.WorkNotifications;

/// <summary>A work notification (工作通知) one user received: the task it came from and the <c>msg</c> object as sent.</summary>
internal sealed record WorkNotification(long TaskId, long AgentId, string UserId, string MsgType, JsonElement Msg, DateTimeOffset CreatedAt);

/// <summary>
/// One asyncsend_v2 call and how it ended: who got it, who was unknown, who was held back by DingTalk's documented
/// limits (forbidden: the same content twice in a day, or over the per-user daily count), and unknown departments.
/// </summary>
internal sealed record WorkNotificationTask(
    long TaskId,
    long AgentId,
    IReadOnlyList<string> Delivered,
    IReadOnlyList<string> InvalidUsers,
    IReadOnlyList<string> ForbiddenUsers,
    IReadOnlyList<long> InvalidDepts,
    DateTimeOffset CreatedAt);
