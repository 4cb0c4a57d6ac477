using System.Net;
using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Events;

/// <summary>Event push over HTTP against a real local receiver that verifies and decrypts on its own.</summary>
public sealed class EventDeliveryTests
{
    private const string EncryptKey = "kT9y7XvQ2mN4pL6s";
    private const string Token = "vt_8dJk2LmNpQr";

    private static readonly TimeSpan[] FastRetries = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)];

    [Fact]
    public async Task Subscribing_performs_a_plain_url_verification()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await SubscribeAsync(emulator, receiver, encryptKey: null);

        Assert.Equal(0, reply.Code);
        Assert.True(reply.Data.GetProperty("url_verification").GetProperty("ok").GetBoolean());
        var request = Assert.Single(receiver.Requests);
        var body = JsonDocument.Parse(request.RawBody).RootElement;
        Assert.Equal("url_verification", body.GetProperty("type").GetString());
        Assert.Equal(Token, body.GetProperty("token").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("challenge").GetString()));
        Assert.False(body.TryGetProperty("encrypt", out _));
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);

        using var get = await emulator.GetAsync($"/_emulator/apps/{emulator.Options.AppId}/event-subscription", null);
        Assert.Equal(receiver.Url.ToString(), get.Data.GetProperty("subscription").GetProperty("url").GetString());
        Assert.DoesNotContain(EncryptKey, get.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribing_with_an_encrypt_key_sends_an_encrypted_challenge()
    {
        await using var receiver = await EventReceiver.StartAsync(EncryptKey);
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await SubscribeAsync(emulator, receiver, EncryptKey);

        Assert.Equal(0, reply.Code);
        var request = Assert.Single(receiver.Requests);
        var outer = JsonDocument.Parse(request.RawBody).RootElement;
        Assert.Equal(["encrypt"], outer.EnumerateObject().Select(p => p.Name));
        var plain = receiver.Plain(request);
        Assert.Equal("url_verification", plain.GetProperty("type").GetString());
        Assert.Equal(Token, plain.GetProperty("token").GetString());
    }

    [Fact]
    public async Task A_failed_url_verification_is_reported_and_nothing_is_saved()
    {
        await using var receiver = await EventReceiver.StartAsync();
        receiver.Respond = (_, _) => Task.FromResult((200, "{\"challenge\":\"wrong\"}"));
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await SubscribeAsync(emulator, receiver, encryptKey: null);

        Assert.Equal(400, reply.Status);
        Assert.Contains("url_verification failed", reply.Msg, StringComparison.Ordinal);
        Assert.Contains("challenge", reply.Msg, StringComparison.Ordinal);
        using var get = await emulator.GetAsync($"/_emulator/apps/{emulator.Options.AppId}/event-subscription", null);
        Assert.Equal(404, get.Status);
    }

    [Fact]
    public async Task A_user_message_in_p2p_raises_a_signed_encrypted_receive_event()
    {
        await using var receiver = await EventReceiver.StartAsync(EncryptKey);
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, EncryptKey);
        var alice = emulator.User("alice@example.com");
        var token = await emulator.TenantTokenAsync();
        using var sent = await emulator.SendMessageAsync(token, "email", alice.Email!, "text", new { text = "hello" });
        var chatId = sent.Data.GetProperty("chat_id").GetString()!;

        using var posted = await emulator.PostJsonAsync($"/_emulator/chats/{chatId}/messages", new { sender = "alice@example.com", msg_type = "text", content = new { text = "你好，飞书" } });
        Assert.Equal(0, posted.Code);
        var request = await receiver.WaitForEventAsync("im.message.receive_v1");

        Assert.True(receiver.SignatureValid(request));
        Assert.False(string.IsNullOrEmpty(request.Nonce));
        Assert.True(long.TryParse(request.Timestamp, out var seconds) && seconds == emulator.Clock.GetUtcNow().ToUnixTimeSeconds());
        var envelope = receiver.Plain(request);
        Assert.Equal("2.0", envelope.GetProperty("schema").GetString());
        var header = envelope.GetProperty("header");
        Assert.Equal(32, header.GetProperty("event_id").GetString()!.Length);
        Assert.Equal(emulator.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), header.GetProperty("create_time").GetString());
        Assert.Equal(Token, header.GetProperty("token").GetString());
        Assert.Equal(emulator.Options.AppId, header.GetProperty("app_id").GetString());
        Assert.Equal(emulator.State.Tenant.TenantKey, header.GetProperty("tenant_key").GetString());

        var ev = envelope.GetProperty("event");
        var sender = ev.GetProperty("sender");
        Assert.Equal("user", sender.GetProperty("sender_type").GetString());
        Assert.Equal(alice.OpenId, sender.GetProperty("sender_id").GetProperty("open_id").GetString());
        Assert.Equal(alice.UnionId, sender.GetProperty("sender_id").GetProperty("union_id").GetString());
        Assert.Equal(alice.UserId, sender.GetProperty("sender_id").GetProperty("user_id").GetString());
        var message = ev.GetProperty("message");
        Assert.Equal(posted.Data.GetProperty("message_id").GetString(), message.GetProperty("message_id").GetString());
        Assert.Equal(chatId, message.GetProperty("chat_id").GetString());
        Assert.Equal("p2p", message.GetProperty("chat_type").GetString());
        Assert.Equal("text", message.GetProperty("message_type").GetString());
        Assert.Equal("你好，飞书", JsonDocument.Parse(message.GetProperty("content").GetString()!).RootElement.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.String, message.GetProperty("create_time").ValueKind);
        Assert.False(message.TryGetProperty("mentions", out _));

        // The bot's own message raised nothing: one receive event in the log.
        Assert.Single(emulator.Server.Deliveries.Events, e => e.EventType == "im.message.receive_v1");
    }

    [Fact]
    public async Task A_user_writing_to_the_bot_directly_opens_the_p2p_chat_and_replies_carry_parent_and_root()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var bob = emulator.User("bob@example.com");

        using var first = await emulator.PostJsonAsync($"/_emulator/apps/{emulator.Options.AppId}/p2p-messages", new { sender = bob.UserId, content = new { text = "first" } });
        Assert.Equal(0, first.Code);
        var chatId = first.Data.GetProperty("chat_id").GetString()!;
        Assert.Equal("p2p", emulator.State.FindChat(chatId)!.ChatMode);
        var firstId = first.Data.GetProperty("message_id").GetString()!;
        using var reply = await emulator.PostJsonAsync($"/_emulator/chats/{chatId}/messages", new { sender = bob.OpenId, content = "{\"text\":\"second\"}", parent_id = firstId });
        Assert.Equal(0, reply.Code);

        var second = receiver.Plain(await receiver.WaitForAsync(r => receiver.EventTypeOf(r) == "im.message.receive_v1" && receiver.Plain(r).GetProperty("event").GetProperty("message").GetProperty("message_id").GetString() == reply.Data.GetProperty("message_id").GetString()));
        var message = second.GetProperty("event").GetProperty("message");
        Assert.Equal("p2p", message.GetProperty("chat_type").GetString());
        Assert.Equal(firstId, message.GetProperty("parent_id").GetString());
        Assert.Equal(firstId, message.GetProperty("root_id").GetString());
        Assert.Equal(2, emulator.Server.Deliveries.Events.Count(e => e.EventType == "im.message.receive_v1"));

        using var outsider = await emulator.PostJsonAsync($"/_emulator/chats/{emulator.EngineeringChat.ChatId}/messages", new { sender = "dave@example.com", content = new { text = "not a member" } });
        Assert.Equal(400, outsider.Status);
    }

    [Fact]
    public async Task The_web_view_lets_a_member_talk_to_the_bot_and_refuses_foreign_origins()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var chat = emulator.GeneralChat;
        var carol = emulator.User("carol@example.com");
        using (var page = await emulator.GetAsync($"/chats/{chat.ChatId}", null))
        {
            Assert.Contains($"action=\"/chats/{chat.ChatId}/say\"", page.Text, StringComparison.Ordinal);
        }

        var fields = new Dictionary<string, string> { ["sender"] = carol.OpenId, ["text"] = "from the page", ["mention_bots"] = "1" };
        using (var foreign = new HttpRequestMessage(HttpMethod.Post, $"/chats/{chat.ChatId}/say") { Content = new FormUrlEncodedContent(fields) })
        {
            foreign.Headers.Add("Origin", "https://evil.example");
            using var refused = await emulator.Http.SendAsync(foreign);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Empty(emulator.State.MessagesIn(chat.ChatId));
        using var posted = await emulator.Http.PostAsync($"/chats/{chat.ChatId}/say", new FormUrlEncodedContent(fields));
        Assert.True(posted.IsSuccessStatusCode || (int)posted.StatusCode == 302, posted.StatusCode.ToString());
        var message = Assert.Single(emulator.State.MessagesIn(chat.ChatId));
        Assert.Equal(carol.OpenId, message.Sender.Id);
        var ev = receiver.Plain(await receiver.WaitForEventAsync("im.message.receive_v1")).GetProperty("event");
        Assert.Equal(message.MessageId, ev.GetProperty("message").GetProperty("message_id").GetString());
        Assert.Equal(carol.OpenId, ev.GetProperty("sender").GetProperty("sender_id").GetProperty("open_id").GetString());
    }

    [Fact]
    public async Task The_web_view_sends_an_image_as_an_image_message()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var chat = emulator.GeneralChat;
        var carol = emulator.User("carol@example.com");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
        using var form = new MultipartFormDataContent
        {
            { new StringContent(carol.OpenId), "sender" },
            { new StringContent("1"), "mention_bots" },
            { new ByteArrayContent(png), "image", "pixel.png" },
        };

        using var posted = await emulator.Http.PostAsync($"/chats/{chat.ChatId}/say", form);

        Assert.True(posted.IsSuccessStatusCode || (int)posted.StatusCode == 302, posted.StatusCode.ToString());
        var message = Assert.Single(emulator.State.MessagesIn(chat.ChatId));
        Assert.Equal("image", message.MsgType);
        using var content = System.Text.Json.JsonDocument.Parse(message.Content);
        var key = content.RootElement.GetProperty("image_key").GetString()!;
        Assert.Equal(png, emulator.State.FindResource(key)!.Data.ToArray());

        // Feishu delivers a group message to the bot only when it is @-mentioned; an image carries no mention.
        Assert.DoesNotContain(emulator.Server.Deliveries.Events, e => e.EventType == "im.message.receive_v1");

        using var notImage = new MultipartFormDataContent
        {
            { new StringContent(carol.OpenId), "sender" },
            { new ByteArrayContent("plain text"u8.ToArray()), "image", "notes.txt" },
        };
        using var refused = await emulator.Http.PostAsync($"/chats/{chat.ChatId}/say", notImage);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Group_messages_reach_the_bot_only_when_mentioned_unless_the_app_has_the_group_scope()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var chat = emulator.GeneralChat;
        var bot = emulator.State.FindApp(emulator.Options.AppId)!;

        using (await PostUserMessageAsync(emulator, chat.ChatId, "bob@example.com", "no mention here"))
        {
        }

        using var mentioned = await PostUserMessageAsync(emulator, chat.ChatId, "bob@example.com", $"<at user_id=\"{bot.BotOpenId}\">Larkway Bot</at> status?");
        var request = await receiver.WaitForEventAsync("im.message.receive_v1");
        var message = receiver.Plain(request).GetProperty("event").GetProperty("message");
        Assert.Equal(mentioned.Data.GetProperty("message_id").GetString(), message.GetProperty("message_id").GetString());
        Assert.Equal("group", message.GetProperty("chat_type").GetString());
        Assert.Equal("@_user_1 status?", JsonDocument.Parse(message.GetProperty("content").GetString()!).RootElement.GetProperty("text").GetString());
        var mention = Assert.Single(message.GetProperty("mentions").EnumerateArray());
        Assert.Equal("@_user_1", mention.GetProperty("key").GetString());
        Assert.Equal(bot.BotOpenId, mention.GetProperty("id").GetProperty("open_id").GetString());
        Assert.Single(emulator.Server.Deliveries.Events, e => e.EventType == "im.message.receive_v1");

        await SubscribeAsync(emulator, receiver, encryptKey: null, allGroupMessages: true);
        using var plain = await PostUserMessageAsync(emulator, chat.ChatId, "bob@example.com", "now everything arrives");
        var second = await receiver.WaitForEventAsync("im.message.receive_v1", skip: 1);
        Assert.Equal(plain.Data.GetProperty("message_id").GetString(), receiver.Plain(second).GetProperty("event").GetProperty("message").GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task A_receiver_answering_500_then_200_gets_the_retry_and_the_log_shows_both_attempts()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync(o => o.EventRetryDelays = FastRetries);
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var events = 0;
        receiver.Respond = (request, _) => Task.FromResult(receiver.EventTypeOf(request) == "im.message.receive_v1" && Interlocked.Increment(ref events) == 1
            ? (500, "{\"msg\":\"boom\"}")
            : receiver.Default(request));

        using var posted = await PostUserMessageAsync(emulator, emulator.GeneralChat.ChatId, "alice@example.com", $"<at user_id=\"{emulator.Options.AppId}\"></at> hi");
        var first = await receiver.WaitForEventAsync("im.message.receive_v1");
        var second = await receiver.WaitForEventAsync("im.message.receive_v1", skip: 1);
        Assert.Equal(EventIdOf(receiver, first), EventIdOf(receiver, second));

        var items = await WaitForLogAsync(emulator, items => items.Count(i => i.GetProperty("event_type").GetString() == "im.message.receive_v1") >= 2);
        var attempts = items.Where(i => i.GetProperty("event_type").GetString() == "im.message.receive_v1").ToList();
        Assert.Equal(2, attempts[0].GetProperty("attempt").GetInt32());
        Assert.True(attempts[0].GetProperty("success").GetBoolean());
        Assert.Equal(200, attempts[0].GetProperty("status_code").GetInt32());
        Assert.Equal(1, attempts[1].GetProperty("attempt").GetInt32());
        Assert.False(attempts[1].GetProperty("success").GetBoolean());
        Assert.Equal(500, attempts[1].GetProperty("status_code").GetInt32());
        Assert.Contains("500", attempts[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(attempts[1].TryGetProperty("next_retry_time", out _));
    }

    [Fact]
    public async Task A_receiver_slower_than_the_deadline_counts_as_failed_and_is_retried()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.EventRetryDelays = FastRetries;
            o.EventDeliveryTimeout = TimeSpan.FromMilliseconds(1500);
        });
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var events = 0;
        var release = new TaskCompletionSource();
        receiver.Respond = async (request, aborted) =>
        {
            if (receiver.EventTypeOf(request) == "im.message.receive_v1" && Interlocked.Increment(ref events) == 1)
            {
                // Answer only after the emulator gave up on this request (it aborts the connection).
                await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, aborted)).ConfigureAwait(false);
            }

            return receiver.Default(request);
        };

        using var posted = await PostUserMessageAsync(emulator, emulator.GeneralChat.ChatId, "alice@example.com", $"<at user_id=\"{emulator.Options.AppId}\"></at> slow");
        var items = await WaitForLogAsync(emulator, items => items.Any(i => i.GetProperty("event_type").GetString() == "im.message.receive_v1" && i.GetProperty("success").GetBoolean()));
        release.TrySetResult();
        var attempts = items.Where(i => i.GetProperty("event_type").GetString() == "im.message.receive_v1").Reverse().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.False(attempts[0].GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, attempts[0].TryGetProperty("status_code", out var status) ? status.ValueKind : JsonValueKind.Null);
        Assert.Contains("within", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(attempts[1].GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Adding_the_bot_raises_bot_added_and_redeliver_sends_the_same_event_id_again()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var alice = emulator.User("alice@example.com");
        var chat = emulator.GeneralChat;
        using (var removed = await emulator.SendAsync(HttpMethod.Delete, $"/_emulator/chats/{chat.ChatId}/members", JsonSerializer.Serialize(new { @operator = "alice@example.com", bots = new[] { emulator.Options.AppId } }), null))
        {
            Assert.Equal(0, removed.Code);
        }

        var deleted = receiver.Plain(await receiver.WaitForEventAsync("im.chat.member.bot.deleted_v1"));
        Assert.Equal(chat.ChatId, deleted.GetProperty("event").GetProperty("chat_id").GetString());

        using var added = await emulator.PostJsonAsync($"/_emulator/chats/{chat.ChatId}/members", new { @operator = "alice@example.com", bots = new[] { emulator.Options.AppId } });
        Assert.Equal(0, added.Code);
        var request = await receiver.WaitForEventAsync("im.chat.member.bot.added_v1");
        var envelope = receiver.Plain(request);
        var ev = envelope.GetProperty("event");
        Assert.Equal(chat.ChatId, ev.GetProperty("chat_id").GetString());
        Assert.Equal(chat.Name, ev.GetProperty("name").GetString());
        Assert.False(ev.GetProperty("external").GetBoolean());
        Assert.Equal(alice.OpenId, ev.GetProperty("operator_id").GetProperty("open_id").GetString());
        Assert.Equal(alice.UserId, ev.GetProperty("operator_id").GetProperty("user_id").GetString());
        Assert.Equal(emulator.State.Tenant.TenantKey, ev.GetProperty("operator_tenant_key").GetString());

        var eventId = envelope.GetProperty("header").GetProperty("event_id").GetString()!;
        using var redeliver = await emulator.PostJsonAsync($"/_emulator/events/{eventId}/redeliver", new { });
        Assert.Equal(0, redeliver.Code);
        var duplicate = await receiver.WaitForEventAsync("im.chat.member.bot.added_v1", skip: 1);
        Assert.Equal(eventId, EventIdOf(receiver, duplicate));
        Assert.Equal(receiver.Plain(request).GetRawText(), receiver.Plain(duplicate).GetRawText());

        using var unknown = await emulator.PostJsonAsync("/_emulator/events/nope/redeliver", new { });
        Assert.Equal(400, unknown.Status);
    }

    [Fact]
    public async Task Members_disband_and_reads_raise_their_events()
    {
        await using var receiver = await EventReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, encryptKey: null);
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.EngineeringChat;
        var carol = emulator.User("carol@example.com");

        using (await emulator.PostJsonAsync($"/open-apis/im/v1/chats/{chat.ChatId}/members?member_id_type=open_id", new { id_list = new[] { carol.OpenId } }, token))
        {
        }

        var userAdded = receiver.Plain(await receiver.WaitForEventAsync("im.chat.member.user.added_v1")).GetProperty("event");
        var user = Assert.Single(userAdded.GetProperty("users").EnumerateArray());
        Assert.Equal(carol.OpenId, user.GetProperty("user_id").GetProperty("open_id").GetString());
        Assert.Equal(carol.Name, user.GetProperty("name").GetString());

        using (await emulator.SendAsync(HttpMethod.Delete, $"/_emulator/chats/{chat.ChatId}/members", JsonSerializer.Serialize(new { users = new[] { "carol@example.com" } }), null))
        {
        }

        await receiver.WaitForEventAsync("im.chat.member.user.deleted_v1");
        using (await emulator.SendAsync(HttpMethod.Delete, $"/_emulator/chats/{chat.ChatId}/members", JsonSerializer.Serialize(new { @operator = "bob@example.com", users = new[] { "bob@example.com" } }), null))
        {
        }

        var withdrawn = receiver.Plain(await receiver.WaitForEventAsync("im.chat.member.user.withdrawn_v1")).GetProperty("event");
        Assert.Equal(emulator.User("bob@example.com").OpenId, withdrawn.GetProperty("operator_id").GetProperty("open_id").GetString());
        Assert.Single(emulator.Server.Deliveries.Events, e => e.EventType == "im.chat.member.user.deleted_v1");

        using (var disband = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/im/v1/chats/{chat.ChatId}", null, token))
        {
            Assert.Equal(0, disband.Code);
        }

        var disbanded = receiver.Plain(await receiver.WaitForEventAsync("im.chat.disbanded_v1")).GetProperty("event");
        Assert.Equal(chat.ChatId, disbanded.GetProperty("chat_id").GetString());

        var alice = emulator.User("alice@example.com");
        using var sent = await emulator.SendMessageAsync(token, "open_id", alice.OpenId, "text", new { text = "please read" });
        var messageId = sent.Data.GetProperty("message_id").GetString()!;
        using (await emulator.PostJsonAsync($"/_emulator/messages/{messageId}/read", new { open_id = alice.OpenId }))
        {
        }

        var read = receiver.Plain(await receiver.WaitForEventAsync("im.message.message_read_v1")).GetProperty("event");
        Assert.Equal(alice.OpenId, read.GetProperty("reader").GetProperty("reader_id").GetProperty("open_id").GetString());
        Assert.Equal([messageId], read.GetProperty("message_id_list").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_delivery_log_holds_no_keys_or_bodies()
    {
        await using var receiver = await EventReceiver.StartAsync(EncryptKey);
        await using var emulator = await TestEmulator.StartAsync();
        await SubscribeAsync(emulator, receiver, EncryptKey);
        using (await PostUserMessageAsync(emulator, emulator.GeneralChat.ChatId, "alice@example.com", $"<at user_id=\"{emulator.Options.AppId}\"></at> secret-text-123"))
        {
        }

        await WaitForLogAsync(emulator, items => items.Count > 0);
        using var log = await emulator.GetAsync("/_emulator/events", null);
        Assert.DoesNotContain(EncryptKey, log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-text-123", log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_seeded_subscription_delivers_without_a_challenge()
    {
        await using var receiver = await EventReceiver.StartAsync();
        var seed = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new
        {
            users = new[] { new { name = "Eve", email = "eve@acme.test" } },
            apps = new[] { new { app_id = "cli_0123456789abcdef", app_secret = "seed-secret", events = new { url = receiver.Url.ToString(), verification_token = "seed-token" } } },
            chats = new[] { new { name = "Ops", members = new[] { "eve@acme.test" }, bots = new[] { "cli_0123456789abcdef" } } },
        }));
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o => o.SeedFile = seed);
            var chat = emulator.State.Chats.Single(c => c.Name == "Ops");
            using (await PostUserMessageAsync(emulator, chat.ChatId, "eve@acme.test", "<at user_id=\"cli_0123456789abcdef\"></at> hi"))
            {
            }

            var envelope = receiver.Plain(await receiver.WaitForEventAsync("im.message.receive_v1"));
            Assert.Equal("seed-token", envelope.GetProperty("header").GetProperty("token").GetString());
            Assert.Equal("cli_0123456789abcdef", envelope.GetProperty("header").GetProperty("app_id").GetString());
            Assert.DoesNotContain(receiver.Requests, r => receiver.EventTypeOf(r) == "url_verification");
        }
        finally
        {
            File.Delete(seed);
        }
    }

    private static async Task<Reply> SubscribeAsync(TestEmulator emulator, EventReceiver receiver, string? encryptKey, bool allGroupMessages = false) =>
        await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/event-subscription", JsonSerializer.Serialize(new
        {
            url = receiver.Url.ToString(),
            encrypt_key = encryptKey,
            verification_token = Token,
            receive_all_group_messages = allGroupMessages,
        }), null);

    private static async Task<Reply> PostUserMessageAsync(TestEmulator emulator, string chatId, string sender, string text)
    {
        var reply = await emulator.PostJsonAsync($"/_emulator/chats/{chatId}/messages", new { sender, msg_type = "text", content = new { text } });
        Assert.Equal(0, reply.Code);
        return reply;
    }

    private static string EventIdOf(EventReceiver receiver, ReceivedRequest request) =>
        receiver.Plain(request).GetProperty("header").GetProperty("event_id").GetString()!;

    /// <summary>Polls the delivery log (newest first) until <paramref name="done"/>; bounded as a failure guard.</summary>
    private static async Task<List<JsonElement>> WaitForLogAsync(TestEmulator emulator, Func<List<JsonElement>, bool> done)
    {
        for (var i = 0; i < 500; i++)
        {
            using var reply = await emulator.GetAsync("/_emulator/events", null);
            Assert.Equal(HttpStatusCode.OK, reply.Response.StatusCode);
            var items = reply.Data.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            if (done(items))
            {
                return items;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the delivery log never reached the expected state");
    }
}
