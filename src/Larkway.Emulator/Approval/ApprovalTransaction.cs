using System.Globalization;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Approval;

/// <summary>
/// One change of the approval state and the instance state machine (runs under the store's lock):
/// a node's tasks start together (AND, OR) or one after another (SEQUENTIAL); an OR node is done at
/// its first approval (the other tasks become DONE), an AND node when no task is pending; a node with
/// nobody to approve passes automatically; any rejection rejects the instance; the last node's
/// completion approves it. Every task and instance transition raises its v1 event for the apps
/// subscribed to the definition.
/// </summary>
internal sealed class ApprovalTransaction(ApprovalStore store, long now)
{
    private const int Invalid = ErrorCodes.ApprovalInvalidParameter;

    public List<StateChange> Events { get; } = [];

    public long Now => now;

    public ApprovalStore Store => store;

    // ---- instance lifecycle -----------------------------------------------------------------------

    public ApprovalInstance Create(ApprovalDefinition definition, ApprovalInstance instance)
    {
        if (instance.Uuid is not null && store.UuidTaken(instance.Uuid))
        {
            throw ApiErrorException.BadRequest(ErrorCodes.ApprovalDuplicateUuid, $"an instance with uuid '{instance.Uuid}' already exists");
        }

        store.PutInstance(instance);
        instance.Timeline.Add(new TimelineEntry("START", now, instance.ApplicantOpenId, null, null, "START"));
        InstanceEvent(definition, instance, ApprovalStatus.Pending);
        StartNode(definition, instance, 0);
        return instance;
    }

    public void Approve(ApprovalInstance instance, ApprovalTask task, string? comment)
    {
        var definition = store.Definition(instance.ApprovalCode);
        Close(definition, instance, task, ApprovalStatus.Approved);
        instance.Timeline.Add(new TimelineEntry("PASS", now, task.OpenId, task.Id, comment, task.NodeId));
        if (task.NodeIndex < 0)
        {
            // The submitter's task after a roll back to START: the process starts over.
            StartNode(definition, instance, 0);
            return;
        }

        Advance(definition, instance, task);
    }

    public void Reject(ApprovalInstance instance, ApprovalTask task, string? comment)
    {
        var definition = store.Definition(instance.ApprovalCode);
        Close(definition, instance, task, ApprovalStatus.Rejected);
        instance.Timeline.Add(new TimelineEntry("REJECT", now, task.OpenId, task.Id, comment, task.NodeId));
        Finish(definition, instance, ApprovalStatus.Rejected);
    }

    public void Transfer(ApprovalInstance instance, ApprovalTask task, string toOpenId, string? comment)
    {
        var definition = store.Definition(instance.ApprovalCode);
        Close(definition, instance, task, ApprovalStatus.Transferred);
        instance.Timeline.Add(new TimelineEntry("TRANSFER", now, task.OpenId, task.Id, comment, task.NodeId) { OpenIdList = [toOpenId] });
        AddTask(definition, instance, task.NodeIndex, toOpenId, task.Type, task.Group, task.Position, task.ReturnToOpenId);
    }

    /// <summary>Withdrawn by the submitter while pending.</summary>
    public void Cancel(ApprovalInstance instance, string openId)
    {
        var definition = store.Definition(instance.ApprovalCode);
        instance.Timeline.Add(new TimelineEntry("CANCEL", now, openId, null, null, null));
        Finish(definition, instance, ApprovalStatus.Canceled);
    }

    /// <summary>Deleted in the admin UI (control API).</summary>
    public void Delete(ApprovalInstance instance)
    {
        var definition = store.Definition(instance.ApprovalCode);
        instance.Timeline.Add(new TimelineEntry("DELETE", now, null, null, null, null));
        Finish(definition, instance, ApprovalStatus.Deleted);
    }

    /// <summary>An approved instance undone by its submitter in the Feishu UI (control API); status stays APPROVED, <c>reverted</c> turns true.</summary>
    public void Revert(ApprovalInstance instance, string openId)
    {
        if (instance.Reverted)
        {
            throw ApiErrorException.BadRequest(ErrorCodes.ApprovalInstanceAlreadyReverted, "the instance has already been reverted");
        }

        if (instance.Status != ApprovalStatus.Approved)
        {
            throw ApiErrorException.BadRequest(Invalid, $"only an APPROVED instance can be reverted (this one is {instance.Status})");
        }

        var definition = store.Definition(instance.ApprovalCode);
        instance.Reverted = true;
        instance.UpdateTime = now;
        instance.Timeline.Add(new TimelineEntry("REVERT", now, openId, null, null, null));
        InstanceEvent(definition, instance, ApprovalStatus.Reverted);
    }

    /// <summary>
    /// Sends the instance back to passed nodes (<c>specified_rollback</c>): the caller's task ends with a
    /// ROLLBACK event naming the target nodes, other pending tasks become DONE, and the earliest target
    /// starts again (START hands it back to the submitter, who resubmits).
    /// </summary>
    public void Rollback(ApprovalInstance instance, ApprovalTask task, IReadOnlyList<string> nodeKeys, string? reason)
    {
        var definition = store.Definition(instance.ApprovalCode);
        var targets = new List<int>();
        foreach (var key in nodeKeys)
        {
            if (key == "START")
            {
                targets.Add(-1);
                continue;
            }

            var index = instance.Nodes.ToList().FindIndex(n => n.NodeId == key || n.CustomNodeId == key);
            var passed = instance.Timeline.Exists(t => t.Type == "PASS" && t.NodeKey == instance.Nodes.ElementAtOrDefault(index)?.NodeId);
            if (index < 0 || index >= task.NodeIndex || !passed)
            {
                throw ApiErrorException.BadRequest(Invalid, $"task_def_key_list: '{key}' is not a node this instance passed before the current one (use node_key values of PASS timeline entries, or START)");
            }

            targets.Add(index);
        }

        var target = targets.Min();
        var nodeIds = targets.Select(i => i < 0 ? "START" : instance.Nodes[i].NodeId).ToList();
        var customIds = targets.Select(i => i < 0 ? "START" : instance.Nodes[i].CustomNodeId).ToList();
        var extra = new JsonObject
        {
            ["rollback_node_ids"] = new JsonArray([.. nodeIds.Select(id => (JsonNode)JsonValue.Create(id))]),
            ["rollback_custom_node_ids"] = new JsonArray([.. customIds.Select(id => (JsonNode)JsonValue.Create(id))]),
        }.ToJsonString();
        task.Status = ApprovalStatus.Done;
        task.EndTime = now;
        TaskEvent(definition, instance, task, ApprovalStatus.Rollback, extra);
        CloseOthers(definition, instance);
        instance.Timeline.Add(new TimelineEntry("ROLLBACK_SELECTED", now, task.OpenId, task.Id, reason, task.NodeId) { Ext = extra });
        if (target < 0)
        {
            instance.Round++;
            AddTask(definition, instance, -1, instance.ApplicantOpenId, NodeTypes.And, 0, 0, null);
        }
        else
        {
            StartNode(definition, instance, target);
        }
    }

    /// <summary>Adds signers to a pending task: 1 before the caller, 2 after the caller, 3 alongside.</summary>
    public void AddSign(ApprovalInstance instance, ApprovalTask task, IReadOnlyList<string> openIds, int addSignType, int? approvalMethod, string? comment)
    {
        var definition = store.Definition(instance.ApprovalCode);
        var groupType = approvalMethod == 2 ? NodeTypes.And : NodeTypes.Or;
        var newGroup = instance.Tasks.Where(t => t.NodeIndex == task.NodeIndex && t.Round == task.Round).Max(t => t.Group) + 1;
        switch (addSignType)
        {
            case 1:
                instance.Timeline.Add(new TimelineEntry("ADD_APPROVER_BEFORE", now, task.OpenId, task.Id, comment, task.NodeId) { OpenIdList = openIds });
                Close(definition, instance, task, ApprovalStatus.Done);
                foreach (var openId in openIds)
                {
                    AddTask(definition, instance, task.NodeIndex, openId, groupType, newGroup, 0, task.OpenId);
                }

                break;
            case 2:
                instance.Timeline.Add(new TimelineEntry("ADD_APPROVER_AFTER", now, task.OpenId, task.Id, comment, task.NodeId) { OpenIdList = openIds });
                foreach (var openId in openIds)
                {
                    AddTask(definition, instance, task.NodeIndex, openId, groupType, newGroup, 0, null);
                }

                Close(definition, instance, task, ApprovalStatus.Approved);
                instance.Timeline.Add(new TimelineEntry("PASS", now, task.OpenId, task.Id, comment, task.NodeId));
                Advance(definition, instance, task);
                break;
            default:
                instance.Timeline.Add(new TimelineEntry("ADD_APPROVER", now, task.OpenId, task.Id, comment, task.NodeId) { OpenIdList = openIds });
                foreach (var openId in openIds)
                {
                    AddTask(definition, instance, task.NodeIndex, openId, task.Type, task.Group, task.Position, task.ReturnToOpenId);
                }

                break;
        }
    }

    public void Cc(ApprovalInstance instance, string fromOpenId, IReadOnlyList<string> openIds, string? comment)
    {
        foreach (var openId in openIds.Where(id => !instance.Cc.Exists(c => c.OpenId == id)))
        {
            instance.Cc.Add(new CcReceipt(openId, now));
        }

        instance.Timeline.Add(new TimelineEntry("CC", now, fromOpenId, null, comment, null) { CcOpenIds = openIds });
    }

    // ---- the machine ------------------------------------------------------------------------------

    private void StartNode(ApprovalDefinition definition, ApprovalInstance instance, int index)
    {
        while (true)
        {
            if (index >= instance.Nodes.Count)
            {
                Finish(definition, instance, ApprovalStatus.Approved);
                return;
            }

            instance.Round++;
            var node = instance.Nodes[index];
            var ccs = instance.NodeCcs[index];
            if (ccs.Count > 0)
            {
                Cc(instance, instance.ApplicantOpenId, ccs, null);
            }

            var approvers = instance.NodeApprovers[index];
            if (approvers.Count == 0)
            {
                instance.Timeline.Add(new TimelineEntry("AUTO_PASS", now, null, null, null, node.NodeId));
                index++;
                continue;
            }

            var first = node.NodeType == NodeTypes.Sequential ? approvers.Take(1) : approvers;
            foreach (var openId in first)
            {
                AddTask(definition, instance, index, openId, node.NodeType, 0, approvers.ToList().IndexOf(openId), null);
            }

            return;
        }
    }

    /// <summary>After an approval in a node: OR closes its group, SEQUENTIAL starts the next approver, an add-sign-before group hands back; then the node may be done.</summary>
    private void Advance(ApprovalDefinition definition, ApprovalInstance instance, ApprovalTask task)
    {
        var group = instance.Tasks.Where(t => t.NodeIndex == task.NodeIndex && t.Round == task.Round && t.Group == task.Group).ToList();
        if (task.Type == NodeTypes.Or)
        {
            foreach (var other in group.Where(t => t.Status == ApprovalStatus.Pending))
            {
                Close(definition, instance, other, ApprovalStatus.Done);
            }
        }

        var approvers = instance.NodeApprovers[task.NodeIndex];
        if (task.Type == NodeTypes.Sequential && task.Group == 0 && task.Position + 1 < approvers.Count)
        {
            AddTask(definition, instance, task.NodeIndex, approvers[task.Position + 1], task.Type, 0, task.Position + 1, null);
            return;
        }

        if (task.ReturnToOpenId is { } returnTo && !group.Exists(t => t.Status == ApprovalStatus.Pending))
        {
            var node = instance.Nodes[task.NodeIndex];
            AddTask(definition, instance, task.NodeIndex, returnTo, node.NodeType, 0, 0, null);
            return;
        }

        if (!instance.Tasks.Exists(t => t.NodeIndex == task.NodeIndex && t.Round == task.Round && t.Status == ApprovalStatus.Pending))
        {
            StartNode(definition, instance, task.NodeIndex + 1);
        }
    }

    private void Finish(ApprovalDefinition definition, ApprovalInstance instance, string status)
    {
        CloseOthers(definition, instance);
        instance.Status = status;
        instance.EndTime = now;
        instance.UpdateTime = now;
        InstanceEvent(definition, instance, status);
    }

    private void CloseOthers(ApprovalDefinition definition, ApprovalInstance instance)
    {
        foreach (var pending in instance.Tasks.Where(t => t.Status == ApprovalStatus.Pending).ToList())
        {
            Close(definition, instance, pending, ApprovalStatus.Done);
        }
    }

    private void Close(ApprovalDefinition definition, ApprovalInstance instance, ApprovalTask task, string status)
    {
        task.Status = status;
        task.EndTime = now;
        instance.UpdateTime = now;
        TaskEvent(definition, instance, task, status, null);
    }

    private void AddTask(ApprovalDefinition definition, ApprovalInstance instance, int nodeIndex, string openId, string type, int group, int position, string? returnTo)
    {
        var node = nodeIndex < 0 ? null : instance.Nodes[nodeIndex];
        var task = new ApprovalTask
        {
            Id = store.NextId(),
            NodeIndex = nodeIndex,
            NodeId = node?.NodeId ?? "START",
            CustomNodeId = node?.CustomNodeId ?? "START",
            NodeName = node?.Name ?? "Submitter",
            OpenId = openId,
            Type = type,
            Group = group,
            Position = position,
            Round = instance.Round,
            ReturnToOpenId = returnTo,
            StartTime = now,
        };
        instance.Tasks.Add(task);
        instance.UpdateTime = now;
        TaskEvent(definition, instance, task, ApprovalStatus.Pending, null);
    }

    // ---- events (approval event pages: v1 shape, times as ms strings except REVERTED's int64) -------

    private void InstanceEvent(ApprovalDefinition definition, ApprovalInstance instance, string status)
    {
        var payload = new JsonObject
        {
            ["type"] = "approval_instance",
            ["approval_code"] = definition.Code,
            ["instance_code"] = instance.Code,
            ["status"] = status,
            ["operate_time"] = status == ApprovalStatus.Reverted ? JsonValue.Create(now) : JsonValue.Create(Ms(now)),
            ["instance_operate_time"] = Ms(now),
            ["uuid"] = instance.Uuid ?? string.Empty,
        };
        Raise(definition.Code, "approval_instance", _ => (JsonObject)payload.DeepClone());
    }

    private void TaskEvent(ApprovalDefinition definition, ApprovalInstance instance, ApprovalTask task, string status, string? extra)
    {
        var user = store.State.FindUser("open_id", task.OpenId);
        var payload = new JsonObject
        {
            ["type"] = "approval_task",
            ["approval_code"] = definition.Code,
            ["instance_code"] = instance.Code,
            ["task_id"] = task.Id,
            ["user_id"] = user?.UserId ?? string.Empty,
            ["status"] = status,
            ["operate_time"] = Ms(now),
            ["def_key"] = task.NodeId,
            ["custom_key"] = task.CustomNodeId,
        };
        if (extra is not null)
        {
            payload["extra"] = extra;
        }

        // open_id is the receiving app's: the payload is written once per subscriber.
        Raise(definition.Code, "approval_task", ids =>
        {
            var copy = (JsonObject)payload.DeepClone();
            copy["open_id"] = ids.Of(task.OpenId, "open_id");
            return copy;
        });
    }

    private void Raise(string approvalCode, string eventType, Func<AppUserIds, JsonObject> payload)
    {
        var apps = store.SubscribersOf(approvalCode).ToList();
        if (apps.Count > 0)
        {
            Events.Add(new V1EventChange(apps, eventType, payload));
        }
    }

    private static string Ms(long value) => value.ToString(CultureInfo.InvariantCulture);
}
