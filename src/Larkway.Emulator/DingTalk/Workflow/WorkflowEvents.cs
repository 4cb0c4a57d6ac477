using System.Text.Json.Nodes;
using Larkway.Emulator.DingTalk.Callbacks;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.DingTalk.Workflow;

/// <summary>
/// Raises <c>bpms_instance_change</c> (type start/finish/terminate) and <c>bpms_task_change</c> (type start/finish/cancel)
/// to the app that started the instance: by its HTTP event subscription when it has one (fields beside <c>EventType</c>),
/// else as a Stream EVENT. Sent in the background, in order, so that the API call answers at once.
/// </summary>
internal sealed partial class WorkflowEvents(DingTalkOrg org, CallbackSettingsStore subscriptions, CallbackSender callbacks, DingTalkStreamHub stream, ILogger<WorkflowEvents> log)
{
    public const string InstanceChange = "bpms_instance_change";
    public const string TaskChange = "bpms_task_change";

    private readonly SemaphoreSlim _order = new(1, 1);

    public void Raise(WorkflowChange change)
    {
        var events = new List<(string Type, JsonObject Data)>();
        var i = change.Instance;
        if (change.InstanceEvent == "start")
        {
            events.Add((InstanceChange, InstanceData(i, "start")));
        }

        events.AddRange(change.TaskEvents.Select(e => (TaskChange, TaskData(i, e.Task, e.Type, e.Remark))));
        if (change.InstanceEvent is "finish" or "terminate")
        {
            events.Add((InstanceChange, InstanceData(i, change.InstanceEvent)));
        }

        _ = SendAsync(i.AppKey, events);
    }

    private async Task SendAsync(string appKey, List<(string Type, JsonObject Data)> events)
    {
        await _order.WaitAsync();
        try
        {
            foreach (var (type, data) in events)
            {
                var settings = subscriptions.Get(appKey);
                if (settings.EventUrl is not null)
                {
                    data["EventType"] = type;
                    _ = callbacks.StartEvent(settings, appKey, type, data.ToJsonString());
                }
                else
                {
                    await stream.PushEventAsync(appKey, type, data.ToJsonString());
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
        {
            EventFailed(log, e, appKey);
        }
        finally
        {
            _order.Release();
        }
    }

    private JsonObject InstanceData(WorkflowInstance i, string type)
    {
        var data = Common(i);
        data["type"] = type;
        data["staffId"] = i.OriginatorUserId;
        if (type == "finish")
        {
            data["result"] = i.Result;
        }

        if (i.FinishedAt is { } finished)
        {
            data["finishTime"] = finished.ToUnixTimeMilliseconds();
        }

        return data;
    }

    private JsonObject TaskData(WorkflowInstance i, WorkflowTask t, string type, string? remark)
    {
        var data = Common(i);
        data["type"] = type;
        data["staffId"] = t.UserId;
        data["taskId"] = t.TaskId;
        data["activityId"] = t.ActivityId;
        data["createTime"] = t.CreatedAt.ToUnixTimeMilliseconds();
        if (type == "finish")
        {
            data["result"] = t.Result switch { "AGREE" => "agree", "REDIRECTED" => "redirect", _ => "refuse" };
            data["finishTime"] = (t.FinishedAt ?? t.CreatedAt).ToUnixTimeMilliseconds();
            if (remark is not null)
            {
                data["remark"] = remark;
            }
        }

        return data;
    }

    private JsonObject Common(WorkflowInstance i) => new()
    {
        ["processInstanceId"] = i.Id,
        ["processCode"] = i.ProcessCode,
        ["corpId"] = org.CorpId,
        ["title"] = i.Title,
        ["createTime"] = i.CreatedAt.ToUnixTimeMilliseconds(),
    };

    [LoggerMessage(EventId = LogEvents.DingTalkWorkflowEventFailed, Level = LogLevel.Warning, Message = "A workflow event for app {AppKey} was not sent")]
    private static partial void EventFailed(ILogger logger, Exception exception, string appKey);
}
