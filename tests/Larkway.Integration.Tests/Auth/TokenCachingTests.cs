using Larkway.Emulator.Hosting;
using Larkway.Feishu;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Auth;

/// <summary>One tenant token serves many calls, sequential or concurrent.</summary>
public sealed class TokenCachingTests(TokenCachingTests.UnlimitedEmulator emulator) : IClassFixture<TokenCachingTests.UnlimitedEmulator>
{
    /// <summary>The API rate limits are off so that 1,000 concurrent calls are not throttled by the Emulator.</summary>
    public sealed class UnlimitedEmulator : EmulatorFixture
    {
        protected override EmulatorOptions CreateOptions() => new() { Port = 0, EnforceRateLimits = false };
    }

    [Fact]
    public async Task Many_sequential_calls_fetch_exactly_one_token()
    {
        using var recorder = new RecordingHandler();
        using var client = emulator.CreateClient(recorder);

        for (var i = 0; i < 25; i++)
        {
            var chat = await client.Im.Chats.GetAsync(emulator.GeneralChat.ChatId);
            Assert.Equal(emulator.GeneralChat.ChatId, chat.ChatId);
        }

        Assert.Equal(1, recorder.TokenRequests);
        var bearers = recorder.To("GET", $"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}").Select(c => c.Bearer).Distinct().ToList();
        var bearer = Assert.Single(bearers);
        Assert.StartsWith("t-", bearer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_on_a_cold_client_fetch_exactly_one_token()
    {
        using var recorder = new RecordingHandler();
        using var client = emulator.CreateClient(recorder);
        var chatId = emulator.GeneralChat.ChatId;

        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await client.Im.ChatMembers.IsInChatAsync(chatId);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(calls);

        Assert.All(results, Assert.True);
        Assert.Equal(1, recorder.TokenRequests);
        Assert.Equal(1000, recorder.To("GET", $"/open-apis/im/v1/chats/{chatId}/members/is_in_chat").Count);
    }

    [Fact]
    public async Task Two_clients_of_the_same_app_each_fetch_their_own_token_once()
    {
        using var recorderA = new RecordingHandler();
        using var recorderB = new RecordingHandler();
        using var a = emulator.CreateClient(recorderA);
        using var b = emulator.CreateClient(recorderB);

        for (var i = 0; i < 5; i++)
        {
            await a.Im.ChatMembers.IsInChatAsync(emulator.GeneralChat.ChatId);
            await b.Im.ChatMembers.IsInChatAsync(emulator.GeneralChat.ChatId);
        }

        Assert.Equal(1, recorderA.TokenRequests);
        Assert.Equal(1, recorderB.TokenRequests);
    }

    [Fact]
    public async Task Concurrent_calls_that_all_meet_an_expired_token_refetch_it_once()
    {
        using var recorder = new RecordingHandler();
        using var client = emulator.CreateClient(recorder);
        var chatId = emulator.GeneralChat.ChatId;
        await client.Im.ChatMembers.IsInChatAsync(chatId);

        await emulator.Control.ExpireTokensAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => client.Im.ChatMembers.IsInChatAsync(chatId))));

        Assert.All(results, Assert.True);
        Assert.Equal(2, recorder.TokenRequests);
    }
}
