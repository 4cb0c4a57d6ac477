using Larkway.Channels.Backends;
using Larkway.Channels.Backends.Dify;
using Larkway.Channels.Backends.Internal;
using Larkway.Channels.Tests.Backends.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Channels.Tests.Backends;

public sealed class DifyStreamReaderTests
{
    private const string Task1 = "900bbd43-dc0b-4383-a372-aa6e6c414227";
    private const string Message1 = "5ad4cb98-f0c7-4085-b384-88c403be6290";
    private const string Conversation1 = "45701982-8118-4bc5-8e9b-64562b4555f2";

    private static string Sse(params string[] data) => string.Concat(data.Select(d => $"data: {d}\n\n"));

    private static async Task<(List<AssistantUpdate> Updates, BackendFailureException? Failure)> ReadAllAsync(Stream body)
    {
        var updates = new List<AssistantUpdate>();
        try
        {
            await foreach (var update in DifyStreamReader.ReadAsync(body, "test", NullLogger.Instance, CancellationToken.None))
            {
                updates.Add(update);
            }
        }
        catch (BackendFailureException ex)
        {
            return (updates, ex);
        }

        return (updates, null);
    }

    private static string TextOf(IEnumerable<AssistantUpdate> updates) =>
        string.Concat(updates.OfType<AssistantTextDelta>().Select(d => d.Text));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    public async Task Events_split_across_network_reads_are_read_whole(int bytesPerRead)
    {
        // Multi-byte characters too: a read may end inside one.
        var body = new TrickleStream(Sse(
            DifyShapes.Message(Task1, Message1, Conversation1, " I"),
            DifyShapes.Message(Task1, Message1, Conversation1, "'m glad"),
            DifyShapes.Message(Task1, Message1, Conversation1, " 见到你 🙂"),
            DifyShapes.MessageEnd(Task1, Message1, Conversation1)), bytesPerRead);

        var (updates, failure) = await ReadAllAsync(body);

        failure.ShouldBeNull();
        body.Reads.ShouldBeGreaterThan(3);
        updates[0].ShouldBe(new AssistantAnswerStarted(Task1, Message1, Conversation1));
        TextOf(updates).ShouldBe(" I'm glad 见到你 🙂");
        var end = updates[^1].ShouldBeOfType<AssistantAnswerEnd>();
        end.ConversationId.ShouldBe(Conversation1);
        end.MessageId.ShouldBe(Message1);
        end.TaskId.ShouldBe(Task1);
        end.Usage.ShouldBe(new AssistantUsage(1033, 135, 1168));
    }

    [Fact]
    public async Task Crlf_line_endings_and_the_ping_event_line_are_read()
    {
        var text = ("event: ping\n\n" + Sse(DifyShapes.Message(Task1, Message1, Conversation1, "Hi")) + "event: ping\n\n" + Sse(DifyShapes.MessageEnd(Task1, Message1, Conversation1)))
            .Replace("\n", "\r\n", StringComparison.Ordinal);

        var (updates, failure) = await ReadAllAsync(new TrickleStream(text, 5));

        failure.ShouldBeNull();
        TextOf(updates).ShouldBe("Hi");
        updates[^1].ShouldBeOfType<AssistantAnswerEnd>();
    }

    [Fact]
    public async Task Unknown_events_pings_workflow_and_tts_events_are_ignored()
    {
        var body = new TrickleStream(Sse(
            DifyShapes.WorkflowStarted(Task1),
            DifyShapes.NodeStarted(Task1),
            """{"event": "ping"}""",
            """{"event": "iteration_started", "task_id": "x", "data": {"id": "i1"}}""",
            """{"event": "some_event_added_next_year", "answer": "not text"}""",
            """{"event": "agent_log", "status": "running", "position": "first", "metadata": [1, 2], "data": {"status": "started"}}""",
            DifyShapes.NodeFinished(Task1),
            DifyShapes.Message(Task1, Message1, Conversation1, "A"),
            DifyShapes.TtsMessage(Task1, Message1, Conversation1),
            DifyShapes.WorkflowFinished(Task1),
            DifyShapes.Message(Task1, Message1, Conversation1, "B"),
            DifyShapes.MessageEnd(Task1, Message1, Conversation1),
            DifyShapes.TtsMessage(Task1, Message1, Conversation1)), 64);

        var (updates, failure) = await ReadAllAsync(body);

        failure.ShouldBeNull();
        var visible = updates.Where(u => u is not AssistantKeepAlive).ToList();
        visible.Count.ShouldBe(4);
        visible[0].ShouldBeOfType<AssistantAnswerStarted>().TaskId.ShouldBe(Task1);
        TextOf(visible).ShouldBe("AB");
        visible[^1].ShouldBeOfType<AssistantAnswerEnd>();
    }

    [Fact]
    public async Task A_stream_that_ends_without_message_end_is_a_failure()
    {
        var body = new TrickleStream(Sse(
            DifyShapes.Message(Task1, Message1, Conversation1, "Half an ans")), 7);

        var (updates, failure) = await ReadAllAsync(body);

        TextOf(updates).ShouldBe("Half an ans");
        failure.ShouldNotBeNull();
        failure.Failure.Kind.ShouldBe(AssistantFailureKind.Unavailable);
        failure.Failure.Code.ShouldBe("stream_incomplete");
    }

    [Theory]
    [InlineData(400, "provider_quota_exceeded", AssistantFailureKind.Refused, false)]
    [InlineData(400, "invalid_param", AssistantFailureKind.Refused, false)]
    [InlineData(400, "completion_request_error", AssistantFailureKind.Unavailable, true)]
    [InlineData(500, "internal_server_error", AssistantFailureKind.Unavailable, true)]
    [InlineData(429, "rate_limit_error", AssistantFailureKind.RateLimited, true)]
    public async Task An_error_event_ends_the_stream_as_a_failure_of_its_kind(int status, string code, AssistantFailureKind kind, bool retryable)
    {
        var body = new TrickleStream(Sse(
            DifyShapes.Message(Task1, Message1, Conversation1, "Par"),
            DifyShapes.Error(Task1, Message1, status, code, "The model provider failed."),
            DifyShapes.Message(Task1, Message1, Conversation1, "never read")), 11);

        var (updates, failure) = await ReadAllAsync(body);

        TextOf(updates).ShouldBe("Par");
        failure.ShouldNotBeNull();
        failure.Failure.ShouldBe(new AssistantFailure(kind, code, "The model provider failed.", status));
        failure.Retryable.ShouldBe(retryable);
    }

    [Fact]
    public async Task Message_replace_replaces_the_answer_and_message_file_is_reported()
    {
        var body = new TrickleStream(Sse(
            DifyShapes.Message(Task1, Message1, Conversation1, "Something flagged"),
            DifyShapes.MessageReplace(Task1, Message1, Conversation1, "Sorry, I can't talk about that."),
            DifyShapes.MessageFile(Conversation1, "file-1", "https://files.example/cat.png"),
            DifyShapes.MessageEndWithIdOnly(Message1, Conversation1)), 40);

        var (updates, failure) = await ReadAllAsync(body);

        failure.ShouldBeNull();
        updates.OfType<AssistantAnswerReplaced>().Single().Text.ShouldBe("Sorry, I can't talk about that.");
        updates.OfType<AssistantAnswerFile>().Single().ShouldBe(new AssistantAnswerFile("file-1", "image", "https://files.example/cat.png"));
        var end = updates[^1].ShouldBeOfType<AssistantAnswerEnd>();
        end.MessageId.ShouldBe(Message1);
        end.TaskId.ShouldBe(Task1);
    }

    [Fact]
    public async Task Agent_thoughts_are_compact_tool_steps_once_each()
    {
        var longThought = new string('x', 500);
        var body = new TrickleStream(Sse(
            DifyShapes.AgentThought(Task1, Message1, Conversation1, 1, "", "", ""),
            DifyShapes.AgentThought(Task1, Message1, Conversation1, 1, "I should look the weather up", "weather", """{"weather": {"city": "Hangzhou"}}""", "sunny, 21°C"),
            DifyShapes.AgentThought(Task1, Message1, Conversation1, 1, "I should look the weather up", "weather", """{"weather": {"city": "Hangzhou"}}""", "sunny, 21°C"),
            DifyShapes.AgentThought(Task1, Message1, Conversation1, 2, longThought, "dalle3;search"),
            DifyShapes.AgentMessage(Task1, Message1, Conversation1, "It is sunny."),
            DifyShapes.AgentThought(Task1, Message1, Conversation1, 3, "It is sunny.", ""),
            DifyShapes.MessageEnd(Task1, Message1, Conversation1)), 64);

        var (updates, failure) = await ReadAllAsync(body);

        failure.ShouldBeNull();
        var thoughts = updates.OfType<AssistantThought>().ToList();
        thoughts.Count.ShouldBe(2);
        thoughts[0].ShouldBe(new AssistantThought("weather", "I should look the weather up", 1));
        thoughts[1].Tool.ShouldBe("dalle3;search");
        thoughts[1].Thought.Length.ShouldBe(AssistantThought.MaxThoughtLength);
        thoughts[1].Thought.ShouldEndWith("…");
        TextOf(updates).ShouldBe("It is sunny.");
    }

    [Fact]
    public async Task A_known_event_whose_fields_do_not_parse_fails_the_stream()
    {
        var body = new TrickleStream(Sse(DifyShapes.Message(Task1, Message1, Conversation1, "A"), """{"event": "message", "answer": ["not", "text"]}"""), 9);

        var (updates, failure) = await ReadAllAsync(body);

        TextOf(updates).ShouldBe("A");
        failure.ShouldNotBeNull();
        failure.Failure.Code.ShouldBe("stream_malformed");
    }

    [Fact]
    public async Task A_chunk_that_is_not_json_fails_the_stream()
    {
        var body = new TrickleStream(Sse(DifyShapes.Message(Task1, Message1, Conversation1, "A"), "{\"event\": \"message\", \"answer\": \"B"), 9);

        var (updates, failure) = await ReadAllAsync(body);

        TextOf(updates).ShouldBe("A");
        failure.ShouldNotBeNull();
        failure.Failure.Code.ShouldBe("stream_malformed");
    }
}
