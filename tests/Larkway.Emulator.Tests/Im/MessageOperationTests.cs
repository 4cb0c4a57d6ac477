using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Im;

public sealed class MessageOperationTests
{
    private static readonly object SharedCard = new { config = new { update_multi = true }, elements = new object[] { new { tag = "markdown", content = "v1" } } };

    [Fact]
    public async Task Reply_sets_root_and_parent_and_reply_in_thread_creates_a_thread()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var root = await SendTextAsync(emulator, token, "root");

        using var reply = await emulator.PostJsonAsync($"/open-apis/im/v1/messages/{root}/reply", new { msg_type = "text", content = "{\"text\":\"in thread\"}", reply_in_thread = true }, token);
        Assert.Equal(0, reply.Code);
        Assert.Equal(root, reply.Data.GetProperty("root_id").GetString());
        Assert.Equal(root, reply.Data.GetProperty("parent_id").GetString());
        var threadId = reply.Data.GetProperty("thread_id").GetString()!;
        Assert.StartsWith("omt_", threadId, StringComparison.Ordinal);

        // A reply to a threaded message stays in the thread without asking.
        var child = reply.Data.GetProperty("message_id").GetString();
        using var nested = await emulator.PostJsonAsync($"/open-apis/im/v1/messages/{child}/reply", new { msg_type = "text", content = "{\"text\":\"nested\"}" }, token);
        Assert.Equal(threadId, nested.Data.GetProperty("thread_id").GetString());
        Assert.Equal(root, nested.Data.GetProperty("root_id").GetString());

        using var thread = await emulator.GetAsync($"/open-apis/im/v1/messages?container_id_type=thread&container_id={threadId}", token);
        Assert.Equal(3, thread.Data.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Edit_updates_text_and_enforces_type_sender_and_20_edit_limit()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await SendTextAsync(emulator, token, "draft");

        using (var edited = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/messages/{id}", "{\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"final\\\"}\"}", token))
        {
            Assert.Equal(0, edited.Code);
            Assert.True(edited.Data.GetProperty("updated").GetBoolean());
            Assert.Contains("final", edited.Data.GetProperty("body").GetProperty("content").GetString(), StringComparison.Ordinal);
        }

        using (var toImage = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/messages/{id}", "{\"msg_type\":\"image\",\"content\":\"{}\"}", token))
        {
            Assert.Equal(230001, toImage.Code);
        }

        for (var i = 2; i <= 20; i++)
        {
            using var ok = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/messages/{id}", $"{{\"msg_type\":\"text\",\"content\":\"{{\\\"text\\\":\\\"v{i}\\\"}}\"}}", token);
            Assert.Equal(0, ok.Code);
        }

        using var tooMany = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/messages/{id}", "{\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"21\\\"}\"}", token);
        Assert.Equal(230072, tooMany.Code);
    }

    [Fact]
    public async Task Only_the_sender_may_edit()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var hook = await emulator.PostJsonAsync("/open-apis/bot/v2/hook/dev-hook", new { msg_type = "text", content = new { text = "from the custom bot" } });
        var hookMessage = emulator.State.MessagesIn(emulator.GeneralChat.ChatId).Single();

        using var reply = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/messages/{hookMessage.MessageId}", "{\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"hijack\\\"}\"}", token);

        Assert.Equal(230071, reply.Code);
    }

    [Fact]
    public async Task Patch_card_requires_update_multi_before_and_after()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;
        using var shared = await emulator.SendMessageAsync(token, "chat_id", chat, "interactive", SharedCard);
        using var exclusive = await emulator.SendMessageAsync(token, "chat_id", chat, "interactive", new { elements = new object[] { new { tag = "markdown", content = "exclusive" } } });
        var sharedId = shared.Data.GetProperty("message_id").GetString();
        var exclusiveId = exclusive.Data.GetProperty("message_id").GetString();
        var updatedCard = JsonSerializer.Serialize(new { config = new { update_multi = true }, elements = new object[] { new { tag = "markdown", content = "v2" } } });

        using (var ok = await emulator.SendAsync(HttpMethod.Patch, $"/open-apis/im/v1/messages/{sharedId}", JsonSerializer.Serialize(new { content = updatedCard }), token))
        {
            Assert.Equal(0, ok.Code);
        }

        Assert.Contains("v2", emulator.State.FindMessage(sharedId!)!.SendContent, StringComparison.Ordinal);

        using (var notShared = await emulator.SendAsync(HttpMethod.Patch, $"/open-apis/im/v1/messages/{exclusiveId}", JsonSerializer.Serialize(new { content = updatedCard }), token))
        {
            Assert.Equal(230001, notShared.Code);
        }

        var unshares = JsonSerializer.Serialize(new { elements = new object[] { new { tag = "markdown", content = "v3" } } });
        using var dropsFlag = await emulator.SendAsync(HttpMethod.Patch, $"/open-apis/im/v1/messages/{sharedId}", JsonSerializer.Serialize(new { content = unshares }), token);
        Assert.Equal(230001, dropsFlag.Code);
        Assert.Contains("v2", emulator.State.FindMessage(sharedId!)!.SendContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recall_marks_deleted_and_a_second_recall_or_edit_fails()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await SendTextAsync(emulator, token, "oops");

        using (var recall = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/im/v1/messages/{id}", null, token))
        {
            Assert.Equal(0, recall.Code);
        }

        using (var got = await emulator.GetAsync($"/open-apis/im/v1/messages/{id}", token))
        {
            Assert.True(got.Data.GetProperty("items")[0].GetProperty("deleted").GetBoolean());
            Assert.DoesNotContain("oops", got.Data.GetProperty("items")[0].GetProperty("body").GetProperty("content").GetString(), StringComparison.Ordinal);
        }

        using (var again = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/im/v1/messages/{id}", null, token))
        {
            Assert.Equal(230011, again.Code);
        }

        using var edit = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/messages/{id}", "{\"msg_type\":\"text\",\"content\":\"{\\\"text\\\":\\\"x\\\"}\"}", token);
        Assert.Equal(230011, edit.Code);
    }

    [Fact]
    public async Task Recall_after_the_window_is_230009()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await SendTextAsync(emulator, token, "old news");

        emulator.Clock.Advance(TimeSpan.FromHours(25));
        token = await emulator.TenantTokenAsync();
        using var recall = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/im/v1/messages/{id}", null, token);

        Assert.Equal(230009, recall.Code);
    }

    [Fact]
    public async Task Get_unknown_message_is_invalid()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.GetAsync("/open-apis/im/v1/messages/om_nothing", token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(230001, reply.Code);
    }

    [Fact]
    public async Task Read_users_lists_readers_in_the_requested_id_type()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var id = await SendTextAsync(emulator, token, "please read");
        var bob = emulator.User("bob@example.com");
        using (var mark = await emulator.PostJsonAsync($"/_emulator/messages/{id}/read", new { open_id = bob.OpenId }))
        {
            Assert.Equal(0, mark.Code);
        }

        using var reads = await emulator.GetAsync($"/open-apis/im/v1/messages/{id}/read_users?user_id_type=user_id", token);
        var item = reads.Data.GetProperty("items")[0];
        Assert.Equal("bob", item.GetProperty("user_id").GetString());
        Assert.Equal("user_id", item.GetProperty("user_id_type").GetString());

        using var missingType = await emulator.GetAsync($"/open-apis/im/v1/messages/{id}/read_users", token);
        Assert.Equal(230001, missingType.Code);
    }

    [Fact]
    public async Task Message_resource_download_returns_bytes_only_for_keys_of_that_message()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var imageKey = await emulator.UploadImageAsync(token, TestImages.Png);
        var otherKey = await emulator.UploadImageAsync(token, TestImages.Gif);
        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "image", new { image_key = imageKey });
        var id = sent.Data.GetProperty("message_id").GetString();

        using (var ok = await emulator.GetAsync($"/open-apis/im/v1/messages/{id}/resources/{imageKey}?type=image", token))
        {
            Assert.Equal(200, ok.Status);
            Assert.Equal(TestImages.Png, ok.Body);
            Assert.Equal("image/png", ok.Response.Content.Headers.ContentType!.MediaType);
        }

        using (var wrongKey = await emulator.GetAsync($"/open-apis/im/v1/messages/{id}/resources/{otherKey}?type=image", token))
        {
            Assert.Equal(230001, wrongKey.Code);
        }

        using var wrongType = await emulator.GetAsync($"/open-apis/im/v1/messages/{id}/resources/{imageKey}?type=file", token);
        Assert.Equal(230001, wrongType.Code);
    }

    internal static async Task<string> SendTextAsync(TestEmulator emulator, string token, string text)
    {
        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text });
        Assert.Equal(0, sent.Code);
        return sent.Data.GetProperty("message_id").GetString()!;
    }
}
