using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Web;

public sealed class ChatPageTests
{
    [Fact]
    public async Task Index_lists_chats_with_links()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var html = await emulator.Http.GetStringAsync("/");

        Assert.Contains("Larkway Dev", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/chats/{emulator.EngineeringChat.ChatId}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_page_shows_messages_as_users_see_them_and_escapes_html()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;
        var bob = emulator.User("bob@example.com");
        var imageKey = await emulator.UploadImageAsync(token, TestImages.Png);
        using var file = await emulator.UploadFileAsync(token, "pdf", "minutes.pdf", [1, 2, 3]);

        var sends = new (string Type, object Content)[]
        {
            ("text", new { text = $"<script>alert(1)</script> ping <at user_id=\"{bob.OpenId}\">Bob</at>" }),
            ("post", new { zh_cn = new { title = "Weekly <b>notes</b>", content = new[] { new object[] { new { tag = "a", text = "bad link", href = "javascript:alert(2)" }, new { tag = "text", text = "plain", style = new[] { "bold" } } } } } }),
            ("image", new { image_key = imageKey }),
            ("file", new { file_key = file.Data.GetProperty("file_key").GetString() }),
            ("interactive", new { header = new { title = new { tag = "plain_text", content = "Approve <PO-7>" }, template = "orange" }, elements = new object[] { new { tag = "div", text = new { tag = "lark_md", content = "**Amount** 42" } } } }),
        };
        foreach (var (type, content) in sends)
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            using var sent = await emulator.SendMessageAsync(token, "chat_id", chat, type, content);
            Assert.True(sent.Code == 0, sent.Text);
        }

        var html = await emulator.Http.GetStringAsync($"/chats/{chat}");

        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"mention\">@Bob Li</span>", html, StringComparison.Ordinal);
        Assert.Contains("Weekly &lt;b&gt;notes&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.Contains("<strong>plain</strong>", html, StringComparison.Ordinal);
        Assert.Contains($"src=\"/_emulator/resources/{imageKey}\"", html, StringComparison.Ordinal);
        Assert.Contains("minutes.pdf", html, StringComparison.Ordinal);
        Assert.Contains("Approve &lt;PO-7&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Amount</strong> 42", html, StringComparison.Ordinal);
        Assert.Contains("Larkway Bot", html, StringComparison.Ordinal);

        var image = await emulator.Http.GetByteArrayAsync($"/_emulator/resources/{imageKey}");
        Assert.Equal(TestImages.Png, image);
    }

    [Fact]
    public async Task Recalled_messages_show_as_recalled()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var sent = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "secret plans" });
        using (await emulator.SendAsync(HttpMethod.Delete, "/open-apis/im/v1/messages/" + sent.Data.GetProperty("message_id").GetString(), null, token))
        {
        }

        var html = await emulator.Http.GetStringAsync($"/chats/{emulator.GeneralChat.ChatId}");

        Assert.DoesNotContain("secret plans", html, StringComparison.Ordinal);
        Assert.Contains("This message was recalled", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_chat_page_is_404()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var response = await emulator.Http.GetAsync("/chats/oc_missing");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
