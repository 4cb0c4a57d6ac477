using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Tests.Backends.Wire;

/// <summary>One request as the scripted server saw it, and how it ended.</summary>
internal sealed class ServedRequest(string path, string? authorization, string? accept, JsonElement body)
{
    public string Path { get; } = path;

    public string? Authorization { get; } = authorization;

    public string? Accept { get; } = accept;

    public JsonElement Body { get; } = body;

    /// <summary>
    /// Set when the script has ended: true when the client closed the connection before it finished (the request was
    /// aborted, or a write failed), false when the script finished with the client still there.
    /// </summary>
    public TaskCompletionSource<bool> Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What the server does with one request: write an answer (status, headers, body), possibly slowly.</summary>
internal delegate Task ScriptStep(HttpContext context, ServedRequest request);

/// <summary>
/// A scripted stand-in for a remote AI service on Kestrel, serving the wire shapes of Dify's service API and of OpenAI's
/// chat completions exactly as their documentation gives them (see <see cref="DifyShapes"/> and <see cref="OpenAiShapes"/>).
/// Each test uses its own API key, under which it queues the answers to the next requests; every request is recorded.
/// Paths: <c>POST /v1/chat-messages</c>, <c>POST /v1/chat-messages/{task_id}/stop</c>, <c>POST /v1/chat/completions</c>.
/// </summary>
public sealed class ScriptedBackendServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ScriptStep>> _scripts = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ServedRequest>> _served = new();
    private WebApplication? _app;

    /// <summary>The server's base URL, <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat-messages", ServeAsync);
        app.MapPost("/v1/chat-messages/{taskId}/stop", ServeAsync);
        app.MapPost("/v1/chat/completions", ServeAsync);
        await app.StartAsync();
        _app = app;
        BaseUrl = new Uri(app.Urls.First() + "/v1");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Queues what the next requests made with <paramref name="key"/> get, in order.</summary>
    internal void Script(string key, params ScriptStep[] steps)
    {
        var queue = _scripts.GetOrAdd(key, _ => new ConcurrentQueue<ScriptStep>());
        foreach (var step in steps)
        {
            queue.Enqueue(step);
        }
    }

    /// <summary>The requests made with <paramref name="key"/>, in order.</summary>
    internal IReadOnlyList<ServedRequest> Served(string key) =>
        _served.TryGetValue(key, out var queue) ? [.. queue] : [];

    private async Task ServeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var key = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : "(none)";
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var request = new ServedRequest(context.Request.Path, authorization.Length == 0 ? null : authorization, context.Request.Headers.Accept.ToString(), body.RootElement.Clone());
        _served.GetOrAdd(key, _ => new ConcurrentQueue<ServedRequest>()).Enqueue(request);
        var wentAway = false;
        try
        {
            if (_scripts.TryGetValue(key, out var queue) && queue.TryDequeue(out var step))
            {
                await step(context, request);
            }
            else
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("""{"code": "internal_server_error", "message": "The test scripted no answer for this request.", "status": 500}""");
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-answer.
        }
        catch (IOException)
        {
            // A write failed: the connection is gone, whether or not Kestrel has signalled RequestAborted yet.
            wentAway = true;
        }

        // Decided on what happened, never on which thread came first: the token's flag is set before its callbacks run, so
        // a registration racing the script's own end could lose to a "finished" recorded by a script that saw the flag.
        request.Aborted.TrySetResult(wentAway || context.RequestAborted.IsCancellationRequested);
    }
}

/// <summary>Writing answers: JSON bodies and server-sent events.</summary>
internal static class Serve
{
    public static ScriptStep Json(int status, string json, Action<HttpResponse>? headers = null) => async (context, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        headers?.Invoke(context.Response);
        await context.Response.WriteAsync(json);
    };

    /// <summary>An SSE answer: each item written as <c>data: {item}</c> and a blank line, flushed one by one.</summary>
    public static ScriptStep Events(params string[] data) => EventsThen(null, data);

    /// <summary>An SSE answer whose events are written, then <paramref name="after"/> runs (hold the stream open, say).</summary>
    public static ScriptStep EventsThen(Func<HttpContext, Task>? after, params string[] data) => async (context, _) =>
    {
        await StartEventStreamAsync(context);
        foreach (var item in data)
        {
            await WriteEventAsync(context, item);
        }

        if (after is not null)
        {
            await after(context);
        }
    };

    public static async Task StartEventStreamAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(context.RequestAborted);
    }

    public static async Task WriteEventAsync(HttpContext context, string data)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Holds the answer open until the client goes away.</summary>
    public static Task HoldAsync(HttpContext context) => Task.Delay(Timeout.Infinite, context.RequestAborted);

    /// <summary>Holds the request (no status, no headers) until the client goes away: a first token that never comes.</summary>
    public static ScriptStep Silence() => (context, _) => HoldAsync(context);
}
