using Larkway.Feishu;
using Larkway.Feishu.CardKit;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.CardKit;

/// <summary>
/// The CardKit client against the Emulator's CardKit, as the documentation describes it (cardkit-v1 pages and the
/// streaming overview).
/// </summary>
public sealed class CardKitWireTests(ClientFixture fixture) : IClassFixture<ClientFixture>
{
    private static string StreamingCard(string elementId = "answer") =>
        $$$"""{"schema":"2.0","config":{"streaming_mode":true,"summary":{"content":"Thinking…"}},"body":{"elements":[{"tag":"markdown","element_id":"{{{elementId}}}","content":"…"}]}}""";

    private FeishuClient Client => fixture.Client;

    [Fact]
    public async Task A_streamed_answer_ends_as_the_whole_text_with_streaming_off()
    {
        var cardId = await Client.CardKit.CreateAsync(StreamingCard());
        await Client.Im.Messages.SendAsync(ReceiveId.Chat(fixture.EngineeringChat.ChatId), MessageContent.CardEntity(cardId));
        var answer = string.Concat(Enumerable.Range(0, 200).Select(i => $" word{i}"));

        await using (var stream = new CardKitStream(Client.CardKit, cardId, "answer", new CardKitStreamOptions { Interval = TimeSpan.FromMilliseconds(50) }))
        {
            for (var i = 0; i < answer.Length; i += 37)
            {
                stream.SetText(answer[..Math.Min(answer.Length, i + 37)]);
                await Task.Delay(5);
            }

            await stream.CompleteAsync(answer);
            Assert.Equal(CardKitStreamState.Finished, stream.State);
        }

        // Streaming is off: a further text update is refused as the documentation says (300309).
        var refused = await Assert.ThrowsAsync<FeishuApiException>(() => Client.CardKit.StreamTextAsync(cardId, "answer", answer + " more"));
        Assert.Equal(FeishuErrorCodes.CardKitStreamingClosed, refused.Code);
    }

    [Fact]
    public async Task Text_cannot_stream_into_a_card_not_in_streaming_mode()
    {
        var cardId = await Client.CardKit.CreateAsync("""{"schema":"2.0","body":{"elements":[{"tag":"markdown","element_id":"answer","content":"…"}]}}""");

        var refused = await Assert.ThrowsAsync<FeishuApiException>(() => Client.CardKit.StreamTextAsync(cardId, "answer", "hello"));

        Assert.Equal(FeishuErrorCodes.CardKitStreamingClosed, refused.Code);
    }

    [Fact]
    public async Task Concurrent_writes_on_one_card_never_meet_a_sequence_or_rate_refusal()
    {
        var cardId = await Client.CardKit.CreateAsync(StreamingCard());

        // 30 writes at once: the client's lane sends them one by one, in sequence order, at most 10 a second.
        await Task.WhenAll(Enumerable.Range(1, 30).Select(i => Client.CardKit.StreamTextAsync(cardId, "answer", new string('x', i))));
        var write = await Client.CardKit.SetStreamingModeAsync(cardId, on: false);

        Assert.Equal(Client.CardKit.Sequences.Last(cardId), write.Sequence);
    }

    [Fact]
    public async Task A_second_client_continues_a_card_above_the_first_ones_sequences()
    {
        var cardId = await Client.CardKit.CreateAsync(StreamingCard());
        await Client.CardKit.StreamTextAsync(cardId, "answer", "from the first process");
        using var recorder = new RecordingHandler();
        using var restarted = fixture.CreateClient(recorder);

        await restarted.CardKit.StreamTextAsync(cardId, "answer", "from the first process, continued");
        await restarted.CardKit.SetStreamingModeAsync(cardId, on: false);
    }

    [Fact]
    public async Task Elements_can_be_added_changed_and_removed_and_a_message_card_found_by_message_id()
    {
        var cardId = await Client.CardKit.CreateAsync(StreamingCard());
        var sent = await Client.Im.Messages.SendAsync(ReceiveId.Chat(fixture.EngineeringChat.ChatId), MessageContent.CardEntity(cardId));

        await Client.CardKit.CreateElementsAsync(cardId, CardKitInsertion.InsertAfter, "answer", """[{"tag":"markdown","element_id":"footer","content":"sources"}]""");
        await Client.CardKit.PatchElementAsync(cardId, "footer", """{"content":"2 sources"}""");
        await Client.CardKit.BatchUpdateAsync(cardId, [CardKitAction.UpdateElement("answer", """{"tag":"markdown","element_id":"answer","content":"done"}"""), CardKitAction.DeleteElements("footer")]);
        var converted = await Client.CardKit.ConvertIdAsync(sent.MessageId);

        Assert.Equal(cardId, converted);
        var missing = await Assert.ThrowsAsync<FeishuApiException>(() => Client.CardKit.DeleteElementAsync(cardId, "footer"));
        Assert.NotEqual(0, missing.Code);
    }
}
