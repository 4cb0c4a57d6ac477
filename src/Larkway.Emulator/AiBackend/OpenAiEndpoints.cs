using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// OpenAI's chat completions (<c>POST {prefix}/chat/completions</c>) as the official SDKs read it: a
/// <c>chat.completion</c>, or with <c>stream: true</c> <c>chat.completion.chunk</c> events (<c>choices[].delta</c>, a last
/// chunk with <c>finish_reason</c>, usage on a final chunk with empty <c>choices</c> when
/// <c>stream_options.include_usage</c>) ended by <c>data: [DONE]</c>. Errors are OpenAI's
/// <c>{"error": {"message", "type", "param", "code"}}</c>, in the body or, mid-stream, as a <c>data:</c> event.
/// </summary>
internal static class OpenAiEndpoints
{
    public const string Backend = "openai";

    private const string Fingerprint = "fp_larkway_fake";

    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "function"];

    public static void MapOpenAiEndpoints(this IEndpointRouteBuilder routes, AiBackendOptions options)
    {
        var openAi = routes.MapGroup(options.OpenAiPrefix);
        openAi.MapPost("chat/completions", CompleteAsync);
    }

    private static async Task CompleteAsync(HttpContext context, AiBackendService backend)
    {
        var ct = context.RequestAborted;
        var body = await AiWire.ReadBodyAsync(context.Request, ct);
        var json = AiWire.ParseObject(body);
        var key = AiWire.BearerKey(context.Request);
        var (messages, messagesError) = json is { } j ? ReadMessages(j) : ([], null);
        var stream = json is { } s && s.TryGetProperty("stream", out var streamValue) && streamValue.ValueKind == JsonValueKind.True;
        var model = json is { } m ? AiWire.String(m, "model") : null;
        var asked = messages.LastOrDefault(x => x.Role == "user");
        var question = asked?.Content;
        var record = backend.Record(Backend, "chat", body, json is { } u ? AiWire.String(u, "user") : null, question, null, stream, model, messages, null);

        if (!AiWire.Admits(backend.Options.AdmittedOpenAiKeys, key))
        {
            record.Outcome = "unauthorized";
            await ErrorAsync(context, 401, key is null ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." : "Incorrect API key provided.", "invalid_request_error", null, key is null ? null : "invalid_api_key");
            return;
        }

        int? maxTokens = null;
        (string Message, string Param)? invalid = json is not { } request ? ("We could not parse the JSON body of your request. Send a JSON object.", "body")
            : string.IsNullOrWhiteSpace(model) ? ("you must provide a model parameter", "model")
            : messagesError is not null ? (messagesError, "messages")
            : question is null ? ("messages must contain at least one message with role 'user'", "messages")
            : ReadMaxTokens(request, out maxTokens) is { } maxError ? (maxError, "max_completion_tokens")
            : request.TryGetProperty("n", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt32() != 1 ? ("the fake backend answers n = 1 only", "n")
            : null;
        if (invalid is { } bad)
        {
            record.Outcome = "invalid";
            await ErrorAsync(context, 400, bad.Message, "invalid_request_error", bad.Param, null);
            return;
        }

        var faults = backend.Faults.Take(Backend);
        if (await backend.RefuseAsync(context, record, faults, RefuseAsync))
        {
            return;
        }

        var settings = backend.Settings.Current;
        var turn = messages.Count(x => x.Role == "user");
        record.Files = asked!.Images;
        var tokens = FakeAnswer.Tokens(FakeAnswer.Compose(question!, settings.AnswerWords, turn, asked.Images));
        var finish = "stop";
        if (maxTokens is { } max && max < tokens.Count)
        {
            tokens = [.. tokens.Take(max)];
            finish = "length";
        }

        var includeUsage = json!.Value.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True;
        var completion = new Completion(
            "chatcmpl-" + Guid.NewGuid().ToString("N")[..24],
            backend.Clock.GetUtcNow().ToUnixTimeSeconds(),
            model!,
            messages.Sum(x => FakeAnswer.CountTokens(x.Content)),
            includeUsage);
        if (stream)
        {
            await StreamAsync(context, backend, record, faults, settings, tokens, finish, completion);
        }
        else
        {
            await BlockingAsync(context, backend, record, faults, settings, tokens, finish, completion);
        }
    }

    private sealed record Completion(string Id, long Created, string Model, int PromptTokens, bool IncludeUsage);

    private static async Task StreamAsync(HttpContext context, AiBackendService backend, AiRequestRecord record, AiFaultSet faults, AiSettingsView settings, IReadOnlyList<string> tokens, string finish, Completion completion)
    {
        using var abortOrStop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, backend.Stopping);
        var ct = abortOrStop.Token;
        var sse = new SseWriter(context.Response, backend.Clock, pingInterval: null);
        try
        {
            await sse.StartAsync(ct);
            var finished = await FakeGeneration.RunAsync(
                tokens,
                faults,
                settings,
                record,
                sse.WaitAsync,
                (token, c) => sse.WriteAsync(Chunk(completion, new Dictionary<string, object?> { ["content"] = token }, null), c),
                ct,
                started: c => sse.WriteAsync(Chunk(completion, new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = string.Empty, ["refusal"] = null }, null), c));
            if (!finished)
            {
                await sse.WriteAsync(ErrorBody("The server had an error while processing your request. Sorry about that! (an injected fault)", "server_error", null, null), ct);
                return;
            }

            await sse.WriteAsync(Chunk(completion, new Dictionary<string, object?>(), finish), ct);
            if (completion.IncludeUsage)
            {
                await sse.WriteAsync(new Dictionary<string, object?>
                {
                    ["id"] = completion.Id,
                    ["object"] = "chat.completion.chunk",
                    ["created"] = completion.Created,
                    ["model"] = completion.Model,
                    ["system_fingerprint"] = Fingerprint,
                    ["choices"] = Array.Empty<object>(),
                    ["usage"] = Usage(completion, record.TokensSent),
                }, ct);
            }

            await sse.WriteRawAsync("[DONE]", ct);
            record.Outcome = "completed";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            record.Outcome = record.Outcome == "hung" ? "hung" : "aborted";
        }
    }

    private static async Task BlockingAsync(HttpContext context, AiBackendService backend, AiRequestRecord record, AiFaultSet faults, AiSettingsView settings, IReadOnlyList<string> tokens, string finish, Completion completion)
    {
        using var abortOrStop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, backend.Stopping);
        var ct = abortOrStop.Token;
        try
        {
            if (!await FakeGeneration.RunAsync(tokens, faults, settings, record, (delay, c) => Task.Delay(delay, backend.Clock, c), (_, _) => Task.CompletedTask, ct))
            {
                await ErrorAsync(context, 500, "The server had an error while processing your request. Sorry about that! (an injected fault)", "server_error", null, null);
                return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            record.Outcome = record.Outcome == "hung" ? "hung" : "aborted";
            return;
        }

        record.Outcome = "completed";
        await AiWire.WriteJsonAsync(context.Response, 200, new Dictionary<string, object?>
        {
            ["id"] = completion.Id,
            ["object"] = "chat.completion",
            ["created"] = completion.Created,
            ["model"] = completion.Model,
            ["system_fingerprint"] = Fingerprint,
            ["choices"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["index"] = 0,
                    ["message"] = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = string.Concat(tokens), ["refusal"] = null },
                    ["logprobs"] = null,
                    ["finish_reason"] = finish,
                },
            },
            ["usage"] = Usage(completion, record.TokensSent),
        }, ct);
    }

    private static Dictionary<string, object?> Chunk(Completion completion, Dictionary<string, object?> delta, string? finish)
    {
        var chunk = new Dictionary<string, object?>
        {
            ["id"] = completion.Id,
            ["object"] = "chat.completion.chunk",
            ["created"] = completion.Created,
            ["model"] = completion.Model,
            ["system_fingerprint"] = Fingerprint,
            ["choices"] = new[] { new Dictionary<string, object?> { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish } },
        };
        if (completion.IncludeUsage)
        {
            chunk["usage"] = null;
        }

        return chunk;
    }

    private static Dictionary<string, object?> Usage(Completion completion, int completionTokens) => new()
    {
        ["prompt_tokens"] = completion.PromptTokens,
        ["completion_tokens"] = completionTokens,
        ["total_tokens"] = completion.PromptTokens + completionTokens,
    };

    private static (IReadOnlyList<AiMessage> Messages, string? Error) ReadMessages(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            return ([], "messages must be a non-empty array");
        }

        var messages = new List<AiMessage>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var role = item.ValueKind == JsonValueKind.Object ? AiWire.String(item, "role") : null;
            if (role is null || !Roles.Contains(role, StringComparer.Ordinal))
            {
                return (messages, $"messages[{index}].role must be one of {string.Join(", ", Roles)}");
            }

            if (!item.TryGetProperty("content", out var content))
            {
                return (messages, $"messages[{index}].content is required");
            }

            IReadOnlyList<string> images = [];
            string? text;
            switch (content.ValueKind)
            {
                case JsonValueKind.String: text = content.GetString(); break;
                case JsonValueKind.Null: text = string.Empty; break;
                case JsonValueKind.Array:
                    (text, images, var partError) = ReadParts(content);
                    if (partError is not null)
                    {
                        return (messages, $"messages[{index}].content: {partError}");
                    }

                    break;
                default: text = null; break;
            }

            if (text is null)
            {
                return (messages, $"messages[{index}].content must be a string or an array of content parts");
            }

            messages.Add(new AiMessage(role, text) { Images = images });
            index++;
        }

        return (messages, null);
    }

    /// <summary>A content array's text parts joined, and its image parts named as the fake answer names them.</summary>
    private static (string Text, IReadOnlyList<string> Images, string? Error) ReadParts(JsonElement parts)
    {
        var text = new StringBuilder();
        var images = new List<string>();
        foreach (var part in parts.EnumerateArray())
        {
            var type = part.ValueKind == JsonValueKind.Object ? AiWire.String(part, "type") : null;
            if (type == "text" && AiWire.String(part, "text") is { } value)
            {
                text.Append(value);
            }
            else if (type == "image_url")
            {
                var url = part.TryGetProperty("image_url", out var image) && image.ValueKind == JsonValueKind.Object ? AiWire.String(image, "url") : null;
                if (ImageOf(url) is not { } named)
                {
                    return (text.ToString(), images, "an image_url part needs image_url.url: an http(s) URL or a base64 data URL of a png, jpeg, gif or webp image");
                }

                images.Add(named);
            }
        }

        return (text.ToString(), images, null);
    }

    /// <summary>"image (image/png, 1234 bytes)" for a data URL, "photo.png (image, by URL)" for a link; null when neither.</summary>
    private static string? ImageOf(string? url)
    {
        const string DataPrefix = "data:";
        if (url is null)
        {
            return null;
        }

        if (url.StartsWith(DataPrefix, StringComparison.Ordinal))
        {
            var comma = url.IndexOf(',', StringComparison.Ordinal);
            var header = comma < 0 ? "" : url[DataPrefix.Length..comma];
            var mediaType = header.Split(';')[0];
            var bytes = new byte[url.Length];
            return header.EndsWith(";base64", StringComparison.Ordinal) && mediaType is "image/png" or "image/jpeg" or "image/gif" or "image/webp"
                && Convert.TryFromBase64String(url[(comma + 1)..], bytes, out var length)
                ? $"image ({mediaType}, {length} bytes)"
                : null;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var link) && (link.Scheme == Uri.UriSchemeHttp || link.Scheme == Uri.UriSchemeHttps)
            ? $"{link.Segments[^1]} (image, by URL)"
            : null;
    }

    private static string? ReadMaxTokens(JsonElement body, out int? max)
    {
        max = null;
        foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
        {
            if (body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var parsed) || parsed < 1)
                {
                    return name + " must be a positive integer";
                }

                max = parsed;
                return null;
            }
        }

        return null;
    }

    private static async Task<bool> RefuseAsync(HttpContext context, AiRequestRecord record, AiFaultSet faults)
    {
        if (faults.Of(AiFaultKind.RateLimit) is { } limit)
        {
            record.Outcome = "rate_limited";
            context.Response.Headers.RetryAfter = limit.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["x-ratelimit-remaining-requests"] = "0";
            await ErrorAsync(context, 429, "Rate limit reached for requests (an injected fault). Please try again later.", "requests", null, "rate_limit_exceeded");
            return true;
        }

        if (faults.Of(AiFaultKind.ServerError) is { } server)
        {
            record.Outcome = "server_error";
            await ErrorAsync(context, server.Status, "The server had an error while processing your request. Sorry about that!", "server_error", null, null);
            return true;
        }

        return false;
    }

    private static Dictionary<string, object?> ErrorBody(string message, string type, string? param, string? code) => new()
    {
        ["error"] = new Dictionary<string, object?> { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
    };

    private static Task ErrorAsync(HttpContext context, int status, string message, string type, string? param, string? code) =>
        AiWire.WriteJsonAsync(context.Response, status, ErrorBody(message, type, param, code), context.RequestAborted);
}
