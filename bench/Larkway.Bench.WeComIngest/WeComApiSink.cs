using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Larkway.Bench.DingTalkIngest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Bench.WeComIngest;

/// <summary>
/// <c>wecom-sink</c>: the two WeCom server APIs the Hub's bot uses to answer a member, as its own process (as the
/// Emulator takes the Feishu bot's replies and the session sink DingTalk's), so the replies cost the driver nothing while
/// it measures — <c>GET /cgi-bin/gettoken?corpid=&amp;corpsecret=</c> (the corp's id and the app's Secret checked; an
/// access token valid 7,200 s) and <c>POST /cgi-bin/message/send?access_token=</c> (the token checked; a body with
/// <c>touser</c> and <c>msgtype</c>), answered as WeCom documents them. Counts replies per member; <c>GET /stats</c> gives
/// the counts (<see cref="SinkStats"/>: replies, members answered, 0, refused), <c>GET /tokens</c> the tokens issued.
/// Prints its URL on the first line and stops on SIGTERM or Ctrl+C.
/// </summary>
internal static class WeComApiSink
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = new Larkway.Bench.Ingest.BenchArgs(args);
        var corpId = parsed.Required("corp-id");
        var secret = parsed.Required("secret");
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

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var replies = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long refused = 0;
        long tokens = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/cgi-bin/gettoken", (HttpContext context) =>
        {
            if (context.Request.Query["corpid"] != corpId || context.Request.Query["corpsecret"] != secret)
            {
                return Results.Json(new { errcode = 40001, errmsg = "invalid credential" });
            }

            Interlocked.Increment(ref tokens);
            return Results.Json(new { errcode = 0, errmsg = "ok", access_token = token, expires_in = 7200 });
        });
        app.MapPost("/cgi-bin/message/send", async (HttpContext context) =>
        {
            if (context.Request.Query["access_token"] != token)
            {
                Interlocked.Increment(ref refused);
                return Results.Json(new { errcode = 40014, errmsg = "invalid access_token" });
            }

            // The body is read (a text or markdown message) but not kept: only that an answer came, and to whom.
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (!body.RootElement.TryGetProperty("touser", out var to) || to.GetString() is not { Length: > 0 } user || !body.RootElement.TryGetProperty("msgtype", out _))
            {
                Interlocked.Increment(ref refused);
                return Results.Json(new { errcode = 40008, errmsg = "no touser or no msgtype" });
            }

            replies.AddOrUpdate(user, 1, (_, n) => n + 1);
            return Results.Json(new { errcode = 0, errmsg = "ok", invaliduser = "", msgid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) });
        });
        app.MapGet("/stats", () => Results.Json(new SinkStats(replies.Values.Sum(c => (long)c), replies.Count, 0, Interlocked.Read(ref refused))));
        app.MapGet("/tokens", () => Results.Json(Interlocked.Read(ref tokens)));
        await app.StartAsync();
        Console.WriteLine(app.Urls.First().TrimEnd('/'));
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine($"wecom sink: {replies.Values.Sum(c => (long)c)} replies to {replies.Count} members, {Interlocked.Read(ref refused)} refused, {Interlocked.Read(ref tokens)} tokens issued");
        await app.StopAsync();
        return 0;
    }
}
