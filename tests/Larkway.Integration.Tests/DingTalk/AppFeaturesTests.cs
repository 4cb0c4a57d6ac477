using System.Net.Http.Json;
using System.Text.Json;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.WorkNotifications;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>The app robot, user look-ups, work notifications and cards against the emulator, over the real wire.</summary>
public sealed class AppFeaturesTests : IAsyncLifetime
{
    private readonly EmulatorOptions _options = new() { Port = 0 };
    private EmulatorServer _emulator = null!;
    private HttpClient _control = null!;
    private DingTalkClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(_options);
        _control = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl, "/_emulator/dingtalk/") };
        _client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = _options.DingTalkAppKey,
            AppSecret = _options.DingTalkAppSecret,
            AgentId = _options.DingTalkAgentId,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _control.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task One_to_one_sends_reach_each_user_name_the_unknown_ones_and_can_be_recalled()
    {
        var result = await _client.Robot.SendToUsersAsync(["alice", "bob", "nobody"],
            DingTalkAppRobotMessage.ActionCard("PO-42", "**Approve?**", [new("Approve", "https://erp.example/a"), new("Reject", "https://erp.example/r")]));

        Assert.Equal(["nobody"], result.InvalidUserIds);
        Assert.Empty(result.FlowControlledUserIds);
        var alice = await ItemsAsync("users/alice/robot-messages");
        var message = Assert.Single(alice);
        Assert.Equal("sampleActionCard2", message.GetProperty("msgKey").GetString());
        Assert.Equal("Reject", message.GetProperty("msgParam").GetProperty("actionTitle2").GetString());

        var recall = await _client.Robot.RecallFromUsersAsync(result.ProcessQueryKeys);

        Assert.Equal(result.ProcessQueryKeys, recall.Recalled);
        Assert.True((await ItemsAsync("users/alice/robot-messages"))[0].GetProperty("recalled").GetBoolean());
    }

    [Fact]
    public async Task A_group_send_arrives_and_an_unknown_group_is_refused_in_the_new_apis_shape()
    {
        var cid = (await PostAsync("groups", new { title = "Procurement", members = new[] { "alice", "bob" } })).GetProperty("openConversationId").GetString()!;

        var key = await _client.Robot.SendToGroupAsync(cid, DingTalkAppRobotMessage.Markdown("PO-42", "### 12,000 CNY"));
        var unknown = await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Robot.SendToGroupAsync("cidNOTAGROUP==", DingTalkAppRobotMessage.Text("hi")));

        var sent = Assert.Single(await ItemsAsync($"groups/{Uri.EscapeDataString(cid)}/messages"));
        Assert.Equal(key, sent.GetProperty("processQueryKey").GetString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.HttpStatus);
        Assert.NotNull(unknown.RequestId);
    }

    [Fact]
    public async Task Users_are_found_by_mobile_and_unionid_and_listed_page_by_page()
    {
        var bobId = await _client.Users.GetUserIdByMobileAsync("13800000002");
        var bob = await _client.Users.GetAsync(bobId);
        Assert.Equal(bobId, await _client.Users.GetUserIdByUnionIdAsync(bob.UnionId!));

        var first = await _client.Users.ListDepartmentMembersAsync(2, pageSize: 1);
        var all = new List<string>();
        await foreach (var user in _client.Users.ListAllDepartmentMembersAsync(2))
        {
            all.Add(user.UserId);
        }

        Assert.Single(first.Users);
        Assert.True(first.HasMore);
        Assert.Equal(["alice", "bob"], all.Order());
        Assert.Equal("60121", (await Assert.ThrowsAsync<DingTalkApiException>(() => _client.Users.GetUserIdByMobileAsync("13900000000"))).Code);
    }

    [Fact]
    public async Task A_work_notification_reaches_its_users_and_its_result_says_who_got_it()
    {
        var taskId = await _client.WorkNotifications.SendAsync(DingTalkWorkNotificationRecipients.Users("alice", "ghost"),
            DingTalkWorkNotification.ActionCard("Expense 7", "**1,200 CNY**", "Open", "https://erp.example/e/7"));

        var progress = await _client.WorkNotifications.GetProgressAsync(taskId);
        var result = await _client.WorkNotifications.GetResultAsync(taskId);

        Assert.Equal(("done", 100), (progress.Status, progress.Percent));
        Assert.Contains("ghost", result.InvalidUserIds);
        Assert.Contains("alice", result.Unread);
        var received = Assert.Single(await ItemsAsync("users/alice/work-notifications"));
        Assert.Equal("action_card", received.GetProperty("msgtype").GetString());
    }

    [Fact]
    public async Task An_ai_card_streams_whole_text_and_ends_finished_with_the_full_answer()
    {
        var cid = (await PostAsync("groups", new { title = "Assistant", members = new[] { "alice" } })).GetProperty("openConversationId").GetString()!;
        var stream = await _client.Cards.StartAiCardAsync("ai-card-template", DingTalkCardTarget.Group(cid), options: new DingTalkAiCardOptions { MinUpdateInterval = TimeSpan.Zero });
        Assert.True(stream.Delivery.Delivered);

        foreach (var piece in new[] { "Larkway ", "connects ", "DingTalk." })
        {
            await stream.AppendAsync(piece);
        }

        await stream.CompleteAsync();

        var card = await GetAsync($"cards/{stream.OutTrackId}");
        Assert.Equal("Larkway connects DingTalk.", card.GetProperty("cardParamMap").GetProperty("content").GetString());
        Assert.Equal("3", card.GetProperty("cardParamMap").GetProperty("flowStatus").GetString());
        var updates = card.GetProperty("stream").EnumerateArray().ToList();
        Assert.All(updates, u => Assert.True(u.GetProperty("isFull").GetBoolean()));
        Assert.True(updates[^1].GetProperty("isFinalize").GetBoolean());
    }

    [Fact]
    public async Task A_card_update_changes_only_the_variables_given()
    {
        var delivery = await _client.Cards.CreateAndDeliverAsync("po-template", DingTalkCardTarget.User("alice"),
            new Dictionary<string, string> { ["title"] = "PO-42", ["status"] = "pending" }, outTrackId: "po-42-card");

        await _client.Cards.UpdateAsync(delivery.OutTrackId, new Dictionary<string, string> { ["status"] = "approved" });

        var card = await GetAsync("cards/po-42-card");
        Assert.Equal("PO-42", card.GetProperty("cardParamMap").GetProperty("title").GetString());
        Assert.Equal("approved", card.GetProperty("cardParamMap").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_picture_a_user_sent_the_robot_downloads_as_the_same_bytes_its_link_without_the_token_and_an_unknown_code_is_refused()
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000);
        var sent = await PostAsync("stream/robot-messages", new
        {
            conversationType = "1", senderStaffId = "alice", senderNick = "Alice Chen", msgtype = "picture",
            contentBase64 = Convert.ToBase64String(bytes), contentType = "image/png", appKey = _options.DingTalkAppKey,
        });
        var downloadCode = sent.GetProperty("downloadCode").GetString()!;
        using var seen = new SeenRequests();
        using var client = new DingTalkClient(new DingTalkAppOptions
        {
            AppKey = _options.DingTalkAppKey,
            AppSecret = _options.DingTalkAppSecret,
            ApiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
            OapiBaseUrl = DingTalkBaseUrls.Emulator(_emulator.BaseUrl),
        }, handler: seen);

        byte[] received;
        await using (var download = await client.Robot.DownloadMessageFileAsync(downloadCode))
        {
            using var buffer = new MemoryStream();
            await download.Content.CopyToAsync(buffer);
            received = buffer.ToArray();
            Assert.Equal("image/png", download.ContentType);
            Assert.Equal(3000, download.Length);
        }

        Assert.Equal(bytes, received);
        var link = Assert.Single(seen.Requests, r => r.Method == "GET");
        Assert.False(link.HadToken, "the temporary link is fetched without the app's token");
        Assert.True(Assert.Single(seen.Requests, r => r.Path.EndsWith("/v1.0/robot/messageFiles/download", StringComparison.Ordinal)).HadToken);

        var unknown = await Assert.ThrowsAsync<DingTalkApiException>(() => client.Robot.DownloadMessageFileAsync("bm90LWEtY29kZQ+/=="));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.HttpStatus);
        Assert.Contains("downloadCode is unknown to this robot", unknown.Message, StringComparison.Ordinal);
        Assert.False(unknown.IsTransient);
        var otherRobot = await Assert.ThrowsAsync<DingTalkApiException>(() => client.Robot.GetMessageFileUrlAsync(downloadCode, robotCode: "dingsomeotherrobot01"));
        Assert.Equal("invalidParameter.robotCode.auth", otherRobot.Code);
    }

    [Fact]
    public async Task A_file_a_user_sent_keeps_its_name_in_the_message_and_groups_cannot_send_files()
    {
        var sent = await PostAsync("stream/robot-messages", new
        {
            conversationType = "1", senderStaffId = "alice", senderNick = "Alice Chen", msgtype = "file", fileName = "policy.pdf",
            contentBase64 = Convert.ToBase64String("%PDF-1.7 emulator"u8.ToArray()), appKey = _options.DingTalkAppKey,
        });

        await using var download = await _client.Robot.DownloadMessageFileAsync(sent.GetProperty("downloadCode").GetString()!);
        using var reader = new StreamReader(download.Content);
        Assert.Equal("%PDF-1.7 emulator", await reader.ReadToEndAsync());
        Assert.Equal("application/pdf", download.ContentType);
        using var group = await _control.PostAsJsonAsync("stream/robot-messages", new
        {
            conversationType = "2", senderStaffId = "alice", senderNick = "Alice Chen", msgtype = "file", fileName = "policy.pdf",
            contentBase64 = Convert.ToBase64String("%PDF"u8.ToArray()), appKey = _options.DingTalkAppKey,
        });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, group.StatusCode);
        Assert.Contains("one-to-one", await group.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _control.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string path) => JsonDocument.Parse(await _control.GetStringAsync(path)).RootElement.Clone();

    private async Task<IReadOnlyList<JsonElement>> ItemsAsync(string path, string property = "items")
    {
        var root = await GetAsync(path);
        return [.. (root.ValueKind == JsonValueKind.Array ? root : root.GetProperty(property)).EnumerateArray()];
    }
}

/// <summary>The real network, with each request's method, path and whether it carried the new API's token noted.</summary>
internal sealed class SeenRequests : DelegatingHandler
{
    public SeenRequests()
        : base(new SocketsHttpHandler())
    {
    }

    public List<(string Method, string Path, bool HadToken)> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath, request.Headers.Contains("x-acs-dingtalk-access-token")));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
