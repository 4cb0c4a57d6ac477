using System.Text.Json;

namespace Larkway.Emulator.Tests.AiBackend;

public sealed class OpenAiChatTests(AiBackendFixture fixture) : IClassFixture<AiBackendFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Ask(string question, bool stream, bool includeUsage = false, int? maxTokens = null) => new Dictionary<string, object?>
    {
        ["model"] = "gpt-4o-mini",
        ["messages"] = new object[] { new { role = "system", content = "be brief" }, new { role = "user", content = question } },
        ["stream"] = stream,
        ["stream_options"] = includeUsage ? new { include_usage = true } : null,
        ["max_tokens"] = maxTokens,
    };

    private Task<HttpResponseMessage> CompleteAsync(object body, string? key = AiHttp.OpenAiKey, CancellationToken cancellationToken = default) =>
        AiHttp.PostAsync(Http, "/openai/v1/chat/completions", body, key, cancellationToken);

    private static async Task<(List<JsonElement> Chunks, bool Done)> ChunksAsync(HttpResponseMessage response)
    {
        var chunks = new List<JsonElement>();
        var done = false;
        await foreach (var data in AiHttp.EventsAsync(response))
        {
            Assert.False(done, "nothing may follow [DONE]");
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            using var document = JsonDocument.Parse(data);
            chunks.Add(document.RootElement.Clone());
        }

        return (chunks, done);
    }

    private static string Content(IEnumerable<JsonElement> chunks) => string.Concat(chunks
        .Where(c => c.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0)
        .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
        .Select(d => d.TryGetProperty("content", out var content) ? content.GetString() : null));

    [Fact]
    public async Task A_stream_is_chunks_of_one_completion_ending_with_finish_reason_usage_and_done()
    {
        using var streamed = await CompleteAsync(Ask("What is [EMAIL_1]?", stream: true, includeUsage: true));
        var (chunks, done) = await ChunksAsync(streamed);
        using var whole = await CompleteAsync(Ask("What is [EMAIL_1]?", stream: false));
        var completion = await AiHttp.JsonAsync(whole);

        Assert.True(done);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.Str("object")));
        Assert.Single(chunks.Select(c => c.Str("id")).Distinct());
        Assert.All(chunks, c => Assert.Equal("gpt-4o-mini", c.Str("model")));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").Str("role"));
        var last = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("stop", last.Str("finish_reason"));
        Assert.All(chunks[..^2], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var text = Content(chunks);
        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(message.Str("content"), text);
        Assert.Contains("[EMAIL_1]", text, StringComparison.Ordinal);
        Assert.Equal("chat.completion", completion.Str("object"));
        Assert.Equal("stop", completion.GetProperty("choices")[0].Str("finish_reason"));
        var contentChunks = chunks.Count(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0);
        Assert.Equal(contentChunks, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Without_include_usage_no_chunk_carries_usage()
    {
        using var streamed = await CompleteAsync(Ask("hi", stream: true));
        var (chunks, done) = await ChunksAsync(streamed);

        Assert.True(done);
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].Str("finish_reason"));
    }

    [Fact]
    public async Task Max_tokens_cuts_the_answer_with_finish_reason_length()
    {
        using var streamed = await CompleteAsync(Ask("hi there", stream: true, maxTokens: 4));
        var (chunks, _) = await ChunksAsync(streamed);

        Assert.Equal("length", chunks[^1].GetProperty("choices")[0].Str("finish_reason"));
        Assert.Equal("You asked: hi", Content(chunks));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("sk-wrong", "invalid_api_key")]
    public async Task A_missing_or_wrong_key_is_401_in_openais_error_shape(string? key, string? code)
    {
        using var response = await CompleteAsync(Ask("q", stream: false), key);

        Assert.Equal(401, (int)response.StatusCode);
        var error = (await AiHttp.JsonAsync(response)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.Str("type"));
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.Str("message")));
        Assert.DoesNotContain("sk-wrong", error.Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", "model")]
    [InlineData("{\"model\":\"m\",\"messages\":[]}", "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\",\"content\":\"q\"}]}", "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"q\"}]}", "messages")]
    [InlineData("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"max_tokens\":0}", "max_completion_tokens")]
    public async Task Bad_requests_are_400_naming_the_param(string body, string param)
    {
        using var response = await CompleteAsync(body);

        Assert.Equal(400, (int)response.StatusCode);
        var error = (await AiHttp.JsonAsync(response)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.Str("type"));
        Assert.Equal(param, error.Str("param"));
    }

    [Fact]
    public async Task Content_parts_are_read_and_every_message_is_kept_in_the_log()
    {
        var body = new
        {
            model = "m",
            user = "u-parts",
            messages = new object[]
            {
                new { role = "user", content = "first" },
                new { role = "assistant", content = "ok" },
                new { role = "user", content = new object[] { new { type = "text", text = "second " }, new { type = "text", text = "part" } } },
            },
        };

        using var response = await CompleteAsync(body);
        var answer = (await AiHttp.JsonAsync(response)).GetProperty("choices")[0].GetProperty("message").Str("content");
        var record = (await AiHttp.RequestsAsync(Http, "openai")).Last(r => r.TryGetProperty("user", out var u) && u.GetString() == "u-parts");

        Assert.StartsWith("(turn 2) You asked: second part.", answer, StringComparison.Ordinal);
        Assert.Equal("second part", record.Str("query"));
        Assert.Equal(["user:first", "assistant:ok", "user:second part"], record.GetProperty("messages").EnumerateArray().Select(m => m.Str("role") + ":" + m.Str("content")));
        Assert.Equal("completed", record.Str("outcome"));
    }

    [Fact]
    public async Task An_error_mid_stream_is_an_error_object_event_without_done()
    {
        await AiHttp.ArmAsync(Http, new { kind = "error_mid_stream", backend = "openai", after_tokens = 2 });

        using var response = await CompleteAsync(Ask("q", stream: true));
        var (chunks, done) = await ChunksAsync(response);

        Assert.False(done);
        Assert.Equal("server_error", chunks[^1].GetProperty("error").Str("type"));
        Assert.Equal(2, chunks.Count(c => c.TryGetProperty("choices", out var ch) && ch[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0));
    }

    [Fact]
    public async Task A_rate_limit_is_429_rate_limit_exceeded_with_retry_after()
    {
        await AiHttp.ArmAsync(Http, new { kind = "rate_limit", backend = "openai", retry_after_seconds = 3 });

        using var limited = await CompleteAsync(Ask("q", stream: true));
        using var next = await CompleteAsync(Ask("q", stream: false));

        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_exceeded", (await AiHttp.JsonAsync(limited)).GetProperty("error").Str("code"));
        Assert.Equal(200, (int)next.StatusCode);
    }

    [Fact]
    public async Task A_server_error_is_the_armed_status_as_a_server_error_object()
    {
        await AiHttp.ArmAsync(Http, new { kind = "server_error", backend = "openai", status = 502 });

        using var response = await CompleteAsync(Ask("q", stream: false));

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("server_error", (await AiHttp.JsonAsync(response)).GetProperty("error").Str("type"));
    }

    [Fact]
    public async Task A_slow_first_token_still_gives_the_whole_answer_and_is_used_up()
    {
        await AiHttp.ArmAsync(Http, new { kind = "slow_first_token", backend = "openai", delay_ms = 200 });

        using var response = await CompleteAsync(Ask("slow one", stream: true));
        var (chunks, done) = await ChunksAsync(response);
        using var faults = await Http.GetAsync("/_emulator/ai/faults");

        Assert.True(done);
        Assert.StartsWith("You asked: slow one.", Content(chunks), StringComparison.Ordinal);
        Assert.Equal(0, (await AiHttp.JsonAsync(faults)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_hang_answers_nothing_until_the_client_gives_up_and_a_dify_fault_leaves_openai_alone()
    {
        await AiHttp.ArmAsync(Http, new { kind = "server_error", backend = "dify" });
        await AiHttp.ArmAsync(Http, new { kind = "hang", backend = "openai" });
        using var giveUp = new CancellationTokenSource();

        var pending = CompleteAsync(new { model = "m", user = "u-hang-oai", messages = new[] { new { role = "user", content = "q" } }, stream = true }, cancellationToken: giveUp.Token);
        await AiHttp.AwaitOutcomeAsync(Http, "openai", r => r.TryGetProperty("user", out var u) && u.GetString() == "u-hang-oai", "hung");
        Assert.False(pending.IsCompleted);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        using var faults = await Http.GetAsync("/_emulator/ai/faults");
        Assert.Equal("dify", (await AiHttp.JsonAsync(faults)).GetProperty("items")[0].Str("backend"));
    }

    [Fact]
    public async Task Image_parts_are_read_inline_or_by_url_and_a_broken_one_is_400()
    {
        object Parts(string url) => new
        {
            model = "gpt-4o-mini",
            messages = new object[] { new { role = "user", content = new object[] { new { type = "text", text = "what is this?" }, new { type = "image_url", image_url = new { url } } } } },
        };

        using var inline = await CompleteAsync(Parts("data:image/png;base64," + Convert.ToBase64String(new byte[300])));
        using var linked = await CompleteAsync(Parts("https://example.com/photos/cat.jpg"));
        using var broken = await CompleteAsync(Parts("data:image/png;base64,not base64!"));

        var answer = (await AiHttp.JsonAsync(inline)).GetProperty("choices")[0].GetProperty("message").Str("content");
        Assert.StartsWith("You asked: what is this? Files read: image (image/png, 300 bytes).", answer, StringComparison.Ordinal);
        Assert.Contains("Files read: cat.jpg (image, by URL).", (await AiHttp.JsonAsync(linked)).GetProperty("choices")[0].GetProperty("message").Str("content"), StringComparison.Ordinal);
        Assert.Equal(400, (int)broken.StatusCode);
        Assert.Contains("image_url", (await AiHttp.JsonAsync(broken)).GetProperty("error").Str("message"), StringComparison.Ordinal);
    }
}
