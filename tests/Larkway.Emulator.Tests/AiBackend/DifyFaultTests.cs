using System.Text.Json;

namespace Larkway.Emulator.Tests.AiBackend;

public sealed class DifyFaultTests(AiBackendFixture fixture) : IClassFixture<AiBackendFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> StreamAsync(string user, CancellationToken cancellationToken = default) =>
        AiHttp.PostAsync(Http, "/dify/v1/chat-messages", new { query = "q of " + user, user, response_mode = "streaming" }, AiHttp.DifyKey, cancellationToken);

    [Fact]
    public async Task A_slow_first_token_is_preceded_by_pings()
    {
        await AiHttp.ArmAsync(Http, new { kind = "slow_first_token", backend = "dify", delay_ms = 350 });

        using var response = await StreamAsync("u-slow");
        var events = await AiHttp.DifyEventsAsync(response);

        // Pings every 100 ms while the first token is 350 ms away: three, then none between fast tokens.
        Assert.Equal(["ping", "ping", "ping"], events.Take(3).Select(e => e.Event()));
        Assert.Equal("message", events[3].Event());
        Assert.DoesNotContain(events.Skip(3), e => e.Event() == "ping");
        Assert.Equal("message_end", events[^1].Event());
    }

    [Fact]
    public async Task An_error_mid_stream_ends_it_with_an_error_event_after_the_given_tokens()
    {
        await AiHttp.ArmAsync(Http, new { kind = "error_mid_stream", after_tokens = 4 });

        using var response = await StreamAsync("u-error");
        var events = await AiHttp.DifyEventsAsync(response);
        using var next = await StreamAsync("u-error-2");
        var healthy = await AiHttp.DifyEventsAsync(next);

        Assert.Equal(4, events.Count(e => e.Event() == "message"));
        var error = events[^1];
        Assert.Equal("error", error.Event());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("completion_request_error", error.Str("code"));
        Assert.False(string.IsNullOrEmpty(error.Str("message")));
        Assert.DoesNotContain(events, e => e.Event() == "message_end");
        Assert.Equal("message_end", healthy[^1].Event());
    }

    [Fact]
    public async Task A_blocking_answer_that_fails_mid_way_is_400_completion_request_error()
    {
        await AiHttp.ArmAsync(Http, new { kind = "error_mid_stream", backend = "dify" });

        using var response = await AiHttp.PostAsync(Http, "/dify/v1/chat-messages", new { query = "q", user = "u-block-error", response_mode = "blocking" }, AiHttp.DifyKey);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("completion_request_error", (await AiHttp.JsonAsync(response)).Str("code"));
    }

    [Fact]
    public async Task A_rate_limit_is_429_with_retry_after_for_as_many_requests_as_armed()
    {
        await AiHttp.ArmAsync(Http, new { kind = "rate_limit", backend = "dify", retry_after_seconds = 7, count = 2 });

        using var first = await StreamAsync("u-429");
        using var second = await StreamAsync("u-429");
        using var third = await StreamAsync("u-429");

        foreach (var refused in new[] { first, second })
        {
            Assert.Equal(429, (int)refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
            var body = await AiHttp.JsonAsync(refused);
            Assert.Equal("too_many_requests", body.Str("code"));
            Assert.Equal(429, body.GetProperty("status").GetInt32());
        }

        Assert.Equal(200, (int)third.StatusCode);
        Assert.Equal("message_end", (await AiHttp.DifyEventsAsync(third))[^1].Event());
    }

    [Fact]
    public async Task A_server_error_is_the_armed_status()
    {
        await AiHttp.ArmAsync(Http, new { kind = "server_error", status = 503 });

        using var response = await StreamAsync("u-503");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(503, (await AiHttp.JsonAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_hang_answers_nothing_until_the_client_gives_up()
    {
        await AiHttp.ArmAsync(Http, new { kind = "hang", backend = "dify" });
        using var giveUp = new CancellationTokenSource();

        var pending = StreamAsync("u-hang", giveUp.Token);
        await AiHttp.AwaitOutcomeAsync(Http, "dify", r => r.Str("user") == "u-hang", "hung");
        Assert.False(pending.IsCompleted);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task A_hang_after_tokens_stalls_the_stream_while_pings_go_on()
    {
        await AiHttp.ArmAsync(Http, new { kind = "hang", backend = "dify", after_tokens = 2 });
        using var giveUp = new CancellationTokenSource();
        using var response = await StreamAsync("u-stall", giveUp.Token);
        var seen = new List<string>();

        await foreach (var data in AiHttp.EventsAsync(response, giveUp.Token).WithCancellation(giveUp.Token).ConfigureAwait(true))
        {
            var name = JsonDocument.Parse(data).RootElement.Event();
            seen.Add(name);
            if (name == "ping")
            {
                break;
            }
        }

        Assert.Equal(["message", "message", "ping"], seen);
        var record = await AiHttp.AwaitOutcomeAsync(Http, "dify", r => r.Str("user") == "u-stall", "hung");
        Assert.Equal(2, record.GetProperty("tokens_sent").GetInt32());
        await giveUp.CancelAsync();
    }

    [Fact]
    public async Task Moderation_replaces_the_whole_answer()
    {
        await AiHttp.ArmAsync(Http, new { kind = "moderation", answer = "I cannot answer that." });

        using var response = await StreamAsync("u-moderated");
        var events = await AiHttp.DifyEventsAsync(response);

        Assert.Equal("message_replace", events[^2].Event());
        Assert.Equal("I cannot answer that.", events[^2].Str("answer"));
        Assert.Equal("message_end", events[^1].Event());
    }

    [Theory]
    [InlineData("{\"kind\":\"meltdown\"}", "kind must be one of")]
    [InlineData("{\"kind\":\"server_error\",\"status\":404}", "status must be a 5xx status")]
    [InlineData("{\"kind\":\"hang\",\"backend\":\"claude\"}", "backend must be")]
    [InlineData("{\"kind\":\"rate_limit\",\"count\":0}", "count must be")]
    public async Task A_fault_that_makes_no_sense_is_refused_naming_what_to_fix(string body, string error)
    {
        using var response = await AiHttp.PostAsync(Http, "/_emulator/ai/faults", body);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.StartsWith(error, (await AiHttp.JsonAsync(response)).Str("error"), StringComparison.Ordinal);
    }
}
