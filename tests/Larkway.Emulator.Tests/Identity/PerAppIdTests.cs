using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Identity;

/// <summary>
/// Ids as Feishu issues them, on the raw wire: open_id per app, union_id per developer, user_id per tenant; another app's
/// open_id is an unknown user; messages, chat members and events carry the reading (receiving) app's ids.
/// </summary>
public sealed class PerAppIdTests
{
    private const string SecondApp = "cli_0123456789abcdef";

    [Fact]
    public async Task Two_apps_see_different_open_ids_the_same_union_id_and_user_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.TenantTokenAsync();
        var second = await emulator.AddAppAsync(SecondApp);
        var bob = emulator.User("bob@example.com");

        var firstIds = await IdsOfAsync(emulator, first, "bob@example.com");
        var secondIds = await IdsOfAsync(emulator, second, "bob@example.com");

        // The Emulator's own app keeps the seeded open_id; the second gets its own, derived from it.
        Assert.Equal(bob.OpenId, firstIds.OpenId);
        Assert.NotEqual(firstIds.OpenId, secondIds.OpenId);
        Assert.StartsWith("ou_", secondIds.OpenId, StringComparison.Ordinal);
        Assert.Equal(emulator.State.OpenIdFor(SecondApp, bob), secondIds.OpenId);
        Assert.Equal(firstIds.UnionId, secondIds.UnionId);
        Assert.Equal(bob.UnionId, secondIds.UnionId);
        Assert.Equal(firstIds.UserId, secondIds.UserId);
    }

    [Fact]
    public async Task An_app_of_another_developer_sees_another_union_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var other = await emulator.AddAppAsync(SecondApp, developer: "another-company");
        var bob = emulator.User("bob@example.com");

        var ids = await IdsOfAsync(emulator, other, "bob@example.com");

        Assert.NotEqual(bob.UnionId, ids.UnionId);
        Assert.StartsWith("on_", ids.UnionId, StringComparison.Ordinal);
        Assert.Equal(emulator.State.UnionIdFor(SecondApp, bob), ids.UnionId);
        Assert.Equal(bob.UserId, ids.UserId);

        // Its union_id is the one it can message with.
        using var sent = await emulator.SendMessageAsync(other, "union_id", ids.UnionId, "text", new { text = "hi" });
        Assert.Equal(0, sent.Code);
        using var foreign = await emulator.SendMessageAsync(other, "union_id", bob.UnionId, "text", new { text = "hi" });
        Assert.Equal(230034, foreign.Code);
    }

    [Fact]
    public async Task Another_apps_open_id_is_refused_as_an_unknown_user()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.TenantTokenAsync();
        var second = await emulator.AddAppAsync(SecondApp);
        var bob = emulator.User("bob@example.com");
        var secondOpenId = emulator.State.OpenIdFor(SecondApp, bob);

        using var crossSend = await emulator.SendMessageAsync(first, "open_id", secondOpenId, "text", new { text = "hi" });
        Assert.Equal(400, crossSend.Status);
        Assert.Equal(99992361, crossSend.Code);
        using var homeIdFromSecond = await emulator.SendMessageAsync(second, "open_id", bob.OpenId, "text", new { text = "hi" });
        Assert.Equal(99992361, homeIdFromSecond.Code);
        using var own = await emulator.SendMessageAsync(second, "open_id", secondOpenId, "text", new { text = "hi" });
        Assert.Equal(0, own.Code);

        // Chat members: another app's open_id does not exist for this app.
        var chat = emulator.GeneralChat;
        emulator.State.UpdateChat(chat.ChatId, c => c with { BotAppIds = [.. c.BotAppIds, SecondApp] });
        using var add = await emulator.PostJsonAsync($"/open-apis/im/v1/chats/{chat.ChatId}/members?member_id_type=open_id&succeed_type=1", new { id_list = new[] { bob.OpenId } }, second);
        Assert.Equal(0, add.Code);
        Assert.Equal([bob.OpenId], add.Data.GetProperty("not_existed_id_list").EnumerateArray().Select(e => e.GetString()));

        // Approvals: 1390004 (user not found).
        using var instance = await emulator.PostJsonAsync("/open-apis/approval/v4/instances", new
        {
            approval_code = Larkway.Emulator.Seed.DefaultApprovals.GeneralRequestCode,
            open_id = bob.OpenId,
            form = """[{"id":"title","type":"input","value":"x"}]""",
        }, second);
        Assert.Equal(1390004, instance.Code);
    }

    [Fact]
    public async Task Messages_and_chat_members_read_back_in_the_callers_open_ids()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.TenantTokenAsync();
        var second = await emulator.AddAppAsync(SecondApp);
        var chat = emulator.GeneralChat;
        emulator.State.UpdateChat(chat.ChatId, c => c with { BotAppIds = [.. c.BotAppIds, SecondApp] });
        var alice = emulator.User("alice@example.com");
        var bob = emulator.User("bob@example.com");

        using var posted = await emulator.PostJsonAsync($"/_emulator/chats/{chat.ChatId}/messages", new { sender = alice.Email, msg_type = "text", content = new { text = $"<at user_id=\"{bob.OpenId}\">Bob</at> hello" } });
        Assert.Equal(0, posted.Code);
        var messageId = posted.Data.GetProperty("message_id").GetString()!;

        foreach (var (appId, token) in new[] { (emulator.Options.AppId, first), (SecondApp, second) })
        {
            using var read = await emulator.GetAsync($"/open-apis/im/v1/messages/{messageId}", token);
            var item = read.Data.GetProperty("items")[0];
            Assert.Equal(emulator.State.OpenIdFor(appId, alice), item.GetProperty("sender").GetProperty("id").GetString());
            Assert.Equal(emulator.State.OpenIdFor(appId, bob), item.GetProperty("mentions")[0].GetProperty("id").GetString());

            using var members = await emulator.GetAsync($"/open-apis/im/v1/chats/{chat.ChatId}/members", token);
            var memberIds = members.Data.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("member_id").GetString()).ToHashSet();
            Assert.Contains(emulator.State.OpenIdFor(appId, alice), memberIds);
            Assert.Contains(emulator.State.OpenIdFor(appId, bob), memberIds);

            using var got = await emulator.GetAsync($"/open-apis/im/v1/chats/{chat.ChatId}", token);
            Assert.Equal(emulator.State.OpenIdFor(appId, alice), got.Data.GetProperty("owner_id").GetString());
        }

        // A shared contact sent by the second app names the user in each reader's ids.
        using var shared = await emulator.SendMessageAsync(second, "chat_id", chat.ChatId, "share_user", new { user_id = emulator.State.OpenIdFor(SecondApp, bob) });
        Assert.Equal(0, shared.Code);
        Assert.Equal(emulator.State.OpenIdFor(SecondApp, bob), UserIdIn(shared.Data));
        using var firstReads = await emulator.GetAsync($"/open-apis/im/v1/messages/{shared.Data.GetProperty("message_id").GetString()}", first);
        Assert.Equal(bob.OpenId, UserIdIn(firstReads.Data.GetProperty("items")[0]));
    }

    [Fact]
    public async Task Events_carry_the_receiving_apps_ids()
    {
        await using var firstReceiver = await EventReceiver.StartAsync();
        await using var secondReceiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.AddAppAsync(SecondApp);
        var chat = emulator.GeneralChat;
        emulator.State.UpdateChat(chat.ChatId, c => c with { BotAppIds = [.. c.BotAppIds, SecondApp] });
        emulator.State.SetEventSubscription(new EventSubscription(emulator.Options.AppId, firstReceiver.Url.ToString(), null, "vt") { ReceiveAllGroupMessages = true });
        emulator.State.SetEventSubscription(new EventSubscription(SecondApp, secondReceiver.Url.ToString(), null, "vt") { ReceiveAllGroupMessages = true });
        var alice = emulator.User("alice@example.com");
        var bob = emulator.User("bob@example.com");

        using var posted = await emulator.PostJsonAsync($"/_emulator/chats/{chat.ChatId}/messages", new { sender = alice.Email, msg_type = "text", content = new { text = $"<at user_id=\"{bob.OpenId}\">Bob</at> hello" } });
        Assert.Equal(0, posted.Code);
        using var removed = await emulator.SendAsync(HttpMethod.Delete, $"/_emulator/chats/{chat.ChatId}/members", JsonSerializer.Serialize(new { @operator = alice.Email, users = new[] { "carol@example.com" } }), null);
        Assert.Equal(0, removed.Code);

        foreach (var (appId, receiver) in new[] { (emulator.Options.AppId, firstReceiver), (SecondApp, secondReceiver) })
        {
            var message = receiver.Plain(await receiver.WaitForEventAsync("im.message.receive_v1"));
            var sender = message.GetProperty("event").GetProperty("sender").GetProperty("sender_id");
            Assert.Equal(emulator.State.OpenIdFor(appId, alice), sender.GetProperty("open_id").GetString());
            Assert.Equal(alice.UnionId, sender.GetProperty("union_id").GetString());
            Assert.Equal(alice.UserId, sender.GetProperty("user_id").GetString());
            var mention = message.GetProperty("event").GetProperty("message").GetProperty("mentions")[0].GetProperty("id");
            Assert.Equal(emulator.State.OpenIdFor(appId, bob), mention.GetProperty("open_id").GetString());

            var deleted = receiver.Plain(await receiver.WaitForEventAsync("im.chat.member.user.deleted_v1")).GetProperty("event");
            Assert.Equal(emulator.State.OpenIdFor(appId, alice), deleted.GetProperty("operator_id").GetProperty("open_id").GetString());
            Assert.Equal(emulator.State.OpenIdFor(appId, emulator.User("carol@example.com")), deleted.GetProperty("users")[0].GetProperty("user_id").GetProperty("open_id").GetString());
        }
    }

    [Fact]
    public async Task The_control_api_takes_any_apps_open_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.AddAppAsync(SecondApp);
        var chat = emulator.GeneralChat;
        var alice = emulator.User("alice@example.com");

        using var posted = await emulator.PostJsonAsync($"/_emulator/chats/{chat.ChatId}/messages", new { sender = emulator.State.OpenIdFor(SecondApp, alice), content = new { text = "hi" } });

        Assert.Equal(0, posted.Code);
        Assert.Equal(alice.OpenId, emulator.State.FindMessage(posted.Data.GetProperty("message_id").GetString()!)!.Sender.Id);
        Assert.Same(alice, emulator.State.FindUser(SecondApp, "open_id", emulator.State.OpenIdFor(SecondApp, alice)));
        Assert.Null(emulator.State.FindUser(SecondApp, "open_id", alice.OpenId));
    }

    [Fact]
    public async Task Signing_in_through_an_app_gives_that_apps_open_id_and_its_developers_union_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.AddAppAsync(SecondApp, developer: "partner");
        var alice = emulator.User("alice@example.com");
        using var authorized = await emulator.PostJsonAsync("/_emulator/authen/authorize", new { client_id = SecondApp, redirect_uri = "http://127.0.0.1:5000/callback", scope = "", user = alice.Email });
        Assert.True(authorized.Code == 0, authorized.Text);
        using var tokens = await emulator.PostJsonAsync("/open-apis/authen/v2/oauth/token", new
        {
            grant_type = "authorization_code",
            client_id = SecondApp,
            client_secret = "secret-of-" + SecondApp,
            code = authorized.Data.GetProperty("code").GetString(),
            redirect_uri = "http://127.0.0.1:5000/callback",
        });
        Assert.True(tokens.Json.GetProperty("code").GetInt32() == 0, tokens.Text);

        using var me = await emulator.GetAsync("/open-apis/authen/v1/user_info", tokens.Json.GetProperty("access_token").GetString());

        Assert.Equal(0, me.Code);
        Assert.Equal(emulator.State.OpenIdFor(SecondApp, alice), me.Data.GetProperty("open_id").GetString());
        Assert.NotEqual(alice.OpenId, me.Data.GetProperty("open_id").GetString());
        Assert.Equal(emulator.State.UnionIdFor(SecondApp, alice), me.Data.GetProperty("union_id").GetString());
        Assert.NotEqual(alice.UnionId, me.Data.GetProperty("union_id").GetString());
    }

    private static string? UserIdIn(JsonElement message) =>
        JsonDocument.Parse(message.GetProperty("body").GetProperty("content").GetString()!).RootElement.GetProperty("user_id").GetString();

    private static async Task<(string OpenId, string UnionId, string UserId)> IdsOfAsync(TestEmulator emulator, string token, string email)
    {
        var ids = new string[3];
        var types = new[] { "open_id", "union_id", "user_id" };
        for (var i = 0; i < types.Length; i++)
        {
            using var reply = await emulator.PostJsonAsync($"/open-apis/contact/v3/users/batch_get_id?user_id_type={types[i]}", new { emails = new[] { email } }, token);
            Assert.Equal(0, reply.Code);
            ids[i] = reply.Data.GetProperty("user_list")[0].GetProperty("user_id").GetString()!;
        }

        return (ids[0], ids[1], ids[2]);
    }
}
