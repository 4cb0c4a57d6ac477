using Larkway.Channels.Backends;
using Larkway.Channels.Backends.OpenAi;
using Larkway.Channels.Tests.Backends.Wire;
using static Larkway.Channels.Tests.Backends.BackendTestKit;

namespace Larkway.Channels.Tests.Backends;

/// <summary>The OpenAI-compatible backend (through the OpenAI package) against a scripted server on Kestrel serving OpenAI's documented chunks.</summary>
public sealed class OpenAiCompatibleBackendWireTests(ScriptedBackendServer server) : IClassFixture<ScriptedBackendServer>, IDisposable
{
    private const string Id = "chatcmpl-123";
    private const string Id2 = "chatcmpl-456";

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _key = Unique("sk");
    private readonly string _name = Unique("openai");

    public void Dispose() => _http.Dispose();

    private OpenAiCompatibleBackend Backend(Action<OpenAiBackendOptions>? configure = null)
    {
        var options = new OpenAiBackendOptions
        {
            Name = _name,
            Endpoint = server.BaseUrl,
            ApiKey = _key,
            Model = "gpt-4o-mini",
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        };
        configure?.Invoke(options);
        return new OpenAiCompatibleBackend(options, _http);
    }

    private static AssistantRequest Question() => new("And in Hangzhou?", "person-42")
    {
        SystemPrompt = "You are the company's assistant.",
        History = [new AssistantTurn(AssistantTurnRole.User, "Weather in Beijing?"), new AssistantTurn(AssistantTurnRole.Assistant, "Sunny.")],
    };

    private static ScriptStep Answer(string id, string finish, params string[] pieces) =>
        Serve.Events([OpenAiShapes.Role(id), .. pieces.Select(p => OpenAiShapes.Content(id, p)), OpenAiShapes.Finish(id, finish), OpenAiShapes.Usage(id, 19, 10), OpenAiShapes.Done]);

    [Fact]
    public async Task A_streamed_answer_sends_the_conversation_and_reads_every_delta()
    {
        server.Script(_key, Answer(Id, "stop", "Rain", " in ", "Hangzhou 🌧"));
        using var backend = Backend(o =>
        {
            o.MaxOutputTokens = 256;
            o.Temperature = 0.2f;
        });

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates[0].ShouldBe(new AssistantAnswerStarted(Id, Id, null));
        TextOf(updates).ShouldBe("Rain in Hangzhou 🌧");
        updates[^1].ShouldBe(new AssistantAnswerEnd(null, Id, Id, new AssistantUsage(19, 10, 29)));
        var sent = server.Served(_key).ShouldHaveSingleItem();
        sent.Path.ShouldBe("/v1/chat/completions");
        sent.Authorization.ShouldBe($"Bearer {_key}");
        sent.Body.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        sent.Body.GetProperty("stream").GetBoolean().ShouldBeTrue();
        sent.Body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().ShouldBeTrue();
        sent.Body.GetProperty("max_completion_tokens").GetInt32().ShouldBe(256);
        sent.Body.TryGetProperty("user", out _).ShouldBeFalse();
        var messages = sent.Body.GetProperty("messages");
        messages.GetArrayLength().ShouldBe(4);
        messages[0].GetProperty("role").GetString().ShouldBe("system");
        messages[0].GetProperty("content").ToString().ShouldContain("company's assistant");
        messages[1].GetProperty("role").GetString().ShouldBe("user");
        messages[2].GetProperty("role").GetString().ShouldBe("assistant");
        messages[2].GetProperty("content").ToString().ShouldContain("Sunny.");
        messages[3].GetProperty("role").GetString().ShouldBe("user");
        messages[3].GetProperty("content").ToString().ShouldContain("And in Hangzhou?");
    }

    [Fact]
    public async Task A_local_server_without_a_key_gets_no_authorization_header()
    {
        server.Script("(none)", Answer(Id, "stop", "Local"));
        using var backend = Backend(o => o.ApiKey = "");

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Local");
        server.Served("(none)").ShouldContain(r => r.Authorization == null);
    }

    [Fact]
    public async Task Finish_reason_length_ends_the_answer_as_cut()
    {
        server.Script(_key, Answer(Id, "length", "A very long"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates[^1].ShouldBeOfType<AssistantAnswerEnd>().FinishReason.ShouldBe(AssistantFinishReason.Length);
    }

    [Fact]
    public async Task Finish_reason_content_filter_is_a_content_filtered_failure()
    {
        server.Script(_key, Answer(Id, "content_filter", "Some"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Some");
        updates[^1].ShouldBeOfType<AssistantFailure>().Kind.ShouldBe(AssistantFailureKind.ContentFiltered);
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_refusal_is_a_refused_failure_carrying_the_models_words()
    {
        server.Script(_key, Serve.Events(OpenAiShapes.Role(Id), OpenAiShapes.Refusal(Id, "I'm sorry, "), OpenAiShapes.Refusal(Id, "I can't help with that."), OpenAiShapes.Finish(Id, "stop"), OpenAiShapes.Done));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates[^1].ShouldBe(new AssistantFailure(AssistantFailureKind.Refused, "refusal", "I'm sorry, I can't help with that."));
        TextOf(updates).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_and_then_answers()
    {
        server.Script(_key,
            Serve.Json(429, OpenAiShapes.Error("Rate limit reached for requests", "requests", "rate_limit_exceeded"), r => r.Headers.RetryAfter = "0"),
            Answer(Id2, "stop", "Fine"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Fine");
        updates[^1].ShouldBeOfType<AssistantAnswerEnd>().MessageId.ShouldBe(Id2);
        server.Served(_key).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_429_for_insufficient_quota_is_refused_and_not_retried()
    {
        server.Script(_key, Serve.Json(429, OpenAiShapes.Error("You exceeded your current quota.", "insufficient_quota", "insufficient_quota")));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates.ShouldHaveSingleItem().ShouldBe(new AssistantFailure(AssistantFailureKind.Refused, "insufficient_quota", "You exceeded your current quota.", 429));
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_5xx_is_retried_and_then_answers()
    {
        server.Script(_key, Serve.Json(500, OpenAiShapes.Error("The server had an error while processing your request.", "server_error", null)), Answer(Id2, "stop", "Recovered"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Recovered");
        server.Served(_key).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_401_is_refused_naming_the_key_option_and_not_retried()
    {
        server.Script(_key, Serve.Json(401, OpenAiShapes.Error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key")));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        var failure = updates.ShouldHaveSingleItem().ShouldBeOfType<AssistantFailure>();
        failure.Kind.ShouldBe(AssistantFailureKind.Refused);
        failure.Code.ShouldBe("invalid_api_key");
        failure.HttpStatus.ShouldBe(401);
        failure.Message.ShouldContain("ApiKey");
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_stream_cut_after_text_is_a_failure_without_a_retry()
    {
        server.Script(_key, Serve.Events(OpenAiShapes.Role(Id), OpenAiShapes.Content(Id, "Half")), Answer(Id2, "stop", "never"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Half");
        updates[^1].ShouldBeOfType<AssistantFailure>().Code.ShouldBe("stream_incomplete");
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_error_chunk_mid_stream_ends_the_answer_without_a_retry()
    {
        // Compatible servers (vLLM, LiteLLM) report a failure after the first chunks as an error object in a data line.
        server.Script(_key,
            Serve.Events(OpenAiShapes.Role(Id), OpenAiShapes.Content(Id, "Half"), OpenAiShapes.Error("The engine is overloaded.", "server_error", null)),
            Answer(Id2, "stop", "never"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Half");
        updates[^1].ShouldBeOfType<AssistantFailure>().Kind.ShouldBe(AssistantFailureKind.Unavailable);
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_slow_first_token_times_out_and_closes_the_connection()
    {
        server.Script(_key, Serve.Silence());

        // Long enough for the request to reach the server on a loaded machine (the timeout counts from the call).
        using var backend = Backend(o => o.FirstTokenTimeout = TimeSpan.FromSeconds(5));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates.ShouldHaveSingleItem().ShouldBeOfType<AssistantFailure>().Code.ShouldBe("timeout.first_token");
        var served = await EventuallyAsync(() => server.Served(_key).FirstOrDefault());
        (await served.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
    }

    [Fact]
    public async Task Cancelling_mid_stream_closes_the_connection()
    {
        server.Script(_key, Serve.EventsThen(Serve.HoldAsync, OpenAiShapes.Role(Id), OpenAiShapes.Content(Id, "Once upon")));
        using var backend = Backend();
        var seen = await CancelAtFirstTextAsync(token => backend.StreamAsync(Question(), token));

        TextOf(seen).ShouldBe("Once upon");
        (await server.Served(_key).ShouldHaveSingleItem().Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
    }

    [Fact]
    public async Task Complete_collects_the_stream()
    {
        server.Script(_key, Answer(Id, "stop", "Whole", " answer"));
        using var backend = Backend();

        var answer = await backend.CompleteAsync(Question());

        answer.Text.ShouldBe("Whole answer");
        answer.End.Usage.ShouldBe(new AssistantUsage(19, 10, 29));
    }

    [Fact]
    public void Bad_options_say_what_to_fix()
    {
        Should.Throw<ArgumentException>(() => new OpenAiCompatibleBackend(new OpenAiBackendOptions { Model = "" })).Message.ShouldContain("Model");
        Should.Throw<ArgumentException>(() => new OpenAiCompatibleBackend(new OpenAiBackendOptions { Model = "m", Temperature = 3 })).Message.ShouldContain("Temperature");
        Should.Throw<ArgumentException>(() => new OpenAiCompatibleBackend(new OpenAiBackendOptions { Model = "m", MaxRetries = -1 })).Message.ShouldContain("MaxRetries");
    }
}
