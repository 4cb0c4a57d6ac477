using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Feishu.CardKit;
using Larkway.Feishu.Tests.Infrastructure;
using FakeClock = Microsoft.Extensions.Time.Testing.FakeTimeProvider;

namespace Larkway.Feishu.Tests.CardKit;

public sealed class CardKitStreamTests : IDisposable
{
    private readonly FakeClock _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(string Kind, string? Text, bool? Streaming, DateTimeOffset At)> _wire = new();
    private readonly StubHandler _stub;
    private readonly FeishuClient _client;
    private Func<string, int, HttpResponseMessage?> _fault = (_, _) => null;

    public CardKitStreamTests()
    {
        _stub = new StubHandler((request, n) =>
        {
            var body = JsonDocument.Parse(request.Body!).RootElement;
            var kind = request.Path.EndsWith("/content", StringComparison.Ordinal) ? "content" : "settings";
            if (_fault(kind, n) is { } refusal)
            {
                _wire.Enqueue(("refused " + kind, null, null, _clock.GetUtcNow()));
                return refusal;
            }

            _wire.Enqueue(kind == "content"
                ? ("content", body.GetProperty("content").GetString(), null, _clock.GetUtcNow())
                : ("settings", null, JsonDocument.Parse(body.GetProperty("settings").GetString()!).RootElement.GetProperty("config").GetProperty("streaming_mode").GetBoolean(), _clock.GetUtcNow()));
            return Responses.Ok();
        });

        // The client's own pacing runs on real time (it never waits here: fewer than 10 writes a second); the stream's on the fake clock.
        _client = TestClients.Create(_stub);
    }

    public void Dispose() => _client.Dispose();

    private CardKitStream Stream(CardKitStreamOptions? options = null) => new(_client.CardKit, "c1", "answer", options, _clock);

    private List<string?> Contents() => [.. _wire.Where(w => w.Kind == "content").Select(w => w.Text)];

    private async Task WaitForWritesAsync(int count)
    {
        for (var i = 0; i < 2000 && _wire.Count < count; i++)
        {
            await Task.Delay(5);
        }

        Assert.True(_wire.Count >= count, $"expected {count} writes, saw {_wire.Count}");
    }

    [Fact]
    public async Task Text_arriving_within_the_interval_goes_out_as_one_full_text_update()
    {
        await using var stream = Stream();

        stream.SetText("Hel");
        await WaitForWritesAsync(1);
        stream.Append("lo");
        stream.Append(", wor");
        stream.Append("ld");
        _clock.Advance(TimeSpan.FromMilliseconds(499));
        await Task.Delay(50);
        var beforeInterval = Contents();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForWritesAsync(2);
        await stream.CompleteAsync();

        Assert.Equal(["Hel"], beforeInterval);
        Assert.Equal(["Hel", "Hello, world"], Contents());
        Assert.Equal(("settings", false), (_wire.Last().Kind, _wire.Last().Streaming));
        Assert.Equal(CardKitStreamState.Finished, stream.State);
        Assert.Equal(2, stream.UpdatesSent);
    }

    [Fact]
    public async Task Updates_are_never_closer_than_the_interval_and_the_final_text_always_goes_out()
    {
        var options = new CardKitStreamOptions { Interval = TimeSpan.FromMilliseconds(300) };
        await using var stream = Stream(options);
        var text = string.Empty;

        for (var token = 0; token < 40; token++)
        {
            text += " w" + token;
            stream.SetText(text);
            _clock.Advance(TimeSpan.FromMilliseconds(70));
            await Task.Delay(2);
        }

        await stream.CompleteAsync(text + " end.");

        var contents = _wire.Where(w => w.Kind == "content").ToList();
        Assert.Equal(text + " end.", contents[^1].Text);
        for (var i = 1; i < contents.Count - 1; i++)
        {
            Assert.True(contents[i].At - contents[i - 1].At >= options.Interval, $"updates {i - 1} and {i} were {(contents[i].At - contents[i - 1].At).TotalMilliseconds} ms apart");
            Assert.StartsWith(contents[i - 1].Text!, contents[i].Text!, StringComparison.Ordinal);
        }

        Assert.True(contents.Count < 40);
        Assert.Equal(("settings", false), (_wire.Last().Kind, _wire.Last().Streaming));
    }

    [Fact]
    public async Task Disposing_without_completing_still_sends_the_last_text_and_switches_streaming_off()
    {
        var stream = Stream();
        stream.SetText("first");
        await WaitForWritesAsync(1);
        stream.SetText("first and last");

        await stream.DisposeAsync();

        Assert.Equal(["first", "first and last"], Contents());
        Assert.Equal(("settings", false), (_wire.Last().Kind, _wire.Last().Streaming));
        Assert.Equal(CardKitStreamState.Finished, stream.State);
    }

    [Fact]
    public async Task When_cardkit_has_closed_streaming_it_is_switched_on_again_and_the_text_resent()
    {
        _fault = (kind, n) => kind == "content" && n == 1 ? Responses.Error(FeishuErrorCodes.CardKitStreamingTimeout, "Card streaming timeout") : null;
        await using var stream = Stream();

        stream.SetText("after ten minutes");
        await WaitForWritesAsync(3);
        await stream.CompleteAsync();

        Assert.Equal(["refused content", "settings", "content", "settings"], _wire.Select(w => w.Kind));
        Assert.True(_wire.ElementAt(1).Streaming);
        Assert.Equal(["after ten minutes"], Contents());
        Assert.False(_wire.Last().Streaming);
    }

    [Fact]
    public async Task A_refused_update_is_carried_by_the_next_one()
    {
        _fault = (kind, n) => kind == "content" && n == 1 ? Responses.Error(FeishuErrorCodes.CardKitInteractionInProgress, "card in interaction") : null;
        await using var stream = Stream();

        stream.SetText("one");
        await WaitForWritesAsync(1);
        stream.SetText("one two");
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        await WaitForWritesAsync(2);
        await stream.CompleteAsync();

        Assert.Equal(["one two"], Contents());
        Assert.False(_wire.Last().Streaming);
    }

    [Fact]
    public async Task A_failed_finish_is_reported_not_hidden()
    {
        _fault = (kind, _) => kind == "settings" ? Responses.Error(FeishuErrorCodes.CardKitInteractionInProgress, "card in interaction") : null;
        await using var stream = Stream();

        stream.SetText("answer");
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => stream.CompleteAsync());

        Assert.Equal(CardKitStreamState.FinishFailed, stream.State);
        Assert.Same(error, stream.FinishError);
        Assert.Equal(["answer"], Contents());
    }

    [Fact]
    public async Task Text_is_refused_after_the_finish_and_when_it_outgrows_an_element()
    {
        await using var stream = Stream();

        Assert.Throws<ArgumentException>(() => stream.SetText(new string('x', 100_001)));
        await stream.CompleteAsync("done");

        Assert.Throws<InvalidOperationException>(() => stream.Append("late"));
        Assert.Equal(["done"], Contents());
    }
}
