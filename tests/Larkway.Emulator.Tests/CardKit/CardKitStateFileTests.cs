using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.CardKit;

/// <summary>Card entities, their sequences, logs and counters are in the state file: a restart keeps the rules going.</summary>
public sealed class CardKitStateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-cardkit-").FullName;

    private string StateFile => Path.Combine(_folder, "emulator-state.json");

    [Fact]
    public async Task A_restart_keeps_the_card_its_message_its_last_sequence_and_the_counters()
    {
        var clock = new ManualClock();
        string token, cardId, messageId;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock))
        {
            token = await first.TenantTokenAsync();
            using (var created = await first.PostJsonAsync("/open-apis/cardkit/v1/cards", new { type = "card_json", data = JsonSerializer.Serialize(CardKitFixture.AnswerCard()) }, token))
            {
                cardId = created.Data.GetProperty("card_id").GetString()!;
            }

            using (var sent = await first.SendMessageAsync(token, "chat_id", first.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = cardId } }))
            {
                Assert.True(sent.Code == 0, sent.Text);
                messageId = sent.Data.GetProperty("message_id").GetString()!;
            }

            clock.Advance(TimeSpan.FromMilliseconds(100));
            using (var streamed = await Stream(first, token, cardId, "before the restart", 7))
            {
                Assert.Equal(0, streamed.Code);
            }

            clock.Advance(TimeSpan.FromMilliseconds(100));
            using (var stale = await Stream(first, token, cardId, "stale", 7))
            {
                Assert.Equal(300317, stale.Code);
            }
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = StateFile, clock);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        using (var stillStale = await Stream(second, token, cardId, "before the restart, again", 7))
        {
            Assert.Equal(300317, stillStale.Code);
        }

        clock.Advance(TimeSpan.FromMilliseconds(100));
        using (var next = await Stream(second, token, cardId, "before the restart, and after", 8))
        {
            Assert.Equal(0, next.Code);
        }

        Assert.Contains("before the restart, and after", second.State.FindMessage(messageId)!.SendContent, StringComparison.Ordinal);
        using var stats = await second.GetAsync("/_emulator/cardkit/stats", null);
        Assert.Equal(2, stats.Data.GetProperty("sequence_refusals").GetInt64());
        Assert.Equal([cardId], stats.Data.GetProperty("streaming_cards").EnumerateArray().Select(e => e.GetString()));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        using var resend = await second.SendMessageAsync(token, "chat_id", second.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = cardId } });
        Assert.Equal(300311, resend.Code);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<Reply> Stream(TestEmulator emulator, string token, string cardId, string text, int sequence) =>
        emulator.SendAsync(HttpMethod.Put, $"/open-apis/cardkit/v1/cards/{cardId}/elements/answer/content", JsonSerializer.Serialize(new { content = text, sequence }), token);
}
