using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Platform;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Api_tier_allows_50_per_second_then_429_with_headers()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Clock.Set(new DateTimeOffset(2026, 3, 2, 9, 0, 0, 250, TimeSpan.Zero));
        var token = await emulator.TenantTokenAsync();
        var path = $"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}";
        for (var i = 0; i < 50; i++)
        {
            using var ok = await emulator.GetAsync(path, token);
            Assert.Equal(0, ok.Code);
        }

        using (var limited = await emulator.GetAsync(path, token))
        {
            Assert.Equal(429, limited.Status);
            Assert.Equal(99991400, limited.Code);
            Assert.Equal("50", limited.Header("x-ogw-ratelimit-limit"));
            Assert.Equal("1", limited.Header("x-ogw-ratelimit-reset"));
        }

        // Other APIs have their own budget; the same API recovers in the next second.
        using (var other = await emulator.GetAsync("/open-apis/im/v1/chats", token))
        {
            Assert.Equal(0, other.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var recovered = await emulator.GetAsync(path, token);
        Assert.Equal(0, recovered.Code);
    }

    [Fact]
    public async Task Minute_window_is_1000_and_reset_counts_to_the_minute_boundary()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var path = $"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}/members/is_in_chat";
        for (var second = 0; second < 20; second++)
        {
            for (var i = 0; i < 50; i++)
            {
                using var ok = await emulator.GetAsync(path, token);
                Assert.Equal(0, ok.Code);
            }

            emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        using var limited = await emulator.GetAsync(path, token);
        Assert.Equal(429, limited.Status);
        Assert.Equal("1000", limited.Header("x-ogw-ratelimit-limit"));
        Assert.Equal("40", limited.Header("x-ogw-ratelimit-reset"));
    }

    [Fact]
    public async Task Five_sends_per_second_to_one_chat_then_230020()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var chat = emulator.GeneralChat.ChatId;
        for (var i = 0; i < 5; i++)
        {
            using var ok = await emulator.SendMessageAsync(token, "chat_id", chat, "text", new { text = "n" + i });
            Assert.Equal(0, ok.Code);
        }

        using (var limited = await emulator.SendMessageAsync(token, "chat_id", chat, "text", new { text = "sixth" }))
        {
            Assert.Equal(400, limited.Status);
            Assert.Equal(230020, limited.Code);
        }

        // Another chat is not affected.
        using var otherChat = await emulator.SendMessageAsync(token, "chat_id", emulator.EngineeringChat.ChatId, "text", new { text = "fine" });
        Assert.Equal(0, otherChat.Code);
        Assert.Equal(5, emulator.State.MessagesIn(chat).Count);
    }

    [Fact]
    public async Task Limits_can_be_switched_off()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.EnforceRateLimits = false);
        var token = await emulator.TenantTokenAsync();
        for (var i = 0; i < 8; i++)
        {
            using var ok = await emulator.SendMessageAsync(token, "chat_id", emulator.GeneralChat.ChatId, "text", new { text = "n" + i });
            Assert.Equal(0, ok.Code);
        }
    }
}
