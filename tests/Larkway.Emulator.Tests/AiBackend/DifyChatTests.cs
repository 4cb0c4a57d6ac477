using System.Text.Json;

namespace Larkway.Emulator.Tests.AiBackend;

public sealed class DifyChatTests(AiBackendFixture fixture) : IClassFixture<AiBackendFixture>, IAsyncLifetime
{
    private HttpClient Http => fixture.Http;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Ask(string query, string user, string mode = "streaming", string? conversationId = null) =>
        new { query, user, response_mode = mode, conversation_id = conversationId ?? string.Empty, inputs = new { } };

    private Task<HttpResponseMessage> ChatAsync(object body, string? key = AiHttp.DifyKey, CancellationToken cancellationToken = default) =>
        AiHttp.PostAsync(Http, "/dify/v1/chat-messages", body, key, cancellationToken);

    [Fact]
    public async Task A_stream_is_data_only_events_whose_chunks_make_the_blocking_answer_and_end_with_usage()
    {
        using var streamed = await ChatAsync(Ask("How do I reset my password [PHONE_1]?", "u-stream"));
        var events = await AiHttp.DifyEventsAsync(streamed);
        using var blocking = await ChatAsync(Ask("How do I reset my password [PHONE_1]?", "u-stream", "blocking"));
        var whole = await AiHttp.JsonAsync(blocking);

        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var messages = events.Where(e => e.Event() == "message").ToList();
        Assert.True(messages.Count > AiBackendFixture.Words);
        Assert.Equal("message_end", events[^1].Event());
        Assert.Equal(events.Count - 1, messages.Count);
        var answer = string.Concat(messages.Select(e => e.Str("answer")));
        Assert.Equal(whole.Str("answer"), answer);
        Assert.Contains("[PHONE_1]", answer, StringComparison.Ordinal);
        Assert.StartsWith("You asked: How do I reset my password [PHONE_1]?", answer, StringComparison.Ordinal);
        Assert.Single(messages.Select(e => e.Str("task_id")).Distinct());
        Assert.Single(messages.Select(e => e.Str("conversation_id")).Append(events[^1].Str("conversation_id")).Distinct());
        var usage = events[^1].GetProperty("metadata").GetProperty("usage");
        Assert.Equal(messages.Count, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + messages.Count, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal("message", whole.Str("event"));
        Assert.Equal("chat", whole.Str("mode"));
        Assert.Equal(messages.Count, whole.GetProperty("metadata").GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_conversation_continues_for_its_user_only()
    {
        using var first = await ChatAsync(Ask("first question", "alice", "blocking"));
        var conversationId = (await AiHttp.JsonAsync(first)).Str("conversation_id");
        using var second = await ChatAsync(Ask("second question", "alice", "blocking", conversationId));
        using var stranger = await ChatAsync(Ask("second question", "mallory", "blocking", conversationId));
        using var unknown = await ChatAsync(Ask("q", "alice", "blocking", Guid.NewGuid().ToString()));
        using var otherApp = await ChatAsync(Ask("q", "alice", "blocking", conversationId), "app-not-the-one");

        var continued = await AiHttp.JsonAsync(second);
        Assert.Equal(conversationId, continued.Str("conversation_id"));
        Assert.StartsWith("(turn 2) You asked: second question.", continued.Str("answer"), StringComparison.Ordinal);
        foreach (var refused in new[] { stranger, unknown })
        {
            Assert.Equal(404, (int)refused.StatusCode);
            var body = await AiHttp.JsonAsync(refused);
            Assert.Equal("not_found", body.Str("code"));
            Assert.Equal("Conversation Not Exists.", body.Str("message"));
            Assert.Equal(404, body.GetProperty("status").GetInt32());
        }

        Assert.Equal(401, (int)otherApp.StatusCode);
    }

    [Theory]
    [InlineData(null, "Authorization header must be provided and start with 'Bearer'")]
    [InlineData("app-wrong", "Access token is invalid")]
    public async Task A_missing_or_wrong_app_key_is_401(string? key, string message)
    {
        using var response = await ChatAsync(Ask("q", "u-auth"), key);

        Assert.Equal(401, (int)response.StatusCode);
        var body = await AiHttp.JsonAsync(response);
        Assert.Equal("unauthorized", body.Str("code"));
        Assert.Equal(message, body.Str("message"));
    }

    [Theory]
    [InlineData("{\"user\":\"u\",\"response_mode\":\"blocking\"}", "query is required")]
    [InlineData("{\"query\":\"q\",\"response_mode\":\"blocking\"}", "user is required")]
    [InlineData("{\"query\":\"q\",\"user\":\"u\",\"response_mode\":\"fast\"}", "response_mode must be blocking or streaming")]
    [InlineData("{\"query\":\"q\",\"user\":\"u\",\"conversation_id\":\"nope\"}", "conversation_id is not a valid uuid")]
    [InlineData("[1]", "The request body must be a JSON object.")]
    public async Task Bad_parameters_are_400_invalid_param_naming_what_to_fix(string body, string message)
    {
        using var response = await ChatAsync(body);

        Assert.Equal(400, (int)response.StatusCode);
        var error = await AiHttp.JsonAsync(response);
        Assert.Equal("invalid_param", error.Str("code"));
        Assert.Equal(message, error.Str("message"));
    }

    [Fact]
    public async Task Stop_ends_the_askers_stream_with_message_end_and_only_theirs()
    {
        using var slow = await AiHttp.PutAsync(Http, "/_emulator/ai/settings", new { tokens_per_second = 20, answer_words = 400 });
        using var response = await ChatAsync(Ask("a long story", "u-stop"));
        await using var events = AiHttp.EventsAsync(response).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        var taskId = JsonDocument.Parse(events.Current).RootElement.Str("task_id");

        using var notTheirs = await AiHttp.PostAsync(Http, $"/dify/v1/chat-messages/{taskId}/stop", new { user = "someone-else" }, AiHttp.DifyKey);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("message", JsonDocument.Parse(events.Current).RootElement.Event());
        using var stop = await AiHttp.PostAsync(Http, $"/dify/v1/chat-messages/{taskId}/stop", new { user = "u-stop" }, AiHttp.DifyKey);
        var rest = new List<JsonElement>();
        while (await events.MoveNextAsync())
        {
            rest.Add(JsonDocument.Parse(events.Current).RootElement.Clone());
        }

        Assert.Equal("success", (await AiHttp.JsonAsync(notTheirs)).Str("result"));
        Assert.Equal("success", (await AiHttp.JsonAsync(stop)).Str("result"));
        Assert.Equal("message_end", rest[^1].Event());
        var record = (await AiHttp.RequestsAsync(Http, "dify")).Last(r => r.Str("operation") == "chat" && r.Str("user") == "u-stop");
        Assert.Equal("stopped", record.Str("outcome"));
        Assert.True(record.GetProperty("tokens_sent").GetInt32() < 400);
        Assert.Equal(record.GetProperty("tokens_sent").GetInt32(), rest[^1].GetProperty("metadata").GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Stop_needs_the_app_key_and_a_user()
    {
        using var noKey = await AiHttp.PostAsync(Http, "/dify/v1/chat-messages/t1/stop", new { user = "u" });
        using var noUser = await AiHttp.PostAsync(Http, "/dify/v1/chat-messages/t1/stop", new { }, AiHttp.DifyKey);

        Assert.Equal(401, (int)noKey.StatusCode);
        Assert.Equal(400, (int)noUser.StatusCode);
        Assert.Equal("user is required", (await AiHttp.JsonAsync(noUser)).Str("message"));
    }

    [Fact]
    public async Task Every_request_is_kept_with_its_query_user_conversation_and_body()
    {
        (await Http.DeleteAsync("/_emulator/ai/requests")).EnsureSuccessStatusCode();
        using var first = await ChatAsync(Ask("call me at [PHONE_1]", "u-log", "blocking"));
        var conversationId = (await AiHttp.JsonAsync(first)).Str("conversation_id");
        using var second = await ChatAsync(Ask("and again", "u-log", "blocking", conversationId));

        var records = await AiHttp.RequestsAsync(Http, "dify");
        Assert.Equal(2, records.Count);
        Assert.Equal("call me at [PHONE_1]", records[0].Str("query"));
        Assert.Equal("u-log", records[0].Str("user"));
        Assert.False(records[0].TryGetProperty("conversation_id", out var none) && none.ValueKind == JsonValueKind.String);
        Assert.Equal(conversationId, records[1].Str("conversation_id"));
        Assert.Contains("\"and again\"", records[1].Str("body"), StringComparison.Ordinal);
        Assert.All(records, r => Assert.Equal("completed", r.Str("outcome")));
        Assert.DoesNotContain(AiHttp.DifyKey, JsonSerializer.Serialize(records), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_set_the_answer_length_and_refuse_nonsense()
    {
        using var set = await AiHttp.PutAsync(Http, "/_emulator/ai/settings", new { answer_words = 3 });
        using var short1 = await ChatAsync(Ask("hello", "u-settings", "blocking"));
        using var bad = await AiHttp.PutAsync(Http, "/_emulator/ai/settings", new { tokens_per_second = 0 });

        var answer = (await AiHttp.JsonAsync(short1)).Str("answer");
        Assert.Equal(3, answer["You asked: hello.".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("tokens_per_second", (await AiHttp.JsonAsync(bad)).Str("error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_app_streams_thoughts_and_agent_messages_and_refuses_blocking()
    {
        using var agent = await AiHttp.PutAsync(Http, "/_emulator/ai/settings", new { dify_mode = "agent" });
        using var response = await ChatAsync(Ask("look it up", "u-agent"));
        var events = await AiHttp.DifyEventsAsync(response);
        using var blocking = await ChatAsync(Ask("look it up", "u-agent", "blocking"));

        Assert.Equal("agent_thought", events[0].Event());
        Assert.Equal("fake_search", events[0].Str("tool"));
        Assert.Contains("look it up", events[0].Str("tool_input"), StringComparison.Ordinal);
        var chunks = events.Where(e => e.Event() == "agent_message").Select(e => e.Str("answer")).ToList();
        Assert.DoesNotContain(events, e => e.Event() == "message");
        Assert.Equal(string.Concat(chunks), events[^2].Str("thought"));
        Assert.Equal("message_end", events[^1].Event());
        Assert.Equal(400, (int)blocking.StatusCode);
    }
}
