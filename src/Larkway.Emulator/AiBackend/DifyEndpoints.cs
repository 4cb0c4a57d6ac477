using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// Dify's chat app service API (Dify's <c>template_chat</c> API reference): <c>POST {prefix}/chat-messages</c> in blocking
/// or streaming mode and <c>POST {prefix}/chat-messages/{task_id}/stop</c>. Errors are Dify's
/// <c>{"code", "message", "status"}</c>. Streams are <c>data: {json}</c> events with the event name inside the JSON.
/// </summary>
internal static class DifyEndpoints
{
    public const string Backend = "dify";

    public static void MapDifyEndpoints(this IEndpointRouteBuilder routes, AiBackendOptions options)
    {
        var dify = routes.MapGroup(options.DifyPrefix);
        dify.MapPost("chat-messages", ChatAsync);
        dify.MapPost("chat-messages/{taskId}/stop", StopAsync);
        dify.MapPost("files/upload", UploadAsync);
    }

    /// <summary>
    /// <c>POST files/upload</c>, multipart: one <c>file</c> and the <c>user</c> it is for; 201 with the file's id, name,
    /// size, extension and mime_type. No file is 400 <c>no_file_uploaded</c>, two are <c>too_many_files</c>, one above the
    /// kind's limit 413 <c>file_too_large</c>.
    /// </summary>
    private static async Task UploadAsync(HttpContext context, AiBackendService backend)
    {
        var ct = context.RequestAborted;
        var key = AiWire.BearerKey(context.Request);
        IFormCollection? form;
        try
        {
            form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(ct) : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A multipart body that cannot be read holds no file Dify could take.
            form = null;
        }

        var user = form?["user"].FirstOrDefault();
        var file = form?.Files.GetFile("file");
        var record = backend.Record(Backend, "upload", string.Empty, user, null, null, false, null, [], null);
        if (!AiWire.Admits(backend.Options.AdmittedDifyKeys, key))
        {
            record.Outcome = "unauthorized";
            await ErrorAsync(context, 401, "unauthorized", key is null ? "Authorization header must be provided and start with 'Bearer'" : "Access token is invalid");
            return;
        }

        var invalid = file is null ? (400, "no_file_uploaded", "Please upload your file.")
            : form!.Files.Count > 1 ? (400, "too_many_files", "Only one file is allowed.")
            : string.IsNullOrWhiteSpace(user) ? (400, "invalid_param", "user is required")
            : string.IsNullOrWhiteSpace(file.FileName) ? (400, "filename_not_exists_error", "The specified filename does not exist.")
            : file.Length > DifyFiles.LimitFor(file.FileName) ? (413, "file_too_large", $"File size exceeded. {file.Length} > {DifyFiles.LimitFor(file.FileName)}")
            : ((int, string, string)?)null;
        if (invalid is { } bad)
        {
            record.Outcome = "invalid";
            await ErrorAsync(context, bad.Item1, bad.Item2, bad.Item3);
            return;
        }

        using var buffer = new MemoryStream();
        await file!.CopyToAsync(buffer, ct);
        var stored = backend.Files.Add(DifyConversations.AppOf(key!), user!, file.FileName, file.ContentType ?? "application/octet-stream", buffer.ToArray(), backend.Clock.GetUtcNow().ToUnixTimeSeconds());
        record.Files = [stored.Describe("upload")];
        record.Outcome = "completed";
        await AiWire.WriteJsonAsync(context.Response, 201, new
        {
            id = stored.Id,
            name = stored.Name,
            size = stored.Size,
            extension = stored.Extension,
            mime_type = stored.MimeType,
            created_by = stored.User,
            created_at = stored.CreatedAt,
        }, ct);
    }

    /// <summary>The chat request's <c>files</c>, each named for the answer; or what is wrong with them.</summary>
    private static (IReadOnlyList<string> Files, string? Error) ReadFiles(JsonElement request, AiBackendService backend, string app, string user)
    {
        if (!request.TryGetProperty("files", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return ([], null);
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            return ([], "files must be a list");
        }

        var named = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            var type = item.ValueKind == JsonValueKind.Object ? AiWire.String(item, "type") : null;
            var method = item.ValueKind == JsonValueKind.Object ? AiWire.String(item, "transfer_method") : null;
            if (type is not ("image" or "document" or "audio" or "video" or "custom"))
            {
                return ([], $"files[{named.Count}].type must be image, document, audio, video or custom");
            }

            switch (method)
            {
                case "local_file":
                    if (AiWire.String(item, "upload_file_id") is not { } id || backend.Files.Find(id, app, user) is not { } uploaded)
                    {
                        return ([], $"files[{named.Count}].upload_file_id is not a file this user uploaded to this app");
                    }

                    named.Add(uploaded.Describe(type));
                    break;
                case "remote_url":
                    if (!Uri.TryCreate(AiWire.String(item, "url"), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        return ([], $"files[{named.Count}].url must be an absolute http(s) URL");
                    }

                    named.Add($"{url.Segments[^1]} ({type}, by URL)");
                    break;
                default:
                    return ([], $"files[{named.Count}].transfer_method must be local_file or remote_url");
            }
        }

        return (named, null);
    }

    private static async Task ChatAsync(HttpContext context, AiBackendService backend)
    {
        var ct = context.RequestAborted;
        var body = await AiWire.ReadBodyAsync(context.Request, ct);
        var json = AiWire.ParseObject(body);
        var key = AiWire.BearerKey(context.Request);
        var query = json is { } j ? AiWire.String(j, "query") : null;
        var user = json is { } k ? AiWire.String(k, "user") : null;
        var conversationId = json is { } c ? AiWire.String(c, "conversation_id") : null;
        var mode = json is { } m ? AiWire.String(m, "response_mode") : null;
        var record = backend.Record(Backend, "chat", body, user, query, conversationId, mode == "streaming", null, [], json is { } i && i.TryGetProperty("inputs", out var inputs) ? inputs.Clone() : null);

        if (!AiWire.Admits(backend.Options.AdmittedDifyKeys, key))
        {
            record.Outcome = "unauthorized";
            await ErrorAsync(context, 401, "unauthorized", key is null ? "Authorization header must be provided and start with 'Bearer'" : "Access token is invalid");
            return;
        }

        var (files, filesError) = json is { } f && key is not null && !string.IsNullOrWhiteSpace(user) ? ReadFiles(f, backend, DifyConversations.AppOf(key), user) : ([], null);
        record.Files = files;
        var invalid = json is not { } request ? "The request body must be a JSON object."
            : string.IsNullOrWhiteSpace(query) ? "query is required"
            : string.IsNullOrWhiteSpace(user) ? "user is required"
            : mode is not (null or "blocking" or "streaming") ? "response_mode must be blocking or streaming"
            : request.TryGetProperty("inputs", out var given) && given.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null) ? "inputs must be an object"
            : !string.IsNullOrEmpty(conversationId) && !Guid.TryParse(conversationId, out _) ? "conversation_id is not a valid uuid"
            : filesError;
        if (invalid is not null)
        {
            record.Outcome = "invalid";
            await ErrorAsync(context, 400, "invalid_param", invalid);
            return;
        }

        var settings = backend.Settings.Current;
        if (mode != "streaming" && settings.DifyMode == DifyMode.Agent)
        {
            record.Outcome = "invalid";
            await ErrorAsync(context, 400, "bad_request", "Agent Chat App does not support blocking mode");
            return;
        }

        var app = DifyConversations.AppOf(key!);
        DifyConversation? conversation;
        if (string.IsNullOrEmpty(conversationId))
        {
            conversation = null;
        }
        else if ((conversation = backend.Conversations.Continue(conversationId, app, user!)) is null)
        {
            record.Outcome = "not_found";
            await ErrorAsync(context, 404, "not_found", "Conversation Not Exists.");
            return;
        }

        var faults = backend.Faults.Take(Backend);
        if (await backend.RefuseAsync(context, record, faults, RefuseAsync))
        {
            return;
        }

        conversation ??= backend.Conversations.Start(app, user!, backend.Clock.GetUtcNow());
        var answer = FakeAnswer.Compose(query!, settings.AnswerWords, conversation.Turns, files);
        var task = backend.Tasks.Begin(app, user!);
        record.TaskId = task.TaskId;
        try
        {
            var turn = new DifyTurn(task, conversation.Id, Guid.NewGuid().ToString(), backend.Clock.GetUtcNow().ToUnixTimeSeconds(), FakeAnswer.CountTokens(query!), backend.Clock.GetUtcNow());
            using var stopOrAbort = CancellationTokenSource.CreateLinkedTokenSource(ct, task.Stopped, backend.Stopping);
            if (mode == "streaming")
            {
                await StreamAsync(context, backend, record, faults, settings, answer, turn, stopOrAbort.Token);
            }
            else
            {
                await BlockingAsync(context, backend, record, faults, settings, answer, turn, stopOrAbort.Token);
            }
        }
        finally
        {
            backend.Tasks.End(task);
        }
    }

    private sealed record DifyTurn(DifyTask Task, string ConversationId, string MessageId, long CreatedAt, int PromptTokens, DateTimeOffset Started);

    private static async Task StreamAsync(HttpContext context, AiBackendService backend, AiRequestRecord record, AiFaultSet faults, AiSettingsView settings, string answer, DifyTurn turn, CancellationToken ct)
    {
        var sse = new SseWriter(context.Response, backend.Clock, backend.Options.PingInterval);
        var agent = settings.DifyMode == DifyMode.Agent;
        var tokens = FakeAnswer.Tokens(answer);
        try
        {
            await sse.StartAsync(ct);
            if (agent)
            {
                await sse.WriteAsync(Thought(turn, record.Query!, string.Empty), ct);
            }

            var finished = await FakeGeneration.RunAsync(tokens, faults, settings, record, sse.WaitAsync, (token, c) => sse.WriteAsync(new Dictionary<string, object?>
            {
                ["event"] = agent ? "agent_message" : "message",
                ["task_id"] = turn.Task.TaskId,
                ["id"] = turn.MessageId,
                ["message_id"] = turn.MessageId,
                ["conversation_id"] = turn.ConversationId,
                ["answer"] = token,
                ["created_at"] = turn.CreatedAt,
            }, c), ct);
            if (!finished)
            {
                await sse.WriteAsync(new Dictionary<string, object?>
                {
                    ["event"] = "error",
                    ["task_id"] = turn.Task.TaskId,
                    ["message_id"] = turn.MessageId,
                    ["conversation_id"] = turn.ConversationId,
                    ["status"] = 400,
                    ["code"] = "completion_request_error",
                    ["message"] = "The fake model failed mid-stream (an injected fault).",
                }, ct);
                return;
            }

            if (agent)
            {
                await sse.WriteAsync(Thought(turn, record.Query!, answer), ct);
            }

            if (faults.Of(AiFaultKind.Moderation) is { } moderation)
            {
                await sse.WriteAsync(new Dictionary<string, object?>
                {
                    ["event"] = "message_replace",
                    ["task_id"] = turn.Task.TaskId,
                    ["message_id"] = turn.MessageId,
                    ["conversation_id"] = turn.ConversationId,
                    ["answer"] = moderation.Answer ?? "The answer was withheld by content moderation.",
                    ["created_at"] = turn.CreatedAt,
                }, ct);
            }

            record.Outcome = "completed";
            await sse.WriteAsync(End(turn, backend, record.TokensSent), ct);
        }
        catch (OperationCanceledException) when (turn.Task.Stopped.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // Stopped by POST …/stop: Dify ends the stream as a finished message with what was generated so far.
            record.Outcome = "stopped";
            await sse.WriteAsync(End(turn, backend, record.TokensSent), context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || backend.Stopping.IsCancellationRequested)
        {
            record.Outcome = record.Outcome == "hung" ? "hung" : "aborted";
        }
    }

    private static async Task BlockingAsync(HttpContext context, AiBackendService backend, AiRequestRecord record, AiFaultSet faults, AiSettingsView settings, string answer, DifyTurn turn, CancellationToken ct)
    {
        var tokens = FakeAnswer.Tokens(answer);
        try
        {
            if (!await FakeGeneration.RunAsync(tokens, faults, settings, record, (delay, c) => Task.Delay(delay, backend.Clock, c), (_, _) => Task.CompletedTask, ct))
            {
                await ErrorAsync(context, 400, "completion_request_error", "The fake model failed mid-answer (an injected fault).");
                return;
            }

            record.Outcome = "completed";
        }
        catch (OperationCanceledException) when (turn.Task.Stopped.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            record.Outcome = "stopped";
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || backend.Stopping.IsCancellationRequested)
        {
            record.Outcome = record.Outcome == "hung" ? "hung" : "aborted";
            return;
        }

        var text = faults.Of(AiFaultKind.Moderation) is { } moderation
            ? moderation.Answer ?? "The answer was withheld by content moderation."
            : string.Concat(tokens.Take(record.TokensSent));
        await AiWire.WriteJsonAsync(context.Response, 200, new Dictionary<string, object?>
        {
            ["event"] = "message",
            ["task_id"] = turn.Task.TaskId,
            ["id"] = turn.MessageId,
            ["message_id"] = turn.MessageId,
            ["conversation_id"] = turn.ConversationId,
            ["mode"] = "chat",
            ["answer"] = text,
            ["metadata"] = Metadata(turn, backend, record.TokensSent),
            ["created_at"] = turn.CreatedAt,
        }, context.RequestAborted);
    }

    private static Dictionary<string, object?> Thought(DifyTurn turn, string query, string thought) => new()
    {
        ["event"] = "agent_thought",
        ["id"] = turn.MessageId + (thought.Length == 0 ? "-t1" : "-t2"),
        ["task_id"] = turn.Task.TaskId,
        ["message_id"] = turn.MessageId,
        ["position"] = thought.Length == 0 ? 1 : 2,
        ["thought"] = thought,
        ["observation"] = thought.Length == 0 ? "1 result" : string.Empty,
        ["tool"] = thought.Length == 0 ? "fake_search" : string.Empty,
        ["tool_labels"] = new Dictionary<string, object?>(),
        ["tool_input"] = thought.Length == 0 ? JsonSerializer.Serialize(new Dictionary<string, object> { ["fake_search"] = new Dictionary<string, string> { ["query"] = query } }, SseWriter.Json) : string.Empty,
        ["created_at"] = turn.CreatedAt,
        ["message_files"] = Array.Empty<string>(),
        ["conversation_id"] = turn.ConversationId,
    };

    private static Dictionary<string, object?> End(DifyTurn turn, AiBackendService backend, int completionTokens) => new()
    {
        ["event"] = "message_end",
        ["task_id"] = turn.Task.TaskId,
        ["id"] = turn.MessageId,
        ["message_id"] = turn.MessageId,
        ["conversation_id"] = turn.ConversationId,
        ["metadata"] = Metadata(turn, backend, completionTokens),
    };

    private static Dictionary<string, object?> Metadata(DifyTurn turn, AiBackendService backend, int completionTokens) => new()
    {
        ["usage"] = new Dictionary<string, object?>
        {
            ["prompt_tokens"] = turn.PromptTokens,
            ["prompt_unit_price"] = "0",
            ["prompt_price_unit"] = "0.001",
            ["prompt_price"] = "0",
            ["completion_tokens"] = completionTokens,
            ["completion_unit_price"] = "0",
            ["completion_price_unit"] = "0.001",
            ["completion_price"] = "0",
            ["total_tokens"] = turn.PromptTokens + completionTokens,
            ["total_price"] = "0",
            ["currency"] = "USD",
            ["latency"] = Math.Round((backend.Clock.GetUtcNow() - turn.Started).TotalSeconds, 6),
        },
        ["retriever_resources"] = Array.Empty<object>(),
    };

    private static async Task<bool> RefuseAsync(HttpContext context, AiRequestRecord record, AiFaultSet faults)
    {
        if (faults.Of(AiFaultKind.RateLimit) is { } limit)
        {
            record.Outcome = "rate_limited";
            context.Response.Headers.RetryAfter = limit.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(context, 429, "too_many_requests", "Too many requests. Please try again later.");
            return true;
        }

        if (faults.Of(AiFaultKind.ServerError) is { } server)
        {
            record.Outcome = "server_error";
            await ErrorAsync(context, server.Status, "internal_server_error", "The server encountered an internal error and was unable to complete your request.");
            return true;
        }

        return false;
    }

    private static async Task StopAsync(string taskId, HttpContext context, AiBackendService backend)
    {
        var ct = context.RequestAborted;
        var body = await AiWire.ReadBodyAsync(context.Request, ct);
        var json = AiWire.ParseObject(body);
        var key = AiWire.BearerKey(context.Request);
        var user = json is { } j ? AiWire.String(j, "user") : null;
        var record = backend.Record(Backend, "stop", body, user, null, null, false, null, [], null);
        record.TaskId = taskId;
        if (!AiWire.Admits(backend.Options.AdmittedDifyKeys, key))
        {
            record.Outcome = "unauthorized";
            await ErrorAsync(context, 401, "unauthorized", key is null ? "Authorization header must be provided and start with 'Bearer'" : "Access token is invalid");
            return;
        }

        if (string.IsNullOrWhiteSpace(user))
        {
            record.Outcome = "invalid";
            await ErrorAsync(context, 400, "invalid_param", "user is required");
            return;
        }

        // Dify answers success whether or not the task was running for that user; it only stops the asker's own task.
        record.Outcome = backend.Tasks.Stop(taskId, DifyConversations.AppOf(key!), user) ? "stopped" : "completed";
        await AiWire.WriteJsonAsync(context.Response, 200, new { result = "success" }, ct);
    }

    public static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        AiWire.WriteJsonAsync(context.Response, status, new { code, message, status }, context.RequestAborted);
}
