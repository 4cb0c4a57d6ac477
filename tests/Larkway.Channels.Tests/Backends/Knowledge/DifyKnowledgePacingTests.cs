using Larkway.Channels.Backends.Dify.Knowledge;
using Microsoft.Extensions.Time.Testing;
using static Larkway.Channels.Tests.Backends.BackendTestKit;
using static Larkway.Channels.Tests.Backends.Knowledge.KnowledgeShapes;

namespace Larkway.Channels.Tests.Backends.Knowledge;

/// <summary>
/// Pacing, the hold after Dify's rate-limit refusal, and which failures a create is tried again after: on a fake clock,
/// with a stub network that answers at once. Time moves only when a test advances it, so while a test waits for the
/// requests it expects, no paced request can slip out.
/// </summary>
public sealed class DifyKnowledgePacingTests
{
    private const string Key = "dataset-pacing-test-key";
    private const string RateLimitedAnswer = """{"code": "forbidden", "message": "Sorry, you have reached the knowledge base request rate limit of your subscription.", "status": 403}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger _log = new();

    private DifyKnowledgeClient Client(StubKnowledgeHandler handler, int? perMinute = null) => new(
        new DifyKnowledgeOptions
        {
            BaseUrl = new Uri("http://dify.test/v1"),
            ApiKey = Key,
            RequestsPerMinute = perMinute,
            RetryBaseDelay = TimeSpan.Zero,
            Timeout = TimeSpan.FromHours(1),
        },
        new HttpClient(handler),
        _log,
        _time);

    private static Task SentAsync(StubKnowledgeHandler handler, int count) =>
        EventuallyAsync(() => handler.Requests.Count >= count ? handler : null);

    private Task HeldAsync() =>
        EventuallyAsync(() => _log.Lines.Any(l => l.EventId == 6115) ? _log : null);

    [Fact]
    public async Task A_burst_is_spaced_so_that_no_minute_sees_more_than_requests_per_minute()
    {
        var start = _time.GetUtcNow();
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Json(200, Dataset));
        var client = Client(handler, perMinute: 3);

        var calls = Enumerable.Range(0, 7).Select(_ => client.GetDatasetAsync(DatasetId)).ToList();

        await SentAsync(handler, 3);
        handler.Requests.Count.ShouldBe(3);
        _time.Advance(TimeSpan.FromSeconds(61));
        handler.Requests.Count.ShouldBe(3);
        _time.Advance(TimeSpan.FromSeconds(1));
        await SentAsync(handler, 6);
        handler.Requests.Count.ShouldBe(6);
        _time.Advance(TimeSpan.FromSeconds(62));
        await Task.WhenAll(calls);

        handler.Requests.Select(r => r.At - start).ShouldBe([
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero,
            TimeSpan.FromSeconds(62), TimeSpan.FromSeconds(62), TimeSpan.FromSeconds(62),
            TimeSpan.FromSeconds(124),
        ]);
        _log.Lines.Count(l => l.EventId == 6114).ShouldBe(4);
    }

    [Fact]
    public async Task Without_requests_per_minute_a_burst_goes_at_once()
    {
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Json(200, Dataset));
        var client = Client(handler);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetDatasetAsync(DatasetId)));

        handler.Requests.Count.ShouldBe(50);
        handler.Requests.ShouldAllBe(r => r.At == _time.GetUtcNow());
    }

    [Fact]
    public async Task A_rate_limit_refusal_holds_every_request_of_the_client_until_the_minute_has_passed()
    {
        var start = _time.GetUtcNow();
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Json(403, RateLimitedAnswer), StubKnowledgeHandler.Json(200, Dataset));
        var client = Client(handler);

        var first = client.GetDatasetAsync(DatasetId);
        await HeldAsync();
        var second = client.GetDatasetAsync(DatasetId);
        _time.Advance(TimeSpan.FromSeconds(61));
        handler.Requests.Count.ShouldBe(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(first, second);

        handler.Requests.Select(r => r.At - start).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(62), TimeSpan.FromSeconds(62)]);
    }

    [Fact]
    public async Task A_create_is_tried_again_after_a_rate_limit_refusal()
    {
        var start = _time.GetUtcNow();
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Json(403, RateLimitedAnswer), StubKnowledgeHandler.Json(200, Written(Document(DocumentId, "Leave policy"))));
        var client = Client(handler);

        var create = client.CreateDocumentByTextAsync(DatasetId, "Leave policy", "text");
        await HeldAsync();
        _time.Advance(TimeSpan.FromSeconds(62));
        var (document, _) = await create;

        document.Id.ShouldBe(DocumentId);
        handler.Requests.Select(r => (r.At - start, r.Method, r.Path)).ShouldBe([
            (TimeSpan.Zero, "POST", $"/v1/datasets/{DatasetId}/document/create-by-text"),
            (TimeSpan.FromSeconds(62), "POST", $"/v1/datasets/{DatasetId}/document/create-by-text"),
        ]);
    }

    [Fact]
    public async Task A_create_is_tried_again_when_the_connection_could_not_be_opened()
    {
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Throw(HttpRequestError.ConnectionError), StubKnowledgeHandler.Json(200, Written(Document(DocumentId, "Leave policy"))));

        var (document, _) = await Client(handler).CreateDocumentByTextAsync(DatasetId, "Leave policy", "text");

        document.Id.ShouldBe(DocumentId);
        handler.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_create_whose_connection_broke_after_sending_is_not_tried_again()
    {
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Throw(HttpRequestError.ResponseEnded), StubKnowledgeHandler.Json(200, Written(Document(DocumentId, "Leave policy"))));

        var failed = await Should.ThrowAsync<DifyKnowledgeException>(() => Client(handler).CreateDocumentByTextAsync(DatasetId, "Leave policy", "text"));

        failed.Kind.ShouldBe(DifyKnowledgeErrorKind.Unavailable);
        failed.Code.ShouldBe("connection_failed");
        failed.MayHaveCreated.ShouldBeTrue();
        handler.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_read_whose_connection_broke_is_tried_again()
    {
        var handler = new StubKnowledgeHandler(_time, StubKnowledgeHandler.Throw(HttpRequestError.ResponseEnded), StubKnowledgeHandler.Json(200, Dataset));

        (await Client(handler).GetDatasetAsync(DatasetId)).Id.ShouldBe(DatasetId);

        handler.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Log_lines_name_the_route_and_never_the_key_the_name_or_the_text()
    {
        var handler = new StubKnowledgeHandler(
            _time,
            StubKnowledgeHandler.Json(503, """{"code": "internal_server_error", "message": "Secret wiki page failed", "status": 503}"""),
            StubKnowledgeHandler.Json(200, Written(Document(DocumentId, "Secret wiki page"))));

        await Client(handler).UpdateDocumentByTextAsync(DatasetId, DocumentId, "Secret wiki page", "The confidential body text.");

        _log.Lines.ShouldContain(l => l.Text.Contains("POST /datasets/{dataset_id}/documents/{document_id}/update-by-text", StringComparison.Ordinal) && l.Text.Contains("HTTP 200", StringComparison.Ordinal));
        _log.Lines.ShouldContain(l => l.Text.Contains("HTTP 503", StringComparison.Ordinal));
        _log.Lines.ShouldAllBe(l => !l.Text.Contains(Key) && !l.Text.Contains("Secret wiki page") && !l.Text.Contains("confidential") && !l.Text.Contains(DatasetId));
    }
}
