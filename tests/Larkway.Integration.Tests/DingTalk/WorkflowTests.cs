using System.Collections.Concurrent;
using Larkway.DingTalk;
using Larkway.DingTalk.Stream;
using Larkway.DingTalk.Workflow;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>OA approvals: the workflow client against the emulator's workflow API and its events, over the real wire.</summary>
public sealed class WorkflowTests : IAsyncLifetime
{
    private const string Payment = "PROC-LW-PAYMENT";
    private readonly EmulatorOptions _options = new() { Port = 0 };
    private readonly ConcurrentQueue<DingTalkWorkflowEvent> _events = new();
    private EmulatorServer _emulator = null!;
    private DingTalkClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(_options);
        _client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = _options.DingTalkAppKey,
            AppSecret = _options.DingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task An_approval_runs_through_both_approvers_to_completed_agree_and_keeps_its_history()
    {
        var id = await _client.Workflow.StartAsync(PaymentStart("bob"));

        var started = await _client.Workflow.GetAsync(id);
        Assert.Equal(DingTalkProcessStatus.Running, started.Status);
        Assert.Equal("bob", started.OriginatorUserId);
        var first = Assert.Single(started.Tasks!);
        Assert.Equal(("alice", "RUNNING"), (first.UserId, first.Status));
        Assert.Equal(["alice", "carol"], started.ApproverUserIds);
        Assert.Contains(started.FormComponentValues!, v => v.Name == "Amount" && v.Value == "1200.50");

        await _client.Workflow.ExecuteTaskAsync(id, first.TaskId, "alice", agree: true, remark: "ok");
        var second = Assert.Single((await _client.Workflow.GetAsync(id)).Tasks!, t => t.Status == "RUNNING");
        Assert.Equal("carol", second.UserId);
        await _client.Workflow.AddCommentAsync(id, "dave", "paid from the Q4 budget");
        await _client.Workflow.ExecuteTaskAsync(id, second.TaskId, "carol", agree: true);

        var done = await _client.Workflow.GetAsync(id);
        Assert.Equal((DingTalkProcessStatus.Completed, "agree"), (done.Status, done.Result));
        Assert.NotNull(done.FinishTime);
        Assert.All(done.Tasks!, t => Assert.Equal(("COMPLETED", "AGREE"), (t.Status, t.Result)));
        Assert.Equal(["START_PROCESS_INSTANCE", "EXECUTE_TASK_NORMAL", "ADD_REMARK", "EXECUTE_TASK_NORMAL"], done.OperationRecords!.Select(r => r.Type));
        Assert.Equal("ok", done.OperationRecords![1].Remark);
    }

    [Fact]
    public async Task A_refuse_on_an_or_node_ends_the_approval_refused_and_cancels_the_other_approver()
    {
        var id = await _client.Workflow.StartAsync(PaymentStart("bob") with { Approvers = [new("OR", ["alice", "carol"])], CcList = ["dave"] });
        var tasks = (await _client.Workflow.GetAsync(id)).Tasks!;
        Assert.Equal(["alice", "carol"], tasks.Select(t => t.UserId));

        await _client.Workflow.ExecuteTaskAsync(id, tasks.Single(t => t.UserId == "carol").TaskId, "carol", agree: false, remark: "no receipt");

        var done = await _client.Workflow.GetAsync(id);
        Assert.Equal((DingTalkProcessStatus.Completed, "refuse"), (done.Status, done.Result));
        Assert.Equal(["dave"], done.CcUserIds);
        Assert.Equal("CANCELED", done.Tasks!.Single(t => t.UserId == "alice").Status);
        Assert.Equal("REFUSE", done.Tasks!.Single(t => t.UserId == "carol").Result);
    }

    [Fact]
    public async Task A_terminated_approval_cannot_be_executed_and_the_refusals_say_why()
    {
        var id = await _client.Workflow.StartAsync(PaymentStart("bob"));
        var task = Assert.Single((await _client.Workflow.GetAsync(id)).Tasks!);

        var stranger = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Workflow.ExecuteTaskAsync(id, task.TaskId, "carol", agree: true));
        await _client.Workflow.TerminateAsync(id, "bob", "sent twice");
        var late = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Workflow.ExecuteTaskAsync(id, task.TaskId, "alice", agree: true));

        Assert.Contains("belongs to 'alice'", stranger.Message, StringComparison.Ordinal);
        var done = await _client.Workflow.GetAsync(id);
        Assert.Equal(DingTalkProcessStatus.Terminated, done.Status);
        Assert.Equal("CANCELED", Assert.Single(done.Tasks!).Status);
        Assert.Contains("TERMINATED", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starts_with_an_unknown_template_a_missing_required_control_or_a_stranger_are_refused_with_dingtalks_codes()
    {
        var unknown = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Workflow.StartAsync(PaymentStart("bob") with { ProcessCode = "PROC-NOPE" }));
        var missing = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Workflow.StartAsync(
            PaymentStart("bob") with { FormComponentValues = [new("Amount", "10")] }));
        var stranger = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Workflow.StartAsync(PaymentStart("nobody")));
        var notFound = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Workflow.GetAsync("no-such-instance"));

        Assert.Equal("processCodeError", unknown.Code);
        Assert.Equal("formConverterError", missing.Code);
        Assert.Contains("Reason", missing.Message, StringComparison.Ordinal);
        Assert.Equal("processInstanceInvalidParameter", stranger.Code);
        Assert.Contains("nobody", stranger.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, notFound.HttpStatus);
    }

    [Fact]
    public async Task Instance_ids_are_listed_page_by_page_with_next_tokens_and_the_form_schema_is_read()
    {
        var since = DateTimeOffset.UtcNow.AddMinutes(-5);
        var started = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            started.Add(await _client.Workflow.StartAsync(PaymentStart("bob")));
        }

        var listed = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await _client.Workflow.ListInstanceIdsAsync(Payment, since, nextToken: token, pageSize: 2);
            listed.AddRange(page.Ids);
            token = page.NextToken;
            pages++;
        }
        while (token is not null);
        var schema = await _client.Workflow.GetFormSchemaAsync(Payment);

        Assert.Equal(3, pages);
        Assert.Equal(started.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(["MoneyField", "TextareaField", "DDDateField"], schema.Components.Select(c => c.ComponentName));
        Assert.Equal([true, true, false], schema.Components.Select(c => c.Required));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.Workflow.ListInstanceIdsAsync(Payment, since, pageSize: 21));
    }

    [Fact]
    public async Task Instance_and_task_changes_arrive_over_stream_as_dingtalk_sends_them()
    {
        await using var stream = new DingTalkStreamClient(new DingTalkStreamOptions
        {
            AppKey = _options.DingTalkAppKey,
            AppSecret = _options.DingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        }, (m, _) =>
        {
            if (m.IsWorkflowEvent)
            {
                _events.Enqueue(m.ReadWorkflowEvent());
            }

            return new ValueTask<DingTalkStreamAck>(DingTalkStreamAck.Success);
        });
        await stream.StartAsync();
        await WaitUntilAsync(async () => await StreamIsOpenAsync(), "the stream connection");

        var id = await _client.Workflow.StartAsync(PaymentStart("bob") with { Approvers = [new("NONE", ["alice"])] });
        var task = Assert.Single((await _client.Workflow.GetAsync(id)).Tasks!);
        await _client.Workflow.ExecuteTaskAsync(id, task.TaskId, "alice", agree: true, remark: "fine");

        // The emulator sends them in order, but over two connections they may be handled in any order (as on DingTalk).
        await WaitUntilAsync(() => Task.FromResult(_events.Count(e => e.ProcessInstanceId == id) == 4), "the four approval events");
        var events = _events.Where(e => e.ProcessInstanceId == id).ToDictionary(e => (e.EventType!, e.Type));
        Assert.Equal(
            [("bpms_instance_change", "finish"), ("bpms_instance_change", "start"), ("bpms_task_change", "finish"), ("bpms_task_change", "start")],
            events.Keys.Order());
        var started = events[("bpms_instance_change", "start")];
        Assert.Equal((Payment, "bob"), (started.ProcessCode, started.StaffId));
        var approved = events[("bpms_task_change", "finish")];
        Assert.Equal(("alice", "agree", "fine"), (approved.StaffId, approved.Result, approved.Remark));
        var finished = events[("bpms_instance_change", "finish")];
        Assert.Equal("agree", finished.Result);
        Assert.NotNull(finished.FinishTime);
        Assert.Equal(_options.DingTalkCorpId, finished.CorpId);
    }

    private async Task<bool> StreamIsOpenAsync()
    {
        using var control = new DingTalkStreamControl(_emulator.BaseUrl, _options.DingTalkAppKey);
        return (await control.OpenConnectionIdsAsync()).Count > 0;
    }

    private static DingTalkProcessStart PaymentStart(string originator) => new(Payment, originator,
        [new("Amount", "1200.50"), new("Reason", "Conference tickets"), new("Payment date", "2026-12-01")]);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 1500; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("waited in vain for " + what);
    }
}
