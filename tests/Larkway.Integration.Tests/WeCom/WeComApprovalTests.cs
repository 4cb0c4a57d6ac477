using System.Threading.Channels;
using Larkway.WeCom;
using Larkway.WeCom.Approvals;
using Larkway.WeCom.Callbacks;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>
/// The library's approval client against the emulator's approval app over the wire: the template, a submission, its
/// detail, an approver deciding (the emulator's control), and the encrypted <c>sys_approval_change</c> callback read by
/// the library's callback crypto and parser.
/// </summary>
public sealed class WeComApprovalTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>, IAsyncLifetime
{
    private readonly Channel<WeComApprovalChangeEvent> _changes = Channel.CreateUnbounded<WeComApprovalChangeEvent>();
    private WeComCallbackReceiver _receiver = null!;
    private string _templateId = "";

    public async Task InitializeAsync()
    {
        _receiver = await WeComCallbackReceiver.StartAsync(fx, async (message, _, _) =>
        {
            if (message is WeComApprovalChangeEvent change)
            {
                await _changes.Writer.WriteAsync(change);
            }

            return "";
        });
        _templateId = (await fx.GetAsync("approval/templates")).GetProperty("items")[0].GetProperty("template_id").GetString()!;
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_payment_is_read_submitted_approved_and_its_change_arrives_as_the_callback()
    {
        var template = await fx.Client.Approvals.GetTemplateAsync(_templateId);
        Assert.Equal(["Money", "Text", "Date"], template.Controls.Select(c => c.Property.Control));
        Assert.Equal([true, true, false], template.Controls.Select(c => c.Property.IsRequired));

        var spNo = await fx.Client.Approvals.ApplyAsync(Payment("bob", WeComApproverNode.AnyOf("alice"), 1280.5m));

        var pending = await fx.Client.Approvals.GetAsync(spNo);
        Assert.Equal(WeComApprovalStatus.InReview, pending.SpStatus);
        Assert.Equal("bob", pending.Applyer!.UserId);
        Assert.Equal(_templateId, pending.TemplateId);
        var waiting = Assert.Single(Assert.Single(pending.SpRecord).Details);
        Assert.Equal(("alice", 1, 0L), (waiting.Approver!.UserId, waiting.SpStatus, waiting.SpTime));
        Assert.Equal("1280.5", pending.ApplyData!.Contents.Single(c => c.Id == "Money-1").Value.NewMoney);
        Assert.Equal(["dave"], pending.Notifyer!.Select(n => n.UserId));

        var decided = await fx.PostAsync($"approvals/{spNo}/decide", new { userid = "alice", action = "approve", speech = "同意" });
        Assert.True(decided.GetProperty("delivered").GetBoolean(), decided.ToString());

        var approved = await fx.Client.Approvals.GetAsync(spNo);
        Assert.Equal(WeComApprovalStatus.Approved, approved.SpStatus);
        var decision = Assert.Single(Assert.Single(approved.SpRecord).Details);
        Assert.Equal((2, "同意"), (decision.SpStatus, decision.Speech));
        Assert.True(decision.SpTime > 0);
        var change = await ChangeAsync(spNo, statusChangeEvent: 2);
        Assert.Equal(WeComApprovalStatus.Approved, change.Status);
        Assert.Equal("bob", change.ApplyerUserId);
        Assert.Equal(_templateId, change.TemplateId);
        Assert.Equal(("alice", 2, "同意"), (change.SpRecords[0].Details[0].ApproverUserId, change.SpRecords[0].Details[0].SpStatus, change.SpRecords[0].Details[0].Speech));
        Assert.Equal(WeComApprovalStatus.InReview, (await ChangeAsync(spNo, statusChangeEvent: 1)).Status);
    }

    [Fact]
    public async Task A_countersigned_payment_waits_for_every_approver_and_one_rejection_ends_it()
    {
        var spNo = await fx.Client.Approvals.ApplyAsync(Payment("bob", WeComApproverNode.AllOf("alice", "carol"), 99m));

        await fx.PostAsync($"approvals/{spNo}/decide", new { userid = "alice", action = "approve" });
        Assert.Equal(WeComApprovalStatus.InReview, (await fx.Client.Approvals.GetAsync(spNo)).SpStatus);
        await fx.PostAsync($"approvals/{spNo}/decide", new { userid = "carol", action = "reject", speech = "预算不足" });

        var rejected = await fx.Client.Approvals.GetAsync(spNo);
        Assert.Equal(WeComApprovalStatus.Rejected, rejected.SpStatus);
        Assert.Equal([2, 3], rejected.SpRecord.Single().Details.Select(d => d.SpStatus));
        var node = Assert.Single(rejected.ProcessList!.NodeList);
        Assert.Equal((1, 3, 2), (node.NodeType, node.SpStatus, node.ApvRel));
        Assert.Equal([("alice", 2, ""), ("carol", 3, "预算不足")], node.SubNodeList.Select(n => (n.UserId, n.SpYj, n.Speech)));
        var change = await ChangeAsync(spNo, statusChangeEvent: 3);
        Assert.Equal(WeComApprovalStatus.Rejected, change.Status);
        Assert.Equal("预算不足", change.SpRecords[0].Details.Single(d => d.ApproverUserId == "carol").Speech);
    }

    [Fact]
    public async Task Application_numbers_are_listed_by_time_page_by_page()
    {
        var submitted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            submitted.Add(await fx.Client.Approvals.ApplyAsync(Payment("dave", WeComApproverNode.AnyOf("carol"), 10m + i)));
        }

        var (start, end) = (DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        WeComApprovalFilter[] mine = [WeComApprovalFilter.Creator("dave"), WeComApprovalFilter.Template(_templateId)];

        var first = await fx.Client.Approvals.ListNumbersPageAsync(start, end, size: 2, filters: mine);
        Assert.Equal(submitted[..2], first.Items);
        Assert.NotNull(first.NextCursor);
        var second = await fx.Client.Approvals.ListNumbersPageAsync(start, end, first.NextCursor, size: 2, filters: mine);
        Assert.Equal(submitted[2..], second.Items);
        Assert.Null(second.NextCursor);
        Assert.Equal(submitted, await fx.Client.Approvals.ListNumbersAsync(start, end, mine, size: 1).ToListAsync());
        Assert.Empty(await fx.Client.Approvals.ListNumbersAsync(start, end, [WeComApprovalFilter.Creator("dave"), WeComApprovalFilter.Status(WeComApprovalStatus.Approved)]).ToListAsync());
    }

    [Fact]
    public async Task Applications_that_break_the_template_or_the_corp_are_refused_with_301025_naming_what_is_wrong()
    {
        var missing = await Refused(Payment("bob", WeComApproverNode.AnyOf("alice"), 5m) with
        {
            ApplyData = new([WeComApplyContent.Money("Money-1", 5m)]),
        });
        var badValue = await Refused(Payment("bob", WeComApproverNode.AnyOf("alice"), 5m) with
        {
            ApplyData = new([new WeComApplyContent("Money", "Money-1", new WeComApplyValue { Text = "five" }), WeComApplyContent.Text("Text-1", "x")]),
        });
        var unknownTemplate = await Refused(Payment("bob", WeComApproverNode.AnyOf("alice"), 5m) with { TemplateId = "no-such-template" });
        var stranger = await Refused(Payment("nobody", WeComApproverNode.AnyOf("alice"), 5m));

        Assert.Contains("Text-1", missing.Message, StringComparison.Ordinal);
        Assert.Contains("new_money", badValue.Message, StringComparison.Ordinal);
        Assert.Contains("template_id", unknownTemplate.Message, StringComparison.Ordinal);
        Assert.Contains("creator_userid", stranger.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<WeComApiException>(() => fx.Client.Approvals.GetAsync("209901010001"));
        Assert.Equal(WeComErrorCodes.ApprovalParameterError, unknown.Code);
    }

    private async Task<WeComApiException> Refused(WeComApplyEvent application)
    {
        var error = await Assert.ThrowsAsync<WeComApiException>(() => fx.Client.Approvals.ApplyAsync(application));
        Assert.Equal(WeComErrorCodes.ApprovalParameterError, error.Code);
        return error;
    }

    private WeComApplyEvent Payment(string creator, WeComApproverNode approver, decimal amount) => new()
    {
        CreatorUserId = creator,
        TemplateId = _templateId,
        Approver = [approver],
        Notifyer = ["dave"],
        NotifyType = 1,
        ApplyData = new([
            WeComApplyContent.Money("Money-1", amount),
            WeComApplyContent.Text("Text-1", "服务器续费"),
            WeComApplyContent.Date("Date-1", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)),
        ]),
        SummaryList = [new([new WeComLangText("付款 " + amount)])],
    };

    /// <summary>The callback for <paramref name="spNo"/> with this StatuChangeEvent, as the callback URL received it (in any order).</summary>
    private async Task<WeComApprovalChangeEvent> ChangeAsync(string spNo, int statusChangeEvent)
    {
        // The bound only stops a broken emulator from hanging the run; the callback normally arrives at once.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_seen.FirstOrDefault(c => c.SpNo == spNo && c.StatusChangeEvent == statusChangeEvent) is { } change)
            {
                return change;
            }

            _seen.Add(await _changes.Reader.ReadAsync(timeout.Token));
        }
    }

    private readonly List<WeComApprovalChangeEvent> _seen = [];
}
