using System.Text.Json;
using Larkway.Channels.Backends;
using Larkway.Channels.Backends.Dify;
using Larkway.Channels.Tests.Backends.Wire;
using Microsoft.AspNetCore.Http;
using static Larkway.Channels.Tests.Backends.BackendTestKit;

namespace Larkway.Channels.Tests.Backends;

/// <summary>The Dify backend against a scripted Dify on Kestrel that serves the documented wire shapes.</summary>
public sealed class DifyBackendWireTests(ScriptedBackendServer server) : IClassFixture<ScriptedBackendServer>, IDisposable
{
    private const string Task1 = "c3800678-a077-43df-a102-53f23ed20b88";
    private const string Task2 = "d4911789-b188-54e0-b213-64f34e31c99a";
    private const string Message1 = "9da23599-e713-473b-982c-4328d4f5c78a";
    private const string Conversation1 = "45701982-8118-4bc5-8e9b-64562b4555f2";
    private const string Conversation2 = "1c7e55fb-1ba2-4e10-81b5-30addcea2276";

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _key = Unique("app");
    private readonly string _name = Unique("dify");

    public void Dispose() => _http.Dispose();

    private DifyBackend Backend(Action<DifyBackendOptions>? configure = null)
    {
        var options = new DifyBackendOptions
        {
            Name = _name,
            BaseUrl = server.BaseUrl,
            ApiKey = _key,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        };
        configure?.Invoke(options);
        return new DifyBackend(options, _http);
    }

    private static AssistantRequest Question(string? conversation = null) => new("What are the specs of the iPhone 13 Pro Max?", "person-42")
    {
        ConversationId = conversation,
    };

    private static ScriptStep Answer(string task, string conversation, params string[] pieces) =>
        Serve.Events([.. pieces.Select(p => DifyShapes.Message(task, Message1, conversation, p)), DifyShapes.MessageEnd(task, Message1, conversation)]);

    [Fact]
    public async Task A_streamed_answer_sends_the_documented_request_and_reads_every_update()
    {
        server.Script(_key, Answer(Task1, Conversation1, "iPhone 13 Pro Max", " specs are", " listed here."));
        using var backend = Backend();
        var request = Question(Conversation1) with
        {
            Inputs = new Dictionary<string, object?> { ["name"] = "dify", ["age"] = 42, ["vip"] = true },
            Files = [AssistantFile.FromUrl("image", new Uri("https://cloud.dify.ai/logo/logo-site.png")), AssistantFile.FromUpload("document", "72fa9618-8f89-4a37-9b33-7e1178a24a67")],
        };

        var updates = await ReadAllAsync(backend.StreamAsync(request));

        TextOf(updates).ShouldBe("iPhone 13 Pro Max specs are listed here.");
        updates[0].ShouldBe(new AssistantAnswerStarted(Task1, Message1, Conversation1));
        updates[^1].ShouldBe(new AssistantAnswerEnd(Conversation1, Message1, Task1, new AssistantUsage(1033, 135, 1168)));
        var sent = server.Served(_key).ShouldHaveSingleItem();
        sent.Path.ShouldBe("/v1/chat-messages");
        sent.Authorization.ShouldBe($"Bearer {_key}");
        sent.Accept.ShouldBe("text/event-stream");
        sent.Body.GetProperty("query").GetString().ShouldBe(request.Query);
        sent.Body.GetProperty("response_mode").GetString().ShouldBe("streaming");
        sent.Body.GetProperty("user").GetString().ShouldBe("person-42");
        sent.Body.GetProperty("conversation_id").GetString().ShouldBe(Conversation1);
        sent.Body.GetProperty("inputs").GetRawText().ShouldBe("""{"name":"dify","age":42,"vip":true}""");
        var files = sent.Body.GetProperty("files");
        files[0].GetRawText().ShouldBe("""{"type":"image","transfer_method":"remote_url","url":"https://cloud.dify.ai/logo/logo-site.png"}""");
        files[1].GetRawText().ShouldBe("""{"type":"document","transfer_method":"local_file","upload_file_id":"72fa9618-8f89-4a37-9b33-7e1178a24a67"}""");
    }

    [Fact]
    public async Task A_new_conversation_sends_no_conversation_id_and_reports_the_new_one()
    {
        server.Script(_key, Answer(Task1, Conversation2, "Hello"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        server.Served(_key).ShouldHaveSingleItem().Body.TryGetProperty("conversation_id", out _).ShouldBeFalse();
        updates[^1].ShouldBeOfType<AssistantAnswerEnd>().ConversationId.ShouldBe(Conversation2);
    }

    [Fact]
    public async Task A_blocking_answer_is_read_whole()
    {
        server.Script(_key, Serve.Json(200, DifyShapes.Blocking(Task1, Message1, Conversation1, "iPhone 13 Pro Max specs are listed here:...")));
        using var backend = Backend();

        var answer = await backend.CompleteAsync(Question(Conversation1));

        answer.Text.ShouldBe("iPhone 13 Pro Max specs are listed here:...");
        answer.End.ShouldBe(new AssistantAnswerEnd(Conversation1, Message1, Task1, new AssistantUsage(1033, 135, 1168)));
        answer.ConversationRestarted.ShouldBeFalse();
        server.Served(_key).ShouldHaveSingleItem().Body.GetProperty("response_mode").GetString().ShouldBe("blocking");
    }

    [Fact]
    public async Task A_blocking_answer_starts_a_new_conversation_when_the_old_one_is_gone()
    {
        server.Script(_key, Serve.Json(404, DifyShapes.ConversationNotExists), Serve.Json(200, DifyShapes.Blocking(Task1, Message1, Conversation2, "Fresh")));
        using var backend = Backend();

        var answer = await backend.CompleteAsync(Question(Conversation1));

        answer.ConversationRestarted.ShouldBeTrue();
        answer.End.ConversationId.ShouldBe(Conversation2);
        answer.Text.ShouldBe("Fresh");
        server.Served(_key)[1].Body.TryGetProperty("conversation_id", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task A_blocking_failure_throws_with_difys_code()
    {
        server.Script(_key, Serve.Json(400, DifyShapes.ErrorBody(400, "app_unavailable", "App unavailable, please check your app configurations.")));
        using var backend = Backend();

        var failed = await Should.ThrowAsync<AssistantBackendException>(() => backend.CompleteAsync(Question()));

        failed.Failure.ShouldBe(new AssistantFailure(AssistantFailureKind.Refused, "app_unavailable", "App unavailable, please check your app configurations.", 400));
        failed.Backend.ShouldBe(_name);
    }

    [Fact]
    public async Task A_slow_first_token_times_out_and_closes_the_connection()
    {
        server.Script(_key, Serve.Silence());

        // Long enough for the request to reach the server on a loaded machine (the timeout counts from the call).
        using var backend = Backend(o => o.FirstTokenTimeout = TimeSpan.FromSeconds(5));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        var failure = updates.ShouldHaveSingleItem().ShouldBeOfType<AssistantFailure>();
        failure.Kind.ShouldBe(AssistantFailureKind.Timeout);
        failure.Code.ShouldBe("timeout.first_token");
        var served = await EventuallyAsync(() => server.Served(_key).FirstOrDefault());
        (await served.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
    }

    [Fact]
    public async Task Pings_before_the_first_token_do_not_hold_off_the_first_token_timeout()
    {
        server.Script(_key, Serve.EventsThen(async context =>
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync("event: ping\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(50, context.RequestAborted);
            }
        }, DifyShapes.WorkflowStarted(Task1)));

        // Long enough for workflow_started to arrive on a loaded machine (the timeout counts from the call); the pings go
        // on for all of it, and still do not hold it off.
        using var backend = Backend(o => o.FirstTokenTimeout = TimeSpan.FromSeconds(5));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates[^1].ShouldBeOfType<AssistantFailure>().Code.ShouldBe("timeout.first_token");
        updates.OfType<AssistantAnswerStarted>().ShouldHaveSingleItem().TaskId.ShouldBe(Task1);
    }

    [Fact]
    public async Task A_stream_gone_silent_after_text_times_out_idle_keeping_the_text()
    {
        server.Script(_key, Serve.EventsThen(Serve.HoldAsync, DifyShapes.Message(Task1, Message1, Conversation1, "Half")));
        using var backend = Backend(o => o.IdleTimeout = TimeSpan.FromMilliseconds(300));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Half");
        updates[^1].ShouldBeOfType<AssistantFailure>().Code.ShouldBe("timeout.idle");
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_answer_that_never_ends_stops_at_the_total_timeout()
    {
        server.Script(_key, Serve.EventsThen(async context =>
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await Serve.WriteEventAsync(context, DifyShapes.Message(Task1, Message1, Conversation1, " and on"));
                await Task.Delay(100, context.RequestAborted);
            }
        }, DifyShapes.Message(Task1, Message1, Conversation1, "On")));
        using var backend = Backend(o => o.TotalTimeout = TimeSpan.FromSeconds(1.5));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldStartWith("On and on");
        updates[^1].ShouldBeOfType<AssistantFailure>().Code.ShouldBe("timeout.total");
        (await server.Served(_key).ShouldHaveSingleItem().Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after_and_then_answers()
    {
        server.Script(_key,
            Serve.Json(429, DifyShapes.ErrorBody(429, "too_many_requests", "Too many requests."), r => r.Headers.RetryAfter = "0"),
            Answer(Task1, Conversation1, "Fine"));
        using var metrics = new AssistantMetrics(_name);
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Fine");
        updates.OfType<AssistantFailure>().ShouldBeEmpty();
        server.Served(_key).Count.ShouldBe(2);
        var error = metrics.Measurements.Where(m => m.Instrument == "larkway.assistant.errors").ShouldHaveSingleItem();
        error.Tags["assistant.error.kind"].ShouldBe("rate_limited");
        error.Tags["assistant.retried"].ShouldBe(true);
        metrics.Measurements.ShouldContain(m => m.Instrument == "larkway.assistant.calls" && (string?)m.Tags["assistant.outcome"] == "completed");
        metrics.Measurements.ShouldContain(m => m.Instrument == "larkway.assistant.time_to_first_token");
        metrics.Measurements.ShouldContain(m => m.Instrument == "larkway.assistant.duration");
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_the_bound_is_reported_not_retried()
    {
        server.Script(_key, Serve.Json(429, DifyShapes.ErrorBody(429, "rate_limit_error", "Rate Limit Error"), r => r.Headers.RetryAfter = "120"));
        using var backend = Backend(o => o.MaxRetryDelay = TimeSpan.FromSeconds(10));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates.ShouldHaveSingleItem().ShouldBe(new AssistantFailure(AssistantFailureKind.RateLimited, "rate_limit_error", "Rate Limit Error", 429, TimeSpan.FromSeconds(120)));
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_5xx_is_retried_until_the_retries_run_out()
    {
        var unavailable = Serve.Json(503, "<html>upstream unavailable</html>");
        server.Script(_key, unavailable, unavailable, unavailable);
        using var backend = Backend(o => o.MaxRetries = 2);

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        var failure = updates.ShouldHaveSingleItem().ShouldBeOfType<AssistantFailure>();
        failure.Kind.ShouldBe(AssistantFailureKind.Unavailable);
        failure.Code.ShouldBe("http_503");
        server.Served(_key).Count.ShouldBe(3);
    }

    [Fact]
    public async Task An_error_event_after_text_ends_the_answer_without_a_retry()
    {
        server.Script(_key,
            Serve.Events(
                DifyShapes.Message(Task1, Message1, Conversation1, "The answer is"),
                DifyShapes.Error(Task1, Message1, 400, "completion_request_error", "[openai] Server Unavailable Error")),
            Answer(Task2, Conversation1, "must never be asked for"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("The answer is");
        updates[^1].ShouldBe(new AssistantFailure(AssistantFailureKind.Unavailable, "completion_request_error", "[openai] Server Unavailable Error", 400));
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_error_event_before_any_text_is_retried()
    {
        server.Script(_key,
            Serve.Events(DifyShapes.Error(Task1, Message1, 500, "internal_server_error", "Internal Server Error, please contact support.")),
            Answer(Task2, Conversation1, "Second time lucky"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Second time lucky");
        updates[^1].ShouldBeOfType<AssistantAnswerEnd>().TaskId.ShouldBe(Task2);
        server.Served(_key).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_stream_cut_after_text_is_a_failure_without_a_retry()
    {
        server.Script(_key, Serve.Events(DifyShapes.Message(Task1, Message1, Conversation1, "Cut")), Answer(Task2, Conversation1, "never"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Cut");
        updates[^1].ShouldBeOfType<AssistantFailure>().Code.ShouldBe("stream_incomplete");
        server.Served(_key).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("invalid_param", "conversation_id must be a valid UUID")]
    [InlineData("app_unavailable", "App unavailable, please check your app configurations.")]
    [InlineData("provider_not_initialize", "No valid model provider credentials found.")]
    [InlineData("provider_quota_exceeded", "Your quota for Dify Hosted OpenAI has been exhausted.")]
    [InlineData("model_currently_not_support", "Dify Hosted OpenAI trial currently not support the GPT-4 model.")]
    public async Task A_400_is_refused_with_difys_code_and_not_retried(string code, string message)
    {
        server.Script(_key, Serve.Json(400, DifyShapes.ErrorBody(400, code, message)));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        updates.ShouldHaveSingleItem().ShouldBe(new AssistantFailure(AssistantFailureKind.Refused, code, message, 400));
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_conversation_gone_starts_a_new_one_once_and_says_so()
    {
        server.Script(_key, Serve.Json(404, DifyShapes.ConversationNotExists), Answer(Task1, Conversation2, "Fresh start"));
        using var backend = Backend();

        var updates = await ReadAllAsync(backend.StreamAsync(Question(Conversation1)));

        updates[0].ShouldBe(new AssistantConversationRestarted(Conversation1));
        TextOf(updates).ShouldBe("Fresh start");
        updates[^1].ShouldBeOfType<AssistantAnswerEnd>().ConversationId.ShouldBe(Conversation2);
        var served = server.Served(_key);
        served.Count.ShouldBe(2);
        served[0].Body.GetProperty("conversation_id").GetString().ShouldBe(Conversation1);
        served[1].Body.TryGetProperty("conversation_id", out _).ShouldBeFalse();
        served[1].Body.GetProperty("user").GetString().ShouldBe("person-42");
    }

    [Fact]
    public async Task A_conversation_gone_fails_when_restarting_is_off()
    {
        server.Script(_key, Serve.Json(404, DifyShapes.ConversationNotExists));
        using var backend = Backend(o => o.RestartMissingConversation = false);

        var updates = await ReadAllAsync(backend.StreamAsync(Question(Conversation1)));

        updates.ShouldHaveSingleItem().ShouldBeOfType<AssistantFailure>().Kind.ShouldBe(AssistantFailureKind.ConversationNotFound);
        server.Served(_key).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Cancelling_mid_stream_closes_the_connection_and_stops_the_task_for_the_same_user()
    {
        server.Script(_key, Serve.EventsThen(Serve.HoldAsync, DifyShapes.Message(Task1, Message1, Conversation1, "Once upon")));
        server.Script(_key, Serve.Json(200, """{"result": "success"}"""));
        using var metrics = new AssistantMetrics(_name);
        using var backend = Backend();
        var seen = await CancelAtFirstTextAsync(token => backend.StreamAsync(Question(), token));

        TextOf(seen).ShouldBe("Once upon");
        (await server.Served(_key)[0].Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        var stop = await EventuallyAsync(() => server.Served(_key).FirstOrDefault(r => r.Path.EndsWith("/stop", StringComparison.Ordinal)));
        stop.Path.ShouldBe($"/v1/chat-messages/{Task1}/stop");
        stop.Authorization.ShouldBe($"Bearer {_key}");
        stop.Body.GetRawText().ShouldBe("""{"user":"person-42"}""");
        metrics.Measurements.ShouldContain(m => m.Instrument == "larkway.assistant.calls" && (string?)m.Tags["assistant.outcome"] == "cancelled");
    }

    [Fact]
    public async Task Leaving_the_stream_early_closes_the_connection_and_stops_the_task()
    {
        server.Script(_key, Serve.EventsThen(Serve.HoldAsync, DifyShapes.Message(Task1, Message1, Conversation1, "Once upon")));
        server.Script(_key, Serve.Json(200, """{"result": "success"}"""));
        using var backend = Backend();

        await foreach (var update in backend.StreamAsync(Question()))
        {
            if (update is AssistantTextDelta)
            {
                break;
            }
        }

        (await server.Served(_key)[0].Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
        var stop = await EventuallyAsync(() => server.Served(_key).FirstOrDefault(r => r.Path.EndsWith("/stop", StringComparison.Ordinal)));
        stop.Path.ShouldBe($"/v1/chat-messages/{Task1}/stop");
    }

    [Fact]
    public async Task Pings_after_text_keep_a_slow_answer_alive_past_the_idle_timeout()
    {
        // Silent but for pings for twice the idle timeout: only the pings can keep the answer from timing out.
        server.Script(_key, Serve.EventsThen(async context =>
        {
            for (var i = 0; i < 30; i++)
            {
                await context.Response.WriteAsync("event: ping\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(100, context.RequestAborted);
            }

            await Serve.WriteEventAsync(context, DifyShapes.Message(Task1, Message1, Conversation1, " world"));
            await Serve.WriteEventAsync(context, DifyShapes.MessageEnd(Task1, Message1, Conversation1));
        }, DifyShapes.Message(Task1, Message1, Conversation1, "Hello")));
        using var backend = Backend(o => o.IdleTimeout = TimeSpan.FromSeconds(1.5));

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        TextOf(updates).ShouldBe("Hello world");
        updates[^1].ShouldBeOfType<AssistantAnswerEnd>();
    }

    [Fact]
    public async Task Stop_posts_the_task_and_user_and_a_refusal_throws()
    {
        server.Script(_key, Serve.Json(200, """{"result": "success"}"""), Serve.Json(401, DifyShapes.ErrorBody(401, "unauthorized", "Access token is invalid")));
        using var backend = Backend();

        await backend.StopAsync(Task1, "person-42");
        var refused = await Should.ThrowAsync<AssistantBackendException>(() => backend.StopAsync(Task2, "person-42"));

        server.Served(_key)[0].Body.GetProperty("user").GetString().ShouldBe("person-42");
        refused.Failure.Kind.ShouldBe(AssistantFailureKind.Refused);
        refused.Failure.HttpStatus.ShouldBe(401);
        refused.Message.ShouldNotContain(_key);
    }

    [Fact]
    public async Task A_backend_that_cannot_be_reached_is_unavailable_after_its_retries()
    {
        // A port nobody listens on: bind one, note it, close it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var backend = Backend(o =>
        {
            o.BaseUrl = new Uri($"http://127.0.0.1:{port}/v1");
            o.MaxRetries = 1;
        });

        var updates = await ReadAllAsync(backend.StreamAsync(Question()));

        var failure = updates.ShouldHaveSingleItem().ShouldBeOfType<AssistantFailure>();
        failure.Kind.ShouldBe(AssistantFailureKind.Unavailable);
        failure.Code.ShouldBe("connection_failed");
    }

    [Fact]
    public void Bad_options_and_requests_say_what_to_fix()
    {
        Should.Throw<ArgumentException>(() => new DifyBackend(new DifyBackendOptions { ApiKey = "" }, _http)).Message.ShouldContain("ApiKey");
        Should.Throw<ArgumentException>(() => new DifyBackend(new DifyBackendOptions { ApiKey = "app-x", BaseUrl = new Uri("ftp://x/v1") }, _http)).Message.ShouldContain("BaseUrl");
        Should.Throw<ArgumentException>(() => new DifyBackend(new DifyBackendOptions { ApiKey = "app-x", IdleTimeout = TimeSpan.Zero }, _http)).Message.ShouldContain("IdleTimeout");
        using var backend = Backend();
        Should.Throw<ArgumentException>(() => backend.StreamAsync(new AssistantRequest(" ", "person-42"))).Message.ShouldContain("Query");
        Should.Throw<ArgumentException>(() => backend.StreamAsync(new AssistantRequest("Hi", ""))).Message.ShouldContain("User");
        Should.Throw<ArgumentException>(() => backend.StreamAsync(new AssistantRequest("Hi", "person-42") { Inputs = new Dictionary<string, object?> { ["when"] = DateTime.UnixEpoch } }))
            .Message.ShouldContain("Inputs['when']");
    }
}
