using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Im;

public sealed class ChatTests
{
    [Fact]
    public async Task Create_get_update_and_disband_a_chat()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var alice = emulator.User("alice@example.com");

        using var created = await emulator.PostJsonAsync("/open-apis/im/v1/chats?user_id_type=user_id", new { name = "Incident 42", description = "war room", user_id_list = new[] { "alice", "bob" } }, token);
        Assert.Equal(0, created.Code);
        var chatId = created.Data.GetProperty("chat_id").GetString()!;
        Assert.StartsWith("oc_", chatId, StringComparison.Ordinal);
        Assert.Equal("2", created.Data.GetProperty("user_count").GetString());
        Assert.Equal("1", created.Data.GetProperty("bot_count").GetString());
        Assert.Equal(emulator.Options.AppId, created.Data.GetProperty("owner_id").GetString());
        Assert.False(created.Data.TryGetProperty("owner_id_type", out _));

        using (var update = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/chats/{chatId}", $"{{\"name\":\"Incident 42 (resolved)\",\"owner_id\":\"{alice.OpenId}\"}}", token))
        {
            Assert.Equal(0, update.Code);
        }

        using (var got = await emulator.GetAsync($"/open-apis/im/v1/chats/{chatId}", token))
        {
            Assert.Equal("Incident 42 (resolved)", got.Data.GetProperty("name").GetString());
            Assert.Equal(alice.OpenId, got.Data.GetProperty("owner_id").GetString());
            Assert.Equal("open_id", got.Data.GetProperty("owner_id_type").GetString());
        }

        // The bot handed ownership to Alice, so it may no longer disband the chat.
        using (var refused = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/im/v1/chats/{chatId}", null, token))
        {
            Assert.Equal(232017, refused.Code);
        }

        using var mine = await emulator.PostJsonAsync("/open-apis/im/v1/chats", new { name = "Temp" }, token);
        var tempId = mine.Data.GetProperty("chat_id").GetString();
        using (var disband = await emulator.SendAsync(HttpMethod.Delete, $"/open-apis/im/v1/chats/{tempId}", null, token))
        {
            Assert.Equal(0, disband.Code);
        }

        using var send = await emulator.SendMessageAsync(token, "chat_id", tempId!, "text", new { text = "anyone?" });
        Assert.Equal(232009, send.Code);
    }

    [Theory]
    [InlineData("{\"chat_type\":\"public\",\"name\":\"x\"}")]
    [InlineData("{\"chat_mode\":\"p2p\"}")]
    [InlineData("{\"user_id_list\":[\"ou_nobody\"]}")]
    public async Task Invalid_create_requests_are_232001(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendAsync(HttpMethod.Post, "/open-apis/im/v1/chats", body, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(232001, reply.Code);
    }

    [Fact]
    public async Task Permissions_must_be_updated_as_a_pair()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.SendAsync(HttpMethod.Put, $"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}", "{\"add_member_permission\":\"only_owner\",\"share_card_permission\":\"allowed\"}", token);

        Assert.Equal(232001, reply.Code);
    }

    [Fact]
    public async Task List_pages_my_group_chats_and_excludes_p2p()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.SendMessageAsync(token, "email", "bob@example.com", "text", new { text = "dm" }))
        {
        }

        using var page1 = await emulator.GetAsync("/open-apis/im/v1/chats?page_size=1", token);
        Assert.True(page1.Data.GetProperty("has_more").GetBoolean());
        using var page2 = await emulator.GetAsync("/open-apis/im/v1/chats?page_size=1&page_token=" + Uri.EscapeDataString(page1.Data.GetProperty("page_token").GetString()!), token);

        var names = new[] { page1, page2 }.SelectMany(p => p.Data.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Larkway Dev", "Engineering"], names);
        Assert.False(page2.Data.GetProperty("has_more").GetBoolean());

        using var tooBig = await emulator.GetAsync("/open-apis/im/v1/chats?page_size=101", token);
        Assert.Equal(232001, tooBig.Code);
    }

    [Theory]
    [InlineData("engin", 1)]
    [InlineData("LARKWAY", 1)]
    [InlineData("zzz", 0)]
    [InlineData("", 0)]
    public async Task Search_matches_names_case_insensitively(string query, int expected)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.GetAsync("/open-apis/im/v1/chats/search?query=" + Uri.EscapeDataString(query), token);

        Assert.Equal(0, reply.Code);
        Assert.Equal(expected, reply.Data.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_chat_is_232006()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.GetAsync("/open-apis/im/v1/chats/oc_missing", token);

        Assert.Equal(232006, reply.Code);
    }

    [Fact]
    public async Task Create_with_the_same_uuid_returns_the_same_chat_for_10_hours()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var first = await emulator.PostJsonAsync("/open-apis/im/v1/chats?uuid=incident-7", new { name = "Incident 7" }, token);
        using var retry = await emulator.PostJsonAsync("/open-apis/im/v1/chats?uuid=incident-7", new { name = "Incident 7" }, token);

        Assert.Equal(first.Data.GetProperty("chat_id").GetString(), retry.Data.GetProperty("chat_id").GetString());
        Assert.Equal(3, emulator.State.Chats.Count);

        emulator.Clock.Advance(TimeSpan.FromHours(10) + TimeSpan.FromSeconds(1));
        token = await emulator.TenantTokenAsync();
        using var later = await emulator.PostJsonAsync("/open-apis/im/v1/chats?uuid=incident-7", new { name = "Incident 7" }, token);
        Assert.NotEqual(first.Data.GetProperty("chat_id").GetString(), later.Data.GetProperty("chat_id").GetString());
    }

    [Fact]
    public async Task Me_join_adds_the_bot_to_public_chats_only()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var open = emulator.State.AddChat(emulator.GeneralChat with { ChatId = "oc_public", Name = "Town hall", ChatType = "public", BotAppIds = [] });
        var closed = emulator.State.AddChat(emulator.GeneralChat with { ChatId = "oc_private", Name = "Board", BotAppIds = [] });

        using (var joined = await emulator.SendAsync(HttpMethod.Patch, $"/open-apis/im/v1/chats/{open.ChatId}/members/me_join", null, token))
        {
            Assert.Equal(0, joined.Code);
        }

        using var refused = await emulator.SendAsync(HttpMethod.Patch, $"/open-apis/im/v1/chats/{closed.ChatId}/members/me_join", null, token);
        Assert.Equal(232014, refused.Code);
        Assert.Contains(emulator.Options.AppId, emulator.State.FindChat(open.ChatId)!.BotAppIds);
        Assert.DoesNotContain(emulator.Options.AppId, emulator.State.FindChat(closed.ChatId)!.BotAppIds);
    }
}
