using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Im;

public sealed class SendMessageTests
{
    [Fact]
    public async Task Text_with_at_is_stored_in_read_side_shape_with_mentions()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var bob = emulator.User("bob@example.com");

        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = $"<b>hi</b> <at user_id=\"{bob.OpenId}\">Bob</at> and <at user_id=\"all\"></at>" });

        Assert.Equal(0, sent.Code);
        var data = sent.Data;
        Assert.StartsWith("om_", data.GetProperty("message_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(emulator.GeneralChat.ChatId, data.GetProperty("chat_id").GetString());
        Assert.Equal("app", data.GetProperty("sender").GetProperty("sender_type").GetString());
        Assert.Equal(emulator.Options.AppId, data.GetProperty("sender").GetProperty("id").GetString());
        var content = JsonDocument.Parse(data.GetProperty("body").GetProperty("content").GetString()!).RootElement;
        Assert.Equal("hi @_user_1 and @_all", content.GetProperty("text").GetString());
        var mention = data.GetProperty("mentions")[0];
        Assert.Equal("@_user_1", mention.GetProperty("key").GetString());
        Assert.Equal(bob.OpenId, mention.GetProperty("id").GetString());
        Assert.Equal("Bob Li", mention.GetProperty("name").GetString());
        Assert.Single(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
    }

    [Fact]
    public async Task Non_ascii_text_is_stored_and_returned_as_utf8_not_escaped()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "周报 ✅ <ok> & done" });

        var content = sent.Data.GetProperty("body").GetProperty("content").GetString()!;
        Assert.Equal("{\"text\":\"周报 ✅ <ok> & done\"}", content);
    }

    [Fact]
    public async Task Post_is_read_back_without_locale_wrapper()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var alice = emulator.User("alice@example.com");
        var post = new Dictionary<string, object>
        {
            ["zh_cn"] = new
            {
                title = "Release",
                content = new object[]
                {
                    new object[] { new { tag = "text", text = "Shipped by " }, new { tag = "at", user_id = alice.OpenId } },
                    new object[] { new { tag = "md", text = "**done**" } },
                },
            },
        };

        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "post", post);
        Assert.Equal(0, sent.Code);
        var messageId = sent.Data.GetProperty("message_id").GetString();

        using var got = await emulator.GetAsync($"/open-apis/im/v1/messages/{messageId}", token);
        var item = got.Data.GetProperty("items")[0];
        var content = JsonDocument.Parse(item.GetProperty("body").GetProperty("content").GetString()!).RootElement;
        Assert.Equal("Release", content.GetProperty("title").GetString());
        Assert.False(content.TryGetProperty("zh_cn", out _));
        Assert.Equal("@_user_1", content.GetProperty("content")[0][1].GetProperty("user_id").GetString());
        Assert.Equal("text", content.GetProperty("content")[1][0].GetProperty("tag").GetString());
    }

    [Theory]
    [InlineData("post", "{\"zh_cn\":{\"title\":\"no content\"}}", 230001)]
    [InlineData("text", "{\"txt\":\"typo\"}", 230001)]
    [InlineData("text", "not json", 230001)]
    [InlineData("image", "{\"image_key\":\"img_v3_missing\"}", 230001)]
    [InlineData("file", "{\"file_key\":\"file_v3_missing\"}", 230001)]
    [InlineData("share_user", "{\"user_id\":\"ou_nobody\"}", 230001)]
    [InlineData("share_chat", "{\"chat_id\":\"oc_nothere\"}", 230001)]
    [InlineData("interactive", "{\"schema\":\"3.0\",\"body\":{\"elements\":[]}}", 230099)]
    [InlineData("interactive", "{\"config\":{}}", 230099)]
    [InlineData("interactive", "{\"elements\":[{\"no_tag\":1}]}", 230099)]
    [InlineData("hologram", "{}", 230001)]
    public async Task Invalid_content_is_refused(string msgType, string content, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, msgType, content);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
        Assert.Empty(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
    }

    [Theory]
    [InlineData("text", 150 * 1024)]
    [InlineData("post", 30 * 1024)]
    [InlineData("interactive", 30 * 1024)]
    public async Task Oversized_content_is_230025(string msgType, int limit)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var filler = new string('x', limit);
        object content = msgType switch
        {
            "text" => new { text = filler },
            "post" => new { zh_cn = new { content = new[] { new[] { new { tag = "text", text = filler } } } } },
            _ => new { elements = new[] { new { tag = "markdown", content = filler } } },
        };

        using var reply = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, msgType, content);

        Assert.Equal(230025, reply.Code);
    }

    [Fact]
    public async Task Image_file_audio_media_messages_reference_uploads_and_check_types()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;
        var imageKey = await emulator.UploadImageAsync(token, TestImages.Png);
        using var pdf = await emulator.UploadFileAsync(token, "pdf", "report.pdf", "%PDF-1.4"u8.ToArray());
        using var opus = await emulator.UploadFileAsync(token, "opus", "voice.opus", [1, 2, 3], durationMs: 3000);
        using var mp4 = await emulator.UploadFileAsync(token, "mp4", "clip.mp4", [4, 5, 6], durationMs: 9000);
        var pdfKey = pdf.Data.GetProperty("file_key").GetString()!;
        var opusKey = opus.Data.GetProperty("file_key").GetString()!;
        var mp4Key = mp4.Data.GetProperty("file_key").GetString()!;

        using (var image = await emulator.SendMessageAsync(token, "chat_id", chat, "image", new { image_key = imageKey }))
        {
            Assert.Equal(0, image.Code);
        }

        using (var file = await emulator.SendMessageAsync(token, "chat_id", chat, "file", new { file_key = pdfKey }))
        {
            var content = JsonDocument.Parse(file.Data.GetProperty("body").GetProperty("content").GetString()!).RootElement;
            Assert.Equal("report.pdf", content.GetProperty("file_name").GetString());
        }

        using (var audio = await emulator.SendMessageAsync(token, "chat_id", chat, "audio", new { file_key = opusKey }))
        {
            var content = JsonDocument.Parse(audio.Data.GetProperty("body").GetProperty("content").GetString()!).RootElement;
            Assert.Equal(3000, content.GetProperty("duration").GetInt32());
        }

        using (var media = await emulator.SendMessageAsync(token, "chat_id", chat, "media", new { file_key = mp4Key, image_key = imageKey }))
        {
            Assert.Equal(0, media.Code);
        }

        using (var mismatch = await emulator.SendMessageAsync(token, "chat_id", chat, "audio", new { file_key = pdfKey }))
        {
            Assert.Equal(230055, mismatch.Code);
        }

        using var fileAsMedia = await emulator.SendMessageAsync(token, "chat_id", chat, "media", new { file_key = opusKey });
        Assert.Equal(230055, fileAsMedia.Code);
    }

    [Fact]
    public async Task Share_chat_share_user_and_cards_are_accepted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;
        var v1 = new { config = new { update_multi = true }, header = new { title = new { tag = "plain_text", content = "Deploy" }, template = "green" }, elements = new object[] { new { tag = "div", text = new { tag = "lark_md", content = "**ok**" } } } };
        var v2 = new { schema = "2.0", header = new { title = new { tag = "plain_text", content = "V2" } }, body = new { elements = new object[] { new { tag = "markdown", content = "hello" } } } };
        var template = new { type = "template", data = new { template_id = "AAqk1234", template_variable = new { name = "x" } } };

        foreach (var (type, content) in new (string, object)[]
        {
            ("share_chat", new { chat_id = emulator.EngineeringChat.ChatId }),
            ("share_user", new { user_id = emulator.User("carol@example.com").OpenId }),
            ("interactive", v1),
            ("interactive", v2),
            ("interactive", template),
            ("sticker", new { file_key = "file_v2_sticker" }),
        })
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(1)); // stay under 5 QPS per chat
            using var reply = await emulator.SendMessageAsync(token, "chat_id", chat, type, content);
            Assert.True(reply.Code == 0, $"{type}: {reply.Text}");
        }

        var card = emulator.State.MessagesIn(chat).First(m => m.MsgType == "interactive");
        using var simplified = JsonDocument.Parse(card.Content);
        Assert.Equal("Deploy", simplified.RootElement.GetProperty("title").GetString());

        using var original = await emulator.GetAsync($"/open-apis/im/v1/messages/{card.MessageId}?card_msg_content_type=user_card_content", token);
        var raw = JsonDocument.Parse(original.Data.GetProperty("items")[0].GetProperty("body").GetProperty("content").GetString()!).RootElement;
        Assert.True(raw.GetProperty("config").GetProperty("update_multi").GetBoolean());
    }

    [Fact]
    public async Task Email_receiver_gets_a_p2p_chat_reused_on_the_next_send()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var dave = emulator.User("dave@example.com");

        using var first = await emulator.SendMessageAsync(token, "email", "dave@example.com", "text", new { text = "hello" });
        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var second = await emulator.SendMessageAsync(token, "open_id", dave.OpenId, "text", new { text = "again" });
        using var third = await emulator.SendMessageAsync(token, "user_id", dave.UserId, "text", new { text = "and again" });
        using var fourth = await emulator.SendMessageAsync(token, "union_id", dave.UnionId, "text", new { text = "once more" });

        var chatId = first.Data.GetProperty("chat_id").GetString()!;
        Assert.Equal(chatId, second.Data.GetProperty("chat_id").GetString());
        Assert.Equal(chatId, third.Data.GetProperty("chat_id").GetString());
        Assert.Equal(chatId, fourth.Data.GetProperty("chat_id").GetString());
        var p2p = emulator.State.FindChat(chatId)!;
        Assert.Equal("p2p", p2p.ChatMode);
        Assert.Equal([dave.OpenId], p2p.MemberOpenIds);
    }

    [Theory]
    [InlineData("phone", "123", 230001)]
    [InlineData("email", "nobody@example.com", 230034)]
    [InlineData("open_id", "ou_ffffffffffffffffffffffffffffffff", 230034)]
    [InlineData("chat_id", "oc_ffffffffffffffffffffffffffffffff", 230034)]
    public async Task Unknown_receivers_are_refused(string idType, string id, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendMessageAsync(token, idType, id, "text", new { text = "hi" });

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Bot_outside_the_chat_gets_230002()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var outsider = emulator.State.AddChat(emulator.GeneralChat with { ChatId = "oc_outsider", Name = "No bots", BotAppIds = [] });

        using var reply = await emulator.SendMessageAsync(token, "chat_id", outsider.ChatId, "text", new { text = "hi" });

        Assert.Equal(230002, reply.Code);
    }

    [Fact]
    public async Task Same_uuid_returns_the_same_message_and_stores_one()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;

        using var first = await emulator.SendMessageAsync(token, "chat_id", chat, "text", new { text = "once" }, uuid: "order-42");
        using var retry = await emulator.SendMessageAsync(token, "chat_id", chat, "text", new { text = "once" }, uuid: "order-42");

        Assert.Equal(first.Data.GetProperty("message_id").GetString(), retry.Data.GetProperty("message_id").GetString());
        Assert.Single(emulator.State.MessagesIn(chat));

        emulator.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var later = await emulator.SendMessageAsync(token, "chat_id", chat, "text", new { text = "once" }, uuid: "order-42");
        Assert.NotEqual(first.Data.GetProperty("message_id").GetString(), later.Data.GetProperty("message_id").GetString());
    }

    [Fact]
    public async Task Concurrent_sends_with_one_uuid_store_one_message()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.EnforceRateLimits = false);
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => emulator.SendMessageAsync(token, "chat_id", chat, "text", new { text = "race" }, uuid: "same")));

        Assert.Single(replies.Select(r => r.Data.GetProperty("message_id").GetString()).Distinct());
        Assert.Single(emulator.State.MessagesIn(chat));
        foreach (var reply in replies)
        {
            reply.Dispose();
        }
    }

    [Fact]
    public async Task Parallel_sends_to_many_chats_are_all_stored_in_order()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.EnforceRateLimits = false);
        var token = await emulator.TenantTokenAsync();
        var chats = new[] { emulator.GeneralChat.ChatId, emulator.EngineeringChat.ChatId };

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => emulator.SendMessageAsync(token, "chat_id", chats[i % 2], "text", new { text = "n" + i })));

        Assert.All(replies, r => Assert.Equal(0, r.Code));
        Assert.Equal(200, replies.Select(r => r.Data.GetProperty("message_id").GetString()).Distinct().Count());
        foreach (var chat in chats)
        {
            var stored = emulator.State.MessagesIn(chat);
            Assert.Equal(100, stored.Count);
            Assert.Equal(stored.OrderBy(m => m.Sequence).Select(m => m.MessageId), stored.Select(m => m.MessageId));
        }

        foreach (var reply in replies)
        {
            reply.Dispose();
        }
    }

    [Fact]
    public async Task Uuid_longer_than_50_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "x" }, uuid: new string('u', 51));

        Assert.Equal(230001, reply.Code);
    }
}
