using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.WorkNotifications;

/// <summary>
/// Work notification tasks and what each user received; kept in the state file when there is one. Applies DingTalk's
/// documented per-user limits, under which the call still succeeds but the user does not get the message (they land in
/// the task's forbidden_user_id_list): the same content only once a day, and at most
/// <see cref="InternalAppDailyPerUser"/> notifications a day from an internal app. A "day" is the calendar day in China
/// Standard Time (UTC+8) — DingTalk says "per day" without naming the clock (unsure).
/// </summary>
internal sealed class WorkNotificationStore(EmulatorOptions options, StateRevision revision)
{
    /// <summary>Documented: an internal app can send one employee up to 500 work notifications a day.</summary>
    public const int InternalAppDailyPerUser = 500;

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, WorkNotificationTask> _tasks = [];
    private readonly List<WorkNotification> _notifications = [];
    private long _lastTaskId;

    /// <summary>Delivers to each recipient the limits allow and records the task; returns it.</summary>
    public WorkNotificationTask Send(long agentId, IReadOnlyList<string> recipients, IReadOnlyList<string> invalidUsers, IReadOnlyList<long> invalidDepts, string msgType, System.Text.Json.JsonElement msg, DateTimeOffset now)
    {
        var content = msg.GetRawText();
        var today = Day(now);
        lock (_gate)
        {
            var taskId = _lastTaskId = Math.Max(_lastTaskId + 1, now.ToUnixTimeMilliseconds() * 10);
            var delivered = new List<string>();
            var forbidden = new List<string>();
            foreach (var userId in recipients)
            {
                var todays = _notifications.Where(n => n.UserId == userId && n.AgentId == agentId && Day(n.CreatedAt) == today).ToList();
                var held = todays.Any(n => n.Msg.GetRawText() == content)
                    || (options.EnforceRateLimits && todays.Count >= InternalAppDailyPerUser);
                if (held)
                {
                    forbidden.Add(userId);
                    continue;
                }

                delivered.Add(userId);
                _notifications.Add(new WorkNotification(taskId, agentId, userId, msgType, msg, now));
            }

            var task = new WorkNotificationTask(taskId, agentId, delivered, invalidUsers, forbidden, invalidDepts, now);
            _tasks[taskId] = task;
            revision.Advance();
            return task;
        }
    }

    public WorkNotificationTask? Task(long taskId)
    {
        lock (_gate)
        {
            return _tasks.GetValueOrDefault(taskId);
        }
    }

    public IReadOnlyList<WorkNotification> ToUser(string userId)
    {
        lock (_gate)
        {
            return [.. _notifications.Where(n => n.UserId == userId)];
        }
    }

    public (IReadOnlyList<WorkNotificationTask> Tasks, IReadOnlyList<WorkNotification> Notifications) Export()
    {
        lock (_gate)
        {
            return ([.. _tasks.Values], [.. _notifications]);
        }
    }

    public void Restore(IEnumerable<WorkNotificationTask> tasks, IEnumerable<WorkNotification> notifications)
    {
        lock (_gate)
        {
            foreach (var task in tasks)
            {
                _tasks[task.TaskId] = task;
                _lastTaskId = Math.Max(_lastTaskId, task.TaskId);
            }

            _notifications.AddRange(notifications);
        }
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(ChinaOffset).DateTime);
}
