using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>
/// <c>session-sink</c>: DingTalk's session webhooks (<c>POST /robot/sendBySession?session=…</c>), where the Hub's bot
/// answers each robot message, as its own process — as the Emulator takes the Feishu bot's replies in its own — so the
/// replies cost the driver nothing while it measures. Answers <c>{"errcode":0,"errmsg":"ok"}</c> (no token: the session
/// is the credential) and counts replies per session; <c>GET /stats</c> gives the counts. Prints its URL on the first
/// line and stops on SIGTERM or Ctrl+C.
/// </summary>
/// <remarks>
/// The Hub posts a reply to a session webhook only on its app's own DingTalk host (a forged message must not make it post
/// elsewhere), so the sink is the app's base URL: it forwards every other request (the Stream gateway's
/// <c>connections/open</c>, the few at start) to the driver's Stream server, named by <c>PUT /upstream</c>
/// (<see cref="SessionSinkUpstream.PointAtAsync"/>). The WebSocket itself goes straight to the driver, at the address that answer gives.
/// </remarks>
internal static class SessionSink
{
    public static async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var replies = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long refused = 0;
        Uri? upstream = null;
        using var forwarder = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/robot/sendBySession", async (HttpContext context) =>
        {
            // The body is read (a text or markdown message) but not kept: only that an answer came, and to which message.
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var session = context.Request.Query["session"].FirstOrDefault();
            if (string.IsNullOrEmpty(session) || !body.RootElement.TryGetProperty("msgtype", out _))
            {
                Interlocked.Increment(ref refused);
                return Results.Json(new { errcode = 400, errmsg = "no session or no msgtype" });
            }

            replies.AddOrUpdate(session, 1, (_, n) => n + 1);
            return Results.Json(new { errcode = 0, errmsg = "ok" });
        });
        app.MapGet("/stats", () =>
        {
            var counts = replies.Values.ToArray();
            return Results.Json(new SinkStats(counts.Sum(c => (long)c), counts.Length, counts.Count(c => c > 1), Interlocked.Read(ref refused)));
        });
        app.MapPut("/upstream", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = (await reader.ReadToEndAsync(context.RequestAborted)).Trim();
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            {
                return Results.BadRequest($"PUT /upstream takes the Stream server's absolute URL as its body, not '{text}'.");
            }

            Volatile.Write(ref upstream, url);
            return Results.NoContent();
        });
        app.MapFallback(async (HttpContext context) =>
        {
            if (Volatile.Read(ref upstream) is not { } target)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return;
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, context.Request.Path + context.Request.QueryString));
            if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                request.Content = new StreamContent(context.Request.Body);
                if (context.Request.ContentType is { } contentType)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }
            }

            foreach (var header in context.Request.Headers.Where(h => h.Key.StartsWith("x-acs-", StringComparison.OrdinalIgnoreCase)))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }

            using var response = await forwarder.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        Console.WriteLine(app.Urls.First().TrimEnd('/'));
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var total = replies.Values.Sum(c => (long)c);
        Console.WriteLine($"session sink: {total} replies to {replies.Count} messages, {Interlocked.Read(ref refused)} refused");
        await app.StopAsync();
        return 0;
    }
}

/// <summary>Tells the sink where the driver's Stream server is, so the sink can stand as the app's DingTalk host.</summary>
internal static class SessionSinkUpstream
{
    public static async Task PointAtAsync(HttpClient http, Uri sink, Uri streamServer)
    {
        using var response = await http.PutAsync(new Uri(sink, "/upstream"), new StringContent(streamServer.AbsoluteUri));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the session sink refused its upstream ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }
}

/// <summary>What the sink counted: replies, messages answered, messages answered more than once, replies refused.</summary>
internal sealed record SinkStats(long Replies, long Sessions, long AnsweredTwice, long Refused)
{
    public static readonly SinkStats None = new(-1, -1, -1, -1);

    public static async Task<SinkStats> ReadAsync(HttpClient http, Uri sink)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<SinkStats>(await http.GetStreamAsync(new Uri(sink, "/stats")), JsonSerializerOptions.Web) ?? None;
        }
        catch (HttpRequestException)
        {
            return None;
        }
    }
}
