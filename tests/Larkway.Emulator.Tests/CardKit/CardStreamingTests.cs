using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.CardKit;

/// <summary>Streaming text on card entities: typing, sequences, uuids, the per-card rate, streaming mode and its 10-minute close.</summary>
public sealed class CardStreamingTests(CardKitFixture fixture) : IClassFixture<CardKitFixture>
{
    private TestEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task New_text_that_extends_the_old_types_only_the_delta_and_other_text_replaces_it()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());

        foreach (var (text, sequence) in new[] { ("Hel", 1), ("Hello, wor", 2), ("Hello, world", 3), ("Goodbye", 4) })
        {
            using var reply = await fixture.StreamAsync(token, cardId, text, sequence);
            Assert.True(reply.Code == 0, reply.Text);
        }

        Assert.Equal("Goodbye", await fixture.TextAsync(cardId));
        var streamed = (await fixture.OperationsAsync(cardId)).Where(o => o.GetProperty("kind").GetString() == "content").ToList();
        Assert.Equal(["append", "append", "append", "replace"], streamed.Select(o => o.GetProperty("typing").GetString()));
        Assert.Equal([3, 7, 2, 7], streamed.Select(o => o.GetProperty("typed_chars").GetInt32()));
        Assert.All(streamed, o => Assert.Equal("answer", o.GetProperty("element_id").GetString()));
    }

    [Fact]
    public async Task Streaming_text_goes_only_to_plain_text_or_markdown_and_within_its_length()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(extra: new { tag = "hr", element_id = "rule" }));

        using var hr = await fixture.StreamAsync(token, cardId, "text", 1, elementId: "rule");
        Assert.Equal(10003, hr.Code);
        Assert.Contains("plain_text or markdown", hr.Msg, StringComparison.Ordinal);

        using var empty = await fixture.StreamAsync(token, cardId, string.Empty, 1);
        Assert.Equal(10003, empty.Code);

        using var tooLong = await fixture.StreamAsync(token, cardId, new string('a', 100_001), 1);
        Assert.Equal(10003, tooLong.Code);
        Assert.Contains("100000", tooLong.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sequences_strictly_increase_per_card_across_all_operations_else_300317()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var otherCard = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var before = (await fixture.StatsAsync()).GetProperty("sequence_refusals").GetInt64();

        using (var first = await fixture.StreamAsync(token, cardId, "a", 5))
        {
            Assert.Equal(0, first.Code);
        }

        using (var same = await fixture.StreamAsync(token, cardId, "ab", 5))
        {
            Assert.Equal(300317, same.Code);
            Assert.Contains("5", same.Msg, StringComparison.Ordinal);
        }

        using (var lower = await fixture.SettingsAsync(token, cardId, new { config = new { summary = new { content = "thinking" } } }, 4))
        {
            Assert.Equal(300317, lower.Code);
        }

        // Another card keeps its own sequence.
        using (var other = await fixture.StreamAsync(token, otherCard, "x", 1))
        {
            Assert.Equal(0, other.Code);
        }

        // A refused operation does not consume its sequence: 6 is still free after a refusal carrying 6.
        using (var refused = await fixture.StreamAsync(token, cardId, "abc", 6, elementId: "missing"))
        {
            Assert.Equal(10003, refused.Code);
        }

        using (var next = await fixture.SettingsAsync(token, cardId, new { config = new { streaming_mode = true } }, 6))
        {
            Assert.Equal(0, next.Code);
        }

        using (var stale = await fixture.StreamAsync(token, cardId, "abcd", 6))
        {
            Assert.Equal(300317, stale.Code);
        }

        Assert.Equal("a", await fixture.TextAsync(cardId));
        Assert.Equal(before + 3, (await fixture.StatsAsync()).GetProperty("sequence_refusals").GetInt64());
        var log = await fixture.OperationsAsync(cardId);
        Assert.Equal(3, log.Count(o => o.GetProperty("code").GetInt32() == 300317 && o.GetProperty("outcome").GetString() == "refused"));
        Assert.Equal([5, 5, 4, 6, 6, 6], log.Where(o => o.GetProperty("kind").GetString() != "create").Select(o => o.GetProperty("sequence").GetInt32()));
        Assert.Equal(6, (await fixture.CardAsync(cardId)).GetProperty("last_sequence").GetInt32());
    }

    [Fact]
    public async Task Cards_streamed_side_by_side_keep_every_character_and_their_own_sequences()
    {
        var token = await Emulator.TenantTokenAsync();
        var before = (await fixture.StatsAsync()).GetProperty("sequence_refusals").GetInt64();
        var cards = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            cards.Add(await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard()));
        }

        // Each round updates every card at once; a second passes between rounds (the app's 50/s API tier).
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
            var round = sequence;
            await Task.WhenAll(cards.Select(async (cardId, n) =>
            {
                var text = string.Concat(Enumerable.Range(1, round).Select(s => $"[{n}:{s}]"));
                using var reply = await fixture.StreamAsync(token, cardId, text, round, tick: false);
                Assert.True(reply.Code == 0, reply.Text);
            }));
        }

        Emulator.Clock.Advance(TimeSpan.FromSeconds(1));

        for (var n = 0; n < cards.Count; n++)
        {
            Assert.Equal(string.Concat(Enumerable.Range(1, 5).Select(s => $"[{n}:{s}]")), await fixture.TextAsync(cards[n]));
        }

        Assert.Equal(before, (await fixture.StatsAsync()).GetProperty("sequence_refusals").GetInt64());
    }

    [Fact]
    public async Task A_repeated_uuid_succeeds_without_applying_the_operation_again()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());

        using (var first = await fixture.StreamAsync(token, cardId, "one", 1, uuid: "u-1"))
        {
            Assert.Equal(0, first.Code);
        }

        using (var retry = await fixture.StreamAsync(token, cardId, "one", 1, uuid: "u-1"))
        {
            Assert.Equal(0, retry.Code);
        }

        using (var reused = await fixture.StreamAsync(token, cardId, "something else", 2, uuid: "u-1"))
        {
            Assert.Equal(0, reused.Code);
        }

        using (var tooLong = await fixture.StreamAsync(token, cardId, "x", 3, uuid: new string('u', 65)))
        {
            Assert.Equal(10003, tooLong.Code);
        }

        Assert.Equal("one", await fixture.TextAsync(cardId));
        var log = await fixture.OperationsAsync(cardId);
        Assert.Equal(["applied", "duplicate", "duplicate"], log.Where(o => o.GetProperty("kind").GetString() == "content").Select(o => o.GetProperty("outcome").GetString()));
        Assert.Equal(1, (await fixture.CardAsync(cardId)).GetProperty("last_sequence").GetInt32());
    }

    [Fact]
    public async Task More_than_ten_operations_a_second_on_one_card_are_refused_until_the_second_passes()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var otherCard = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        var before = (await fixture.StatsAsync()).GetProperty("rate_limited").GetInt64();

        for (var sequence = 1; sequence <= 10; sequence++)
        {
            using var ok = await fixture.StreamAsync(token, cardId, new string('a', sequence), sequence, tick: false);
            Assert.True(ok.Code == 0, $"operation {sequence}: {ok.Text}");
        }

        using (var eleventh = await fixture.StreamAsync(token, cardId, new string('a', 11), 11, tick: false))
        {
            Assert.Equal(429, eleventh.Status);
            Assert.Equal(99991400, eleventh.Code);
            Assert.Contains("10 operations a second", eleventh.Msg, StringComparison.Ordinal);
            Assert.Equal("10", eleventh.Header("x-ogw-ratelimit-limit"));
        }

        // The limit is per card.
        using (var other = await fixture.StreamAsync(token, otherCard, "b", 1, tick: false))
        {
            Assert.Equal(0, other.Code);
        }

        Emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var later = await fixture.StreamAsync(token, cardId, new string('a', 11), 11, tick: false))
        {
            Assert.Equal(0, later.Code);
        }

        Assert.Equal(new string('a', 11), await fixture.TextAsync(cardId));
        Assert.Equal(before + 1, (await fixture.StatsAsync()).GetProperty("rate_limited").GetInt64());
    }

    [Fact]
    public async Task Text_streams_only_while_streaming_mode_is_on()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard(streaming: false));

        using (var off = await fixture.StreamAsync(token, cardId, "early", 1))
        {
            Assert.Equal(300309, off.Code);
        }

        using (var on = await fixture.SettingsAsync(token, cardId, new { config = new { streaming_mode = true } }, 1))
        {
            Assert.Equal(0, on.Code);
        }

        using (var streamed = await fixture.StreamAsync(token, cardId, "streamed", 2))
        {
            Assert.Equal(0, streamed.Code);
        }

        using (var close = await fixture.SettingsAsync(token, cardId, new { config = new { streaming_mode = false } }, 3))
        {
            Assert.Equal(0, close.Code);
        }

        using (var late = await fixture.StreamAsync(token, cardId, "streamed late", 4))
        {
            Assert.Equal(300309, late.Code);
        }

        Assert.Equal("streamed", await fixture.TextAsync(cardId));
        var json = await fixture.CardJsonAsync(cardId);
        Assert.False(json.GetProperty("config").GetProperty("streaming_mode").GetBoolean());
        Assert.DoesNotContain(cardId, (await fixture.StatsAsync()).GetProperty("streaming_cards").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Streaming_mode_closes_itself_ten_minutes_after_it_was_last_switched_on()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var autoClosedBefore = (await fixture.StatsAsync()).GetProperty("auto_closed").GetInt64();
        Assert.Contains(cardId, (await fixture.StatsAsync()).GetProperty("streaming_cards").EnumerateArray().Select(e => e.GetString()));

        Emulator.Clock.Advance(TimeSpan.FromMinutes(9));
        using (var stillOn = await fixture.StreamAsync(token, cardId, "nine minutes", 1))
        {
            Assert.Equal(0, stillOn.Code);
        }

        Emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        token = await Emulator.TenantTokenAsync();
        using (var timedOut = await fixture.StreamAsync(token, cardId, "nine minutes and more", 2))
        {
            Assert.Equal(200850, timedOut.Code);
        }

        var stats = await fixture.StatsAsync();
        Assert.DoesNotContain(cardId, stats.GetProperty("streaming_cards").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(autoClosedBefore + 1, stats.GetProperty("auto_closed").GetInt64());
        Assert.True((await fixture.CardAsync(cardId)).GetProperty("streaming_timed_out").GetBoolean());
        Assert.False((await fixture.CardJsonAsync(cardId)).GetProperty("config").GetProperty("streaming_mode").GetBoolean());
        Assert.Contains(await fixture.OperationsAsync(cardId), o => o.GetProperty("outcome").GetString() == "auto_closed");

        // Switched on again, it streams for another ten minutes.
        using (var on = await fixture.SettingsAsync(token, cardId, new { config = new { streaming_mode = true } }, 2))
        {
            Assert.Equal(0, on.Code);
        }

        using (var again = await fixture.StreamAsync(token, cardId, "nine minutes and more", 3))
        {
            Assert.Equal(0, again.Code);
        }

        Emulator.Clock.Advance(TimeSpan.FromMinutes(10));
        token = await Emulator.TenantTokenAsync();
        using (var closedAgain = await fixture.StreamAsync(token, cardId, "nine minutes and more!", 4))
        {
            Assert.Equal(200850, closedAgain.Code);
        }

        Assert.Equal("nine minutes and more", await fixture.TextAsync(cardId));
    }

    [Fact]
    public async Task A_card_entity_lives_fourteen_days()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());
        var unsent = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());

        Emulator.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        token = await Emulator.TenantTokenAsync();

        using var update = await fixture.SettingsAsync(token, cardId, new { config = new { streaming_mode = false } }, 1);
        Assert.Equal(200750, update.Code);

        fixture.Tick();
        using var send = await Emulator.SendMessageAsync(token, "chat_id", Emulator.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = unsent } });
        Assert.Equal(200750, send.Code);
    }

    [Fact]
    public async Task Requests_with_missing_or_malformed_fields_say_what_to_fix()
    {
        var token = await Emulator.TenantTokenAsync();
        var cardId = await fixture.CreateCardAsync(token, CardKitFixture.AnswerCard());

        using var noSequence = await fixture.CallAsync(token, HttpMethod.Put, $"/open-apis/cardkit/v1/cards/{cardId}/elements/answer/content", new { content = "x" });
        Assert.Equal(10003, noSequence.Code);
        Assert.Contains("sequence", noSequence.Msg, StringComparison.Ordinal);

        using var zero = await fixture.StreamAsync(token, cardId, "x", 0);
        Assert.Equal(10003, zero.Code);

        using var badSettings = await fixture.CallAsync(token, HttpMethod.Patch, $"/open-apis/cardkit/v1/cards/{cardId}/settings", new { settings = "{\"config\":", sequence = 1 });
        Assert.Equal(10003, badSettings.Code);
        Assert.Contains("settings", badSettings.Msg, StringComparison.Ordinal);

        using var exclusive = await fixture.SettingsAsync(token, cardId, new { config = new { update_multi = false } }, 1);
        Assert.Equal(300302, exclusive.Code);
    }
}
