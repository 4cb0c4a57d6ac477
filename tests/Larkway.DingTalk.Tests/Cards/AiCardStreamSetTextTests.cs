using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Larkway.DingTalk.Cards;

namespace Larkway.DingTalk.Tests.Cards;

/// <summary>
/// An AI card's answer replaced in place (a backend rewriting its answer): every streaming call carries the whole text,
/// the replacement included, an unchanged text sends nothing, and the card completes with the last text.
/// </summary>
public sealed class AiCardStreamSetTextTests : IDisposable
{
    private readonly RecordingHandler _handler = new();
    private readonly DingTalkClient _client;

    public AiCardStreamSetTextTests() =>
        _client = new DingTalkClient(new DingTalkAppOptions { AppKey = "dingsettext", AppSecret = "secret", ApiBaseUrl = new Uri("http://dingtalk.test/") }, handler: _handler);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_replaced_answer_streams_whole_and_the_card_completes_with_it()
    {
        var stream = await _client.Cards.StartAiCardAsync("tpl", DingTalkCardTarget.User("alice"), options: new DingTalkAiCardOptions { MinUpdateInterval = TimeSpan.Zero });

        await stream.AppendAsync("Hello wor");
        await stream.SetTextAsync("Goodbye");
        await stream.SetTextAsync("Goodbye");
        await stream.AppendAsync(" all");
        await stream.CompleteAsync();

        stream.Text.ShouldBe("Goodbye all");
        var calls = _handler.Streaming();
        calls.Select(c => c.GetProperty("content").GetString()).ShouldBe(["Hello wor", "Goodbye", "Goodbye all", "Goodbye all"]);
        calls.ShouldAllBe(c => c.GetProperty("isFull").GetBoolean());
        calls.Select(c => c.GetProperty("isFinalize").GetBoolean()).ShouldBe([false, false, false, true]);
        _handler.Updates().Last().GetProperty("cardData").GetProperty("cardParamMap").GetProperty("content").GetString().ShouldBe("Goodbye all");
    }

    [Fact]
    public async Task Setting_the_text_of_an_ended_card_is_refused()
    {
        var stream = await _client.Cards.StartAiCardAsync("tpl", DingTalkCardTarget.User("alice"), options: new DingTalkAiCardOptions { MinUpdateInterval = TimeSpan.Zero });
        await stream.SetTextAsync("Done.");
        await stream.CompleteAsync();

        await Should.ThrowAsync<InvalidOperationException>(() => stream.SetTextAsync("Again"));
        _handler.Streaming().Count.ShouldBe(2);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        private readonly ConcurrentQueue<(string Path, JsonElement Body)> _calls = new();

        public List<JsonElement> Streaming() => [.. _calls.Where(c => c.Path.EndsWith("/v1.0/card/streaming", StringComparison.Ordinal)).Select(c => c.Body)];

        public List<JsonElement> Updates() => [.. _calls.Where(c => c.Path.EndsWith("/v1.0/card/instances", StringComparison.Ordinal)).Select(c => c.Body)];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var body = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
            _calls.Enqueue((path, JsonDocument.Parse(body).RootElement.Clone()));
            var answer = path switch
            {
                _ when path.EndsWith("/oauth2/accessToken", StringComparison.Ordinal) => """{"accessToken":"token-1","expireIn":7200}""",
                _ when path.EndsWith("/createAndDeliver", StringComparison.Ordinal) => """{"success":true,"result":{"outTrackId":"card-1","deliverResults":[]}}""",
                _ => """{"success":true}""",
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
        }
    }
}
