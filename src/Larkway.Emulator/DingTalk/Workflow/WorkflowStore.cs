using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Workflow;

/// <summary>What a change did, for the events it raises: the instance after it and the tasks it started or finished.</summary>
internal sealed record WorkflowChange(WorkflowInstance Instance, string? InstanceEvent, IReadOnlyList<(WorkflowTask Task, string Type, string? Remark)> TaskEvents);

/// <summary>
/// OA approval templates and their instances, in memory. Nodes run one after another; a node's tasks are created when
/// it starts. An AND node needs every approver's agree, an OR/NONE node one; any refuse ends the instance COMPLETED/refuse.
/// Instances are kept in the state file (<see cref="Export"/>, <see cref="Restore"/>); the templates are built in.
/// An approver who is not (or no longer) in the org is replaced by the org's approval admin (<see cref="ApprovalAdmin"/>),
/// as DingTalk's admin console hands such a node on by default (审批人为空/离职 → 转交审批管理员): when a node starts, and
/// for the running tasks of a person who leaves (<see cref="HandOver"/>).
/// </summary>
internal sealed class WorkflowStore(TimeProvider time, StateRevision revision, DingTalkOrg org)
{
    /// <summary>The sandbox org's approval admin (审批管理员): Dave.</summary>
    public const string ApprovalAdmin = "dave";

    /// <summary>The seeded payment template of the default org.</summary>
    public const string PaymentProcessCode = "PROC-LW-PAYMENT";

    /// <summary>The seeded purchase template: a select, a detail table, a multi-select and a date range.</summary>
    public const string PurchaseProcessCode = "PROC-LW-PURCHASE";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProcessDefinition> _definitions = new(StringComparer.Ordinal)
    {
        [PaymentProcessCode] = new(PaymentProcessCode, "Payment",
            [
                new("MoneyField-amount", "MoneyField", "Amount", Required: true),
                new("TextareaField-reason", "TextareaField", "Reason", Required: true),
                new("DDDateField-date", "DDDateField", "Payment date", Required: false),
            ],
            [new("NONE", ["alice"]), new("NONE", ["carol"])]),
        [PurchaseProcessCode] = new(PurchaseProcessCode, "Purchase",
            [
                new("DDSelectField-category", "DDSelectField", "Category", Required: true) { Options = ["Hardware", "Software"] },
                new("TableField-items", "TableField", "Items", Required: true)
                {
                    Children =
                    [
                        new("TextField-item", "TextField", "Item", Required: true),
                        new("MoneyField-price", "MoneyField", "Price", Required: true),
                    ],
                },
                new("DDMultiSelectField-sites", "DDMultiSelectField", "Sites", Required: false) { Options = ["Beijing", "Hangzhou", "Shenzhen"] },
                new("DDDateRangeField-period", "DDDateRangeField", "Period start", Required: false) { EndLabel = "Period end" },
            ],
            [new("NONE", ["alice"])]),
    };

    private readonly Dictionary<string, WorkflowInstance> _instances = new(StringComparer.Ordinal);
    private long _nextTaskId = 60_000_000_001;

    public ProcessDefinition? Definition(string processCode)
    {
        lock (_gate)
        {
            return _definitions.GetValueOrDefault(processCode);
        }
    }

    public WorkflowInstance? Find(string id)
    {
        lock (_gate)
        {
            return _instances.GetValueOrDefault(id);
        }
    }

    /// <summary>Starts an instance on its first node; the caller has checked the template, the originator and the form.</summary>
    public WorkflowChange Start(string appKey, ProcessDefinition definition, string originator, string originatorName, long deptId, IReadOnlyList<FormValue> form,
        IReadOnlyList<ApproverNode> nodes, IReadOnlyList<string> cc)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var id = Guid.NewGuid().ToString("N")[..22];
            var instance = new WorkflowInstance(id, appKey, definition.ProcessCode, $"{originatorName}提交的{definition.Name}", originator, deptId, form, nodes, cc,
                "RUNNING", "", [], [new OperationRecord(originator, "START_PROCESS_INSTANCE", "NONE", null, now, null)], now, null);
            var started = StartNodeLocked(ref instance, 0, now);
            _instances[id] = instance;
            revision.Advance();
            return new WorkflowChange(instance, "start", [.. started.Select(t => (t, "start", (string?)null))]);
        }
    }

    /// <summary>An approver's agree or refuse on their RUNNING task.</summary>
    public WorkflowChange Execute(string id, long taskId, string actioner, bool agree, string? remark)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var instance = RunningLocked(id);
            var task = instance.Tasks.FirstOrDefault(t => t.TaskId == taskId)
                ?? throw DingTalkException.Api(400, WorkflowCodes.TaskNotExist, $"taskId {taskId} is not a task of process instance '{id}'; read the instance's tasks for the ids.");
            if (task.UserId != actioner)
            {
                throw DingTalkException.Api(400, WorkflowCodes.ActionerMismatch, $"task {taskId} belongs to '{task.UserId}', not to actionerUserId '{actioner}'.");
            }

            if (task.Status != "RUNNING")
            {
                throw DingTalkException.Api(400, WorkflowCodes.TaskNotRunning, $"task {taskId} is {task.Status}, not RUNNING; it cannot be executed again.");
            }

            var done = task with { Status = "COMPLETED", Result = agree ? "AGREE" : "REFUSE", FinishedAt = now };
            var events = new List<(WorkflowTask, string, string?)> { (done, "finish", remark) };
            instance = instance with
            {
                Tasks = [.. instance.Tasks.Select(t => t.TaskId == taskId ? done : t)],
                Records = [.. instance.Records, new OperationRecord(actioner, "EXECUTE_TASK_NORMAL", done.Result, remark, now, task.ActivityId)],
            };
            string? instanceEvent = null;
            var node = instance.Nodes[task.Node];
            var nodeDone = !agree || node.ActionType != "AND" || instance.Tasks.Where(t => t.Node == task.Node).All(t => t.Result == "AGREE");
            if (nodeDone)
            {
                // The other approvers of an OR node (or of any node after a refuse) have nothing left to decide.
                instance = instance with { Tasks = [.. instance.Tasks.Select(t => t.Status == "RUNNING" ? t with { Status = "CANCELED", FinishedAt = now } : t)] };
                if (!agree || task.Node + 1 == instance.Nodes.Count)
                {
                    instance = instance with { Status = "COMPLETED", Result = agree ? "agree" : "refuse", FinishedAt = now };
                    instanceEvent = "finish";
                }
                else
                {
                    events.AddRange(StartNodeLocked(ref instance, task.Node + 1, now).Select(t => (t, "start", (string?)null)));
                }
            }

            _instances[id] = instance;
            revision.Advance();
            return new WorkflowChange(instance, instanceEvent, events);
        }
    }

    /// <summary>
    /// <paramref name="userId"/> left the org: each RUNNING task of theirs is redirected (转交) to the approval admin, the
    /// old task COMPLETED with result REDIRECTED (its finish event says <c>redirect</c>), a RUNNING one for the admin on the same node, a REDIRECT_TASK record.
    /// Left as it is when the admin is the one who left (nobody to hand it to) or already holds a task on that node.
    /// </summary>
    public IReadOnlyList<WorkflowChange> HandOver(string userId)
    {
        var now = time.GetUtcNow();
        var changes = new List<WorkflowChange>();
        lock (_gate)
        {
            if (userId == ApprovalAdmin)
            {
                return changes;
            }

            foreach (var instance in _instances.Values.Where(i => i.Status == "RUNNING").ToList())
            {
                var updated = instance;
                var events = new List<(WorkflowTask, string, string?)>();
                foreach (var task in instance.Tasks.Where(t => t.UserId == userId && t.Status == "RUNNING"))
                {
                    var redirected = task with { Status = "COMPLETED", Result = "REDIRECTED", FinishedAt = now };
                    var tasks = updated.Tasks.Select(t => t.TaskId == task.TaskId ? redirected : t).ToList();
                    events.Add((redirected, "finish", null));
                    if (!tasks.Any(t => t.Node == task.Node && t.UserId == ApprovalAdmin && t.Status == "RUNNING"))
                    {
                        var admin = new WorkflowTask(_nextTaskId++, ApprovalAdmin, task.Node, task.ActivityId, "RUNNING", "NONE", now, null);
                        tasks.Add(admin);
                        events.Add((admin, "start", null));
                    }

                    updated = updated with
                    {
                        Tasks = tasks,
                        Records = [.. updated.Records, new OperationRecord(userId, "REDIRECT_TASK", "NONE", $"{userId} left the organisation; handed to the approval admin", now, task.ActivityId)],
                    };
                }

                if (events.Count > 0)
                {
                    _instances[instance.Id] = updated;
                    changes.Add(new WorkflowChange(updated, null, events));
                }
            }

            if (changes.Count > 0)
            {
                revision.Advance();
            }
        }

        return changes;
    }

    /// <summary>Ends a RUNNING instance TERMINATED; its open tasks are canceled.</summary>
    public WorkflowChange Terminate(string id, string operatorUserId, string? remark)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var instance = RunningLocked(id);
            instance = instance with
            {
                Status = "TERMINATED",
                FinishedAt = now,
                Tasks = [.. instance.Tasks.Select(t => t.Status == "RUNNING" ? t with { Status = "CANCELED", FinishedAt = now } : t)],
                Records = [.. instance.Records, new OperationRecord(operatorUserId, "TERMINATE_PROCESS_INSTANCE", "NONE", remark, now, null)],
            };
            _instances[id] = instance;
            revision.Advance();
            return new WorkflowChange(instance, "terminate", []);
        }
    }

    /// <summary>A comment (ADD_REMARK) on an instance in any state.</summary>
    public void Comment(string id, string userId, string text)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var instance = FoundLocked(id);
            _instances[id] = instance with { Records = [.. instance.Records, new OperationRecord(userId, "ADD_REMARK", "NONE", text, now, null)] };
            revision.Advance();
        }
    }

    /// <summary>Every instance, newest first (for the approval pages).</summary>
    public IReadOnlyList<WorkflowInstance> All()
    {
        lock (_gate)
        {
            return [.. _instances.Values.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>The instances for the state file, oldest first.</summary>
    public IReadOnlyList<WorkflowInstance> Export()
    {
        lock (_gate)
        {
            return [.. _instances.Values.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>The instances a state file kept; new task ids continue after the largest kept one.</summary>
    public void Restore(IReadOnlyList<WorkflowInstance> instances)
    {
        lock (_gate)
        {
            foreach (var instance in instances)
            {
                _instances[instance.Id] = instance;
                _nextTaskId = Math.Max(_nextTaskId, instance.Tasks.Select(t => t.TaskId + 1).DefaultIfEmpty(0).Max());
            }
        }
    }

    /// <summary>The ids of the template's instances started in [start, end] (ms), oldest first, from <paramref name="offset"/>.</summary>
    public (IReadOnlyList<string> Ids, long? Next) ListIds(string appKey, string processCode, long startMs, long endMs, long offset, int max)
    {
        lock (_gate)
        {
            var all = _instances.Values
                .Where(i => i.AppKey == appKey && i.ProcessCode == processCode && i.CreatedAt.ToUnixTimeMilliseconds() is var ms && ms >= startMs && ms <= endMs)
                .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
                .Select(i => i.Id)
                .ToList();
            var page = all.Skip((int)Math.Min(offset, int.MaxValue)).Take(max).ToList();
            return (page, offset + page.Count < all.Count ? offset + page.Count : null);
        }
    }

    private WorkflowInstance FoundLocked(string id) =>
        _instances.GetValueOrDefault(id) ?? throw DingTalkException.Api(400, WorkflowCodes.InstanceNotExist, $"process instance '{id}' does not exist.");

    private WorkflowInstance RunningLocked(string id)
    {
        var instance = FoundLocked(id);
        return instance.Status == "RUNNING"
            ? instance
            : throw DingTalkException.Api(400, WorkflowCodes.InstanceNotRunning, $"process instance '{id}' is {instance.Status}; only a RUNNING instance can be acted on.");
    }

    private List<WorkflowTask> StartNodeLocked(ref WorkflowInstance instance, int node, DateTimeOffset now)
    {
        var activity = $"act-{node + 1}";
        var tasks = instance.Nodes[node].UserIds.Select(u => org.FindUser(u) is null ? ApprovalAdmin : u).Distinct(StringComparer.Ordinal)
            .Select(u => new WorkflowTask(_nextTaskId++, u, node, activity, "RUNNING", "NONE", now, null)).ToList();
        instance = instance with { Tasks = [.. instance.Tasks, .. tasks] };
        return tasks;
    }
}

/// <summary>
/// The workflow API's refusal codes. processCodeError, formConverterError and processInstanceInvalidParameter are the
/// codes DingTalk names for the start call; the others are this emulator's own, each saying what to fix.
/// </summary>
internal static class WorkflowCodes
{
    public const string ProcessCodeError = "processCodeError";
    public const string FormConverterError = "formConverterError";
    public const string InstanceInvalidParameter = "processInstanceInvalidParameter";
    public const string InstanceNotExist = "processInstanceNotExist";
    public const string InstanceNotRunning = "processInstanceNotRunning";
    public const string TaskNotExist = "taskNotExist";
    public const string ActionerMismatch = "actionerNotTaskOwner";
    public const string TaskNotRunning = "taskNotRunning";
}
