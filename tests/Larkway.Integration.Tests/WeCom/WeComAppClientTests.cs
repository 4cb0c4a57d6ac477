using System.Text.Json;
using Larkway.WeCom;
using Larkway.WeCom.Media;
using Larkway.WeCom.Messages;

namespace Larkway.Integration.Tests.WeCom;

/// <summary>The WeCom app client against the emulator over the real wire: tokens, faults, every message type, cards, media, users.</summary>
public sealed class WeComAppClientTests(WeComEmulatorFixture fx) : IClassFixture<WeComEmulatorFixture>, IAsyncLifetime
{
    private WeComClient Client => fx.Client;

    public Task InitializeAsync() => fx.ClearFaultsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_expired_token_is_replaced_and_the_call_goes_through()
    {
        var before = await Client.GetAccessTokenAsync();
        await fx.PostAsync("tokens/expire", new { });

        var user = await Client.Users.GetAsync("alice");

        Assert.Equal("alice", user.UserId);
        Assert.NotEqual(before, await Client.GetAccessTokenAsync());
    }

    [Theory]
    [InlineData("invalid_token")]
    [InlineData("expired_token")]
    public async Task A_token_wecom_refuses_is_dropped_and_the_call_sent_again(string kind)
    {
        await Client.Users.GetAsync("alice");
        await fx.FaultAsync("GET /cgi-bin/user/get", kind);

        var user = await Client.Users.GetAsync("bob");

        Assert.Equal("bob", user.UserId);
    }

    [Theory]
    [InlineData("system_busy")]
    [InlineData("rate_limit")]
    [InlineData("server_error")]
    public async Task Transient_failures_of_a_read_are_retried(string kind)
    {
        await fx.FaultAsync("GET /cgi-bin/user/get", kind, count: 2);

        Assert.Equal("alice", (await Client.Users.GetAsync("alice")).UserId);
    }

    [Fact]
    public async Task A_plain_send_that_met_a_5xx_is_not_sent_twice_but_one_with_the_duplicate_check_is()
    {
        var before = (await fx.MessagesToAsync("carol")).Length;
        await fx.FaultAsync("POST /cgi-bin/message/send", "server_error");

        var failure = await Assert.ThrowsAsync<WeComApiException>(() => Client.Messages.SendAsync(WeComRecipients.ToUsers("carol"), WeComAppMessage.Text("plain")));

        Assert.True(failure.IsTransient);
        Assert.Equal(before, (await fx.MessagesToAsync("carol")).Length);

        await fx.FaultAsync("POST /cgi-bin/message/send", "server_error");
        var sent = await Client.Messages.SendAsync(WeComRecipients.ToUsers("carol"), WeComAppMessage.Text("checked " + Guid.NewGuid()), new WeComSendOptions { EnableDuplicateCheck = true });

        Assert.NotNull(sent.MsgId);
        Assert.Equal(before + 1, (await fx.MessagesToAsync("carol")).Length);
    }

    [Fact]
    public async Task A_rate_refusal_on_a_send_is_retried_since_wecom_did_not_carry_it_out()
    {
        var before = (await fx.MessagesToAsync("dave")).Length;
        await fx.FaultAsync("POST /cgi-bin/message/send", "rate_limit");

        await Client.Messages.SendAsync(WeComRecipients.ToUsers("dave"), WeComAppMessage.Text("after 45009"));

        Assert.Equal(before + 1, (await fx.MessagesToAsync("dave")).Length);
    }

    [Fact]
    public async Task Every_message_type_reaches_the_member()
    {
        var image = await Client.Media.UploadAsync(WeComMediaType.Image, "chart.png", Png(), "image/png");
        var file = await Client.Media.UploadAsync(WeComMediaType.File, "report.txt", "quarterly report"u8.ToArray(), "text/plain");
        var voice = await Client.Media.UploadAsync(WeComMediaType.Voice, "note.amr", (byte[])[.. "#!AMR\n"u8, .. new byte[64]], "audio/amr");
        var video = await Client.Media.UploadAsync(WeComMediaType.Video, "clip.mp4", Mp4(), "video/mp4");
        WeComAppMessage[] messages =
        [
            WeComAppMessage.Text("你的快递已到，请携带工卡前往邮件中心领取。"),
            WeComAppMessage.Markdown("**PO-42** needs your approval\n> Supplier: <font color=\"info\">Acme</font>"),
            WeComAppMessage.Image(image.MediaId),
            WeComAppMessage.File(file.MediaId),
            WeComAppMessage.Voice(voice.MediaId),
            WeComAppMessage.Video(video.MediaId, "Demo", "A short clip"),
            WeComAppMessage.TextCard("领奖通知", "<div class=\"gray\">2026年11月25日</div>", "https://example.com/prize", "详情"),
            WeComAppMessage.News(new WeComArticle("中秋节礼品领取", "今年中秋节公司有豪礼相送", "https://example.com/gift", "https://example.com/gift.png")),
            WeComAppMessage.MpNews(new WeComMpNewsArticle("Quarterly results", image.MediaId, "<p>Up 12 %</p>", "Finance", Digest: "Up 12 %")),
            WeComAppMessage.TemplateCard(WeComTemplateCard.TextNotice(new WeComCardTitle("Build 1234 passed", "main"), WeComCardAction.OpenUrl("https://ci.example.com/1234"))
                with { EmphasisContent = new WeComCardTitle("100 %", "tests"), SubTitleText = "All green" }),
        ];
        var before = (await fx.MessagesToAsync("bob")).Length;

        foreach (var message in messages)
        {
            var result = await Client.Messages.SendAsync(WeComRecipients.ToUsers("bob"), message);
            Assert.True(result.AllDelivered, message.MsgType);
            Assert.NotNull(result.MsgId);
        }

        var received = (await fx.MessagesToAsync("bob"))[before..];
        Assert.Equal(messages.Select(m => m.MsgType), received.Select(m => m.GetProperty("msgtype").GetString()));
    }

    [Fact]
    public async Task Unknown_recipients_come_back_and_a_send_to_nobody_valid_is_81013_with_its_hint()
    {
        var partly = await Client.Messages.SendAsync(new WeComRecipients { Users = ["alice", "nobody"], Departments = ["999"] }, WeComAppMessage.Text("hi"));
        var none = await Assert.ThrowsAsync<WeComApiException>(() => Client.Messages.SendAsync(WeComRecipients.ToUsers("nobody"), WeComAppMessage.Text("hi")));

        Assert.Equal(["nobody"], partly.InvalidUsers);
        Assert.Equal(["999"], partly.InvalidDepartments);
        Assert.Equal(WeComErrorCodes.AllRecipientsInvalid, none.Code);
        Assert.Contains("visible range", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_button_card_is_clicked_then_updated_with_its_response_code_and_a_message_is_recalled()
    {
        var taskId = "po-" + Guid.NewGuid().ToString("N")[..8];
        var card = WeComTemplateCard.ButtonInteraction(taskId, new WeComCardTitle("Purchase order 42", "¥12,000"),
            new WeComCardButton("Approve", "approve", Style: 1), new WeComCardButton("Reject", "reject", Style: 2));

        var sent = await Client.Messages.SendAsync(WeComRecipients.ToUsers("alice"), WeComAppMessage.TemplateCard(card));
        Assert.NotNull(sent.ResponseCode);
        var invalid = await Client.Messages.UpdateTemplateCardButtonAsync(sent.ResponseCode, "Approved", WeComRecipients.ToUsers("alice"));
        Assert.Empty(invalid);
        var again = await Assert.ThrowsAsync<WeComApiException>(() => Client.Messages.UpdateTemplateCardButtonAsync(sent.ResponseCode, "Twice", WeComRecipients.ToUsers("alice")));
        Assert.NotNull(again.ErrCode);

        var text = await Client.Messages.SendAsync(WeComRecipients.ToUsers("alice"), WeComAppMessage.Text("to recall"));
        await Client.Messages.RecallAsync(text.MsgId!);
        var recalled = (await fx.MessagesToAsync("alice")).Single(m => m.GetProperty("msgid").GetString() == text.MsgId);
        Assert.Contains("recall", recalled.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Media_goes_up_and_comes_back_the_same_and_an_unknown_media_id_is_40007()
    {
        var bytes = new byte[300_000];
        Random.Shared.NextBytes(bytes);

        var uploaded = await Client.Media.UploadAsync(WeComMediaType.File, "data.bin", bytes);
        var downloaded = await Client.Media.DownloadAsync(uploaded.MediaId);
        var missing = await Assert.ThrowsAsync<WeComApiException>(() => Client.Media.DownloadAsync("no-such-media"));

        Assert.Equal("file", uploaded.Type);
        Assert.NotNull(uploaded.CreatedAt);
        Assert.Equal(bytes, downloaded.Content);
        Assert.Equal(WeComErrorCodes.InvalidMediaId, missing.Code);
    }

    [Fact]
    public async Task Users_are_found_by_id_email_and_mobile_and_listed_by_department_and_by_cursor()
    {
        var org = await fx.GetAsync("org");
        var someone = org.GetProperty("users").EnumerateArray().First(u => u.GetProperty("mobile").GetString() is { Length: > 0 } && u.GetProperty("email").GetString() is { Length: > 0 });
        var userId = someone.GetProperty("userid").GetString()!;

        var user = await Client.Users.GetAsync(userId);
        Assert.Equal(someone.GetProperty("name").GetString(), user.Name);
        Assert.Equal(userId, await Client.Users.GetUserIdByMobileAsync(someone.GetProperty("mobile").GetString()!));
        Assert.Equal(userId, await Client.Users.GetUserIdByEmailAsync(someone.GetProperty("email").GetString()!));
        Assert.Null(await Client.Users.GetUserIdByMobileAsync("13900000000"));
        var missing = await Assert.ThrowsAsync<WeComApiException>(() => Client.Users.GetAsync("nobody"));
        Assert.NotNull(missing.ErrCode);

        var department = someone.GetProperty("department")[0].GetInt64();
        var members = await Client.Users.ListDepartmentMembersAsync(department);
        Assert.Contains(members, m => m.UserId == userId);

        var pages = new List<Larkway.WeCom.Users.WeComPage<Larkway.WeCom.Users.WeComDepartmentUser>>();
        await foreach (var page in Client.Users.ListIdPagesAsync(pageSize: 2))
        {
            pages.Add(page);
        }

        var pairs = pages.SelectMany(p => p.Items).ToList();
        Assert.True(pages.Count > 1);
        Assert.All(pages[..^1], p => Assert.NotNull(p.NextCursor));
        Assert.Null(pages[^1].NextCursor);
        Assert.Equal(org.GetProperty("users").GetArrayLength(), pairs.Select(p => p.UserId).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task A_wrong_secret_fails_with_the_hint_and_never_shows_the_secret()
    {
        using var wrong = fx.NewClient(secret: "not-the-secret-xyz");

        var failure = await Assert.ThrowsAsync<WeComApiException>(() => wrong.GetAccessTokenAsync());

        Assert.NotNull(failure.ErrCode);
        Assert.Contains("Secret", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-xyz", failure.Message, StringComparison.Ordinal);
    }

    private static byte[] Png() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];

    private static byte[] Mp4() => [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2', 0, 0, 0, 0, (byte)'m', (byte)'p', (byte)'4', (byte)'2', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];

}
