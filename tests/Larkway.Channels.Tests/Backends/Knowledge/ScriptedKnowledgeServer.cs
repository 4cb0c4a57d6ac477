using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Channels.Tests.Backends.Knowledge;

/// <summary>One request as the scripted knowledge API saw it.</summary>
internal sealed record KnowledgeRequest(string Method, string Path, string Query, string? Authorization, string? Accept, string? ContentType, JsonElement? Body);

/// <summary>What the server does with one request.</summary>
internal delegate Task KnowledgeStep(HttpContext context);

/// <summary>
/// A scripted stand-in for Dify's knowledge API on Kestrel (<c>/v1/datasets/…</c>, any method), answering with the
/// shapes of <see cref="KnowledgeShapes"/>. Each test uses its own key, under which it queues the answers to its next
/// requests; every request is recorded. A request nothing was scripted for gets a 500.
/// </summary>
public sealed class ScriptedKnowledgeServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<KnowledgeStep>> _scripts = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<KnowledgeRequest>> _served = new();
    private WebApplication? _app;

    /// <summary>The server's base URL, <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapMethods("/v1/datasets/{**rest}", ["GET", "POST", "DELETE", "PATCH"], ServeAsync);
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
    internal void Script(string key, params KnowledgeStep[] steps)
    {
        var queue = _scripts.GetOrAdd(key, _ => new ConcurrentQueue<KnowledgeStep>());
        foreach (var step in steps)
        {
            queue.Enqueue(step);
        }
    }

    /// <summary>The requests made with <paramref name="key"/>, in order.</summary>
    internal IReadOnlyList<KnowledgeRequest> Served(string key) =>
        _served.TryGetValue(key, out var queue) ? [.. queue] : [];

    private async Task ServeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var key = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : "(none)";
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        JsonElement? body = null;
        if (buffer.Length > 0)
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            body = document.RootElement.Clone();
        }

        var request = new KnowledgeRequest(
            context.Request.Method,
            context.Request.Path,
            context.Request.QueryString.Value ?? "",
            authorization.Length == 0 ? null : authorization,
            context.Request.Headers.Accept.ToString(),
            context.Request.ContentType,
            body);
        _served.GetOrAdd(key, _ => new ConcurrentQueue<KnowledgeRequest>()).Enqueue(request);
        try
        {
            if (_scripts.TryGetValue(key, out var queue) && queue.TryDequeue(out var step))
            {
                await step(context);
            }
            else
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("""{"code": "internal_server_error", "message": "The test scripted no answer for this request.", "status": 500}""");
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (its timeout).
        }
    }
}

/// <summary>Answers of the scripted knowledge API.</summary>
internal static class Reply
{
    public static KnowledgeStep Json(int status, string json, Action<HttpResponse>? headers = null) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        headers?.Invoke(context.Response);
        await context.Response.WriteAsync(json);
    };

    /// <summary>A status without a body (Dify's 204 to a delete).</summary>
    public static KnowledgeStep Empty(int status) => context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>Dify's error answer <c>{code, message, status}</c>.</summary>
    public static KnowledgeStep Error(int status, string code, string message) => Json(status, KnowledgeShapes.Error(status, code, message));

    /// <summary>Holds the request without an answer until the client goes away (a server that never answers).</summary>
    public static KnowledgeStep Silence() => context => Task.Delay(Timeout.Infinite, context.RequestAborted);
}
