using System.Net.Http.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.WeCom;

/// <summary>
/// The emulator's 微信客服 refusals on the raw wire, each with WeCom's code: an unknown account (95000), out-of-range limits
/// and foreign cursors (40058), a move the documents do not allow (95016), a text over 2,048 bytes (45002), a menu with
/// more than 10 clickable items (95008), an unknown message type (40008), a repeated msgid (95033), a token of no pull (95007).
/// </summary>
public sealed class WeComKfTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-wecom-kf-").FullName;

    private const string Account = "wkLarkwaySandboxKf000001";
    private const string Customer = "wmEmulatorCustomer01";

    [Fact]
    public async Task Broken_rules_are_refused_with_WeComs_codes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.WeComTokenAsync();
        string Url(string path) => $"/wecom/cgi-bin/kf/{path}?access_token={token}";
        (await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{Customer}/say", new { text = "hello" })).EnsureSuccessStatusCode();

        using var unknownAccount = await emulator.WeComPostAsync(Url("sync_msg"), new { open_kfid = "wkNope" });
        using var bigLimit = await emulator.WeComPostAsync(Url("sync_msg"), new { open_kfid = Account, limit = 1001 });
        using var badCursor = await emulator.WeComPostAsync(Url("sync_msg"), new { open_kfid = Account, cursor = "not-ours" });
        using var staleToken = await emulator.WeComPostAsync(Url("sync_msg"), new { open_kfid = Account, token = "ENCnever-issued" });
        using var toEnded = await emulator.WeComPostAsync(Url("service_state/trans"), new { open_kfid = Account, external_userid = Customer, service_state = 4 });
        using var longText = await emulator.WeComPostAsync(Url("send_msg"), new { touser = Customer, open_kfid = Account, msgtype = "text", text = new { content = new string('字', 683) } });
        using var bigMenu = await emulator.WeComPostAsync(Url("send_msg"), new
        {
            touser = Customer, open_kfid = Account, msgtype = "msgmenu",
            msgmenu = new { list = Enumerable.Range(0, 11).Select(i => new { type = "click", click = new { id = $"k{i}", content = "x" } }) },
        });
        using var unknownType = await emulator.WeComPostAsync(Url("send_msg"), new { touser = Customer, open_kfid = Account, msgtype = "business_card", business_card = new { userid = "alice" } });
        using var first = await emulator.WeComPostAsync(Url("send_msg"), new { touser = Customer, open_kfid = Account, msgid = "once", msgtype = "text", text = new { content = "hi" } });
        using var again = await emulator.WeComPostAsync(Url("send_msg"), new { touser = Customer, open_kfid = Account, msgid = "once", msgtype = "text", text = new { content = "hi" } });
        using var pulled = await emulator.WeComPostAsync(Url("sync_msg"), new { open_kfid = Account });

        Assert.Equal(
            [95000, 40058, 40058, 95007, 95016, 45002, 95008, 40008, 0, 95033, 0],
            new[] { unknownAccount, bigLimit, badCursor, staleToken, toEnded, longText, bigMenu, unknownType, first, again, pulled }.Select(r => r.ErrCode()));
        Assert.Contains("not allowed", toEnded.ErrMsg(), StringComparison.Ordinal);

        // The app's own messages never come back in a pull: only the customer's.
        var items = pulled.Json.GetProperty("msg_list").EnumerateArray().ToList();
        Assert.Equal("hello", Assert.Single(items).GetProperty("text").GetProperty("content").GetString());
        Assert.Equal(0, pulled.Json.GetProperty("has_more").GetInt32());

        // A sent message WeCom accepted fails after all: the next pull holds msg_send_fail naming it; an unknown one is refused.
        using var failed = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{Customer}/fail", new { msgid = "once", fail_type = 10 });
        using var unknown = await emulator.Http.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{Customer}/fail", new { msgid = "never-sent", fail_type = 10 });
        using var after = await emulator.WeComPostAsync(Url("sync_msg"), new { open_kfid = Account, cursor = pulled.Field("next_cursor") });
        failed.EnsureSuccessStatusCode();
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.StatusCode);
        var fail = Assert.Single(after.Json.GetProperty("msg_list").EnumerateArray()).GetProperty("event");
        Assert.Equal(("msg_send_fail", "once", 10), (fail.GetProperty("event_type").GetString(), fail.GetProperty("fail_msgid").GetString(), fail.GetProperty("fail_type").GetInt32()));
    }

    [Fact]
    public async Task A_cursor_the_session_and_the_send_budget_survive_a_restart()
    {
        var clock = new ManualClock();
        var stateFile = Path.Combine(_folder, "emulator-state.json");
        string cursor;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock))
        {
            var token = await first.WeComTokenAsync();
            (await first.Http.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{Customer}/say", new { text = "before" })).EnsureSuccessStatusCode();
            using var pulled = await first.WeComPostAsync($"/wecom/cgi-bin/kf/sync_msg?access_token={token}", new { open_kfid = Account });
            cursor = pulled.Field("next_cursor")!;
            using var sent = await first.WeComPostAsync($"/wecom/cgi-bin/kf/send_msg?access_token={token}", new { touser = Customer, open_kfid = Account, msgtype = "text", text = new { content = "one of five" } });
            Assert.Equal(0, sent.ErrCode());
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock);
        var again = await second.WeComTokenAsync();
        (await second.Http.PostAsJsonAsync($"/_emulator/wecom/kf/{Account}/customers/{Customer}/say", new { text = "after" })).EnsureSuccessStatusCode();
        using var next = await second.WeComPostAsync($"/wecom/cgi-bin/kf/sync_msg?access_token={again}", new { open_kfid = Account, cursor });
        using var view = await Reply.ReadAsync(await second.Http.GetAsync($"/_emulator/wecom/kf/{Account}/customers/{Customer}"));

        // The kept cursor goes on after "before"; what the app sent before the restart is still the customer's.
        Assert.Equal(0, next.ErrCode());
        Assert.Equal("after", Assert.Single(next.Json.GetProperty("msg_list").EnumerateArray()).GetProperty("text").GetProperty("content").GetString());
        Assert.Equal("one of five", Assert.Single(view.Json.GetProperty("received").EnumerateArray()).GetProperty("content").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_customers_picture_a_kind_WeCom_adds_later_and_a_recall_are_pulled_as_documented()
    {
        var clock = new ManualClock();
        await using var emulator = await TestEmulator.StartAsync(clock: clock);
        var token = await emulator.WeComTokenAsync();
        var control = $"/_emulator/wecom/kf/{Account}/customers/{Customer}";

        using var picture = await Reply.ReadAsync(await emulator.Http.PostAsJsonAsync(control + "/send", new { msgtype = "image" }));
        using var future = await Reply.ReadAsync(await emulator.Http.PostAsJsonAsync(control + "/send", new { msgtype = "channels_shop_order_v9", content = new { order_id = "o-1" } }));
        using var recalled = await emulator.Http.PostAsJsonAsync(control + "/recall", new { msgid = picture.Field("msgid") });
        using var textAsSend = await emulator.Http.PostAsJsonAsync(control + "/send", new { msgtype = "text" });
        using var notTheirs = await emulator.Http.PostAsJsonAsync(control + "/recall", new { msgid = "from_msgid_never" });
        clock.Advance(TimeSpan.FromMinutes(3));
        using var tooLate = await emulator.Http.PostAsJsonAsync(control + "/recall", new { msgid = future.Field("msgid") });
        using var pulled = await emulator.WeComPostAsync($"/wecom/cgi-bin/kf/sync_msg?access_token={token}", new { open_kfid = Account });

        recalled.EnsureSuccessStatusCode();
        Assert.Equal(
            [System.Net.HttpStatusCode.BadRequest, System.Net.HttpStatusCode.BadRequest, System.Net.HttpStatusCode.BadRequest],
            new[] { textAsSend, notTheirs, tooLate }.Select(r => r.StatusCode));
        Assert.Contains("no longer lets its sender recall", await tooLate.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The picture with a media id, the new kind as given, then the recall naming the picture.
        var items = pulled.Json.GetProperty("msg_list").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.Equal(("image", 3), (items[0].GetProperty("msgtype").GetString(), items[0].GetProperty("origin").GetInt32()));
        Assert.False(string.IsNullOrEmpty(items[0].GetProperty("image").GetProperty("media_id").GetString()));
        Assert.Equal("o-1", items[1].GetProperty("channels_shop_order_v9").GetProperty("order_id").GetString());
        var recall = items[2].GetProperty("event");
        Assert.Equal(("user_recall_msg", picture.Field("msgid"), Customer),
            (recall.GetProperty("event_type").GetString(), recall.GetProperty("recall_msgid").GetString(), recall.GetProperty("external_userid").GetString()));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
