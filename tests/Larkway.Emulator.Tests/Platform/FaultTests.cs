using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Platform;

public sealed class FaultTests
{
    private const string SendEndpoint = "POST /open-apis/im/v1/messages";

    [Fact]
    public async Task Rate_limit_fault_answers_429_for_the_next_n_matching_calls()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (var arm = await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = SendEndpoint, count = 2, kind = "rate_limit", reset_seconds = 7 }))
        {
            Assert.Equal(0, arm.Code);
        }

        for (var i = 0; i < 2; i++)
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            using var limited = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "x" });
            Assert.Equal(429, limited.Status);
            Assert.Equal(99991400, limited.Code);
            Assert.Equal("7", limited.Header("x-ogw-ratelimit-reset"));
            Assert.NotNull(limited.Header("x-ogw-ratelimit-limit"));
        }

        // Other endpoints were never affected, and the fault is used up.
        using (var chats = await emulator.GetAsync("/open-apis/im/v1/chats", token))
        {
            Assert.Equal(0, chats.Code);
        }

        using var ok = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "x" });
        Assert.Equal(0, ok.Code);
        Assert.Single(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
    }

    [Fact]
    public async Task An_intermittent_fault_fails_every_nth_matching_call_until_its_count_is_used()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (var arm = await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = SendEndpoint, count = 2, kind = "server_error", every = 3 }))
        {
            Assert.Equal(0, arm.Code);
        }

        var statuses = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            using var reply = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = $"m{i}" });
            statuses.Add(reply.Status);
        }

        Assert.Equal([200, 200, 500, 200, 200, 500, 200], statuses);
        Assert.Equal(5, emulator.State.MessagesIn(emulator.GeneralChat.ChatId).Count);
    }

    [Fact]
    public async Task Server_error_after_posts_the_message_then_answers_500_and_the_uuid_makes_the_retry_return_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = SendEndpoint, kind = "server_error_after" }))
        {
        }

        using (var failed = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "once" }, uuid: "retry-me-1"))
        {
            Assert.Equal(500, failed.Status);
            Assert.NotEqual(0, failed.Code);
        }

        var posted = Assert.Single(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
        using var retried = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "once" }, uuid: "retry-me-1");
        Assert.Equal(0, retried.Code);
        Assert.Equal(posted.MessageId, retried.Json.GetProperty("data").GetProperty("message_id").GetString());
        Assert.Single(emulator.State.MessagesIn(emulator.GeneralChat.ChatId));
    }

    [Fact]
    public async Task Server_error_fault_matches_a_path_template()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = "GET /open-apis/im/v1/chats/{chat_id}", kind = "server_error" }))
        {
        }

        using (var failed = await emulator.GetAsync($"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}", token))
        {
            Assert.Equal(500, failed.Status);
            Assert.NotEqual(0, failed.Code);
            Assert.False(string.IsNullOrEmpty(failed.Json.GetProperty("error").GetProperty("log_id").GetString()));
        }

        using var ok = await emulator.GetAsync($"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}", token);
        Assert.Equal(0, ok.Code);
    }

    [Fact]
    public async Task Invalid_token_fault_and_wildcard_endpoint()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = "*", kind = "invalid_token" }))
        {
        }

        using var reply = await emulator.GetAsync("/open-apis/im/v1/chats", token);

        Assert.Equal(99991663, reply.Code);
    }

    [Fact]
    public async Task Delay_fault_still_answers_normally()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = "GET /open-apis/im/v1/chats", kind = "delay", delay_ms = 5 }))
        {
        }

        using var reply = await emulator.GetAsync("/open-apis/im/v1/chats", token);

        Assert.Equal(0, reply.Code);
        using var listed = await emulator.GetAsync("/_emulator/faults", null);
        Assert.Equal(0, listed.Data.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Faults_can_be_listed_and_cleared()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = "post /open-apis/im/v1/messages/", count = 3, kind = "server_error" }))
        {
        }

        using (var listed = await emulator.GetAsync("/_emulator/faults", null))
        {
            var item = listed.Data.GetProperty("items")[0];
            Assert.Equal(SendEndpoint, item.GetProperty("endpoint").GetString());
            Assert.Equal(3, item.GetProperty("count").GetInt32());
        }

        using (await emulator.SendAsync(HttpMethod.Delete, "/_emulator/faults", null, null))
        {
        }

        using var ok = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "x" });
        Assert.Equal(0, ok.Code);
    }

    [Theory]
    [InlineData("{\"endpoint\":\"*\",\"kind\":\"meteor\"}")]
    [InlineData("{\"kind\":\"delay\"}")]
    [InlineData("{\"endpoint\":\"*\",\"kind\":\"delay\",\"count\":\"three\"}")]
    public async Task Bad_fault_requests_are_400(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.SendAsync(HttpMethod.Post, "/_emulator/faults", body, null);

        Assert.Equal(400, reply.Status);
        Assert.NotEqual(0, reply.Code);
    }

    [Fact]
    public async Task Calls_are_counted_per_operation_including_refused_ones()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using (await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = SendEndpoint, kind = "server_error" }))
        {
        }

        using (await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "fails" }))
        using (await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "retried" }))
        {
        }

        Assert.Equal(2, emulator.Server.CallCounts[SendEndpoint]);
        Assert.Equal(1, emulator.Server.CallCounts["POST /open-apis/auth/v3/tenant_access_token/internal"]);
        using var listed = await emulator.GetAsync("/_emulator/calls", null);
        Assert.Contains(listed.Data.GetProperty("items").EnumerateArray(), i => i.GetProperty("endpoint").GetString() == SendEndpoint && i.GetProperty("count").GetInt64() == 2);

        using (await emulator.SendAsync(HttpMethod.Delete, "/_emulator/calls", null, null))
        {
        }

        Assert.Empty(emulator.Server.CallCounts);
    }
}
