using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Cli.Tests;

/// <summary><c>larkway event send</c> against a real Kestrel receiver that checks signatures with its own code.</summary>
public sealed class EventSendCommandTests
{
    private const string Key = "kT9y7XvQ2mN4pL6s";
    private const string Token = "vt_8dJk2LmNpQr";
    private const string Event = """{"sender":{"sender_id":{"open_id":"ou_1"},"sender_type":"user"},"message":{"message_id":"om_1","message_type":"text","content":"{\"text\":\"你好\"}"}}""";

    [Fact]
    public async Task Wraps_encrypts_and_signs_an_event_as_feishu_does()
    {
        await using var receiver = await Receiver.StartAsync();
        using var file = TempFile.WithText(Event);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var run = await CliRun.RunAsync("event", "send", "--to", receiver.Url, "--type", "im.message.receive_v1", "--file", file.Path, "--encrypt-key", Key, "--verification-token", Token, "--app-id", "cli_test0000000001");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("HTTP 200", run.Output, StringComparison.Ordinal);
        Assert.Contains("{\"msg\":\"success\"}", run.Output, StringComparison.Ordinal);
        var request = Assert.Single(receiver.Requests);

        // Signature over the exact raw (still encrypted) body, computed here independently.
        var signed = Encoding.UTF8.GetBytes(request.Timestamp + request.Nonce + Key).Concat(request.Body).ToArray();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(signed)), request.Signature);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);

        var envelope = Decrypt(request.Body);
        Assert.Equal("2.0", envelope["schema"]!.GetValue<string>());
        var header = envelope["header"]!;
        Assert.Equal("im.message.receive_v1", header["event_type"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{32}$", header["event_id"]!.GetValue<string>());
        Assert.Equal(Token, header["token"]!.GetValue<string>());
        Assert.Equal("cli_test0000000001", header["app_id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(header["tenant_key"]!.GetValue<string>()));
        var created = long.Parse(header["create_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Event), envelope["event"]));
        Assert.DoesNotContain(Key, run.Output + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_sends_plain_json_unsigned_with_a_fresh_event_id_each_time()
    {
        await using var receiver = await Receiver.StartAsync();
        using var file = TempFile.WithText(Event);

        var first = await CliRun.RunAsync("event", "send", "--to", receiver.Url, "--type", "im.message.receive_v1", "--file", file.Path);
        var second = await CliRun.RunAsync("event", "send", "--to", receiver.Url, "--type", "im.message.receive_v1", "--file", file.Path);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        var ids = receiver.Requests.Select(r => JsonNode.Parse(r.Body)!["header"]!["event_id"]!.GetValue<string>()).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.All(receiver.Requests, r => Assert.Null(r.Signature));
        Assert.All(receiver.Requests, r => Assert.False(string.IsNullOrEmpty(r.Timestamp)));
        Assert.Equal("", JsonNode.Parse(receiver.Requests[0].Body)!["header"]!["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_full_envelope_is_kept_and_only_missing_header_fields_are_filled()
    {
        await using var receiver = await Receiver.StartAsync();
        using var file = TempFile.WithText("""{"schema":"2.0","header":{"event_id":"captured-id-1","event_type":"im.chat.disbanded_v1","app_id":"cli_captured"},"event":{"chat_id":"oc_1"}}""");

        var run = await CliRun.RunAsync("event", "send", "--to", receiver.Url, "--file", file.Path, "--verification-token", Token);

        Assert.True(run.ExitCode == 0, run.Error);
        var envelope = JsonNode.Parse(Assert.Single(receiver.Requests).Body)!;
        Assert.Equal("captured-id-1", envelope["header"]!["event_id"]!.GetValue<string>());
        Assert.Equal("cli_captured", envelope["header"]!["app_id"]!.GetValue<string>());
        Assert.Equal(Token, envelope["header"]!["token"]!.GetValue<string>());
        Assert.NotNull(envelope["header"]!["create_time"]);
        Assert.Equal("oc_1", envelope["event"]!["chat_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_non_2xx_answer_is_printed_and_fails()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 500;
        using var file = TempFile.WithText(Event);

        var run = await CliRun.RunAsync("event", "send", "--to", receiver.Url, "--type", "im.message.receive_v1", "--file", file.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("HTTP 500", run.Output, StringComparison.Ordinal);
        Assert.Contains("not 2xx", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_is_named()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var file = TempFile.WithText(Event);

        var run = await CliRun.RunAsync("event", "send", "--to", $"http://127.0.0.1:{port}/events", "--type", "im.message.receive_v1", "--file", file.Path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("connection refused", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_a_timeout()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(30);
        using var file = TempFile.WithText(Event);

        var run = await CliRun.RunAsync("event", "send", "--to", receiver.Url, "--type", "im.message.receive_v1", "--file", file.Path, "--timeout", "0.3");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("timeout", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--to", "not a url", "--type", "t")]
    [InlineData("--to", "http://127.0.0.1:9/events")]
    [InlineData("--to", "http://127.0.0.1:9/events", "--type", "other.type_v1")]
    public async Task Bad_command_lines_are_usage_errors(params string[] args)
    {
        using var file = TempFile.WithText("""{"schema":"2.0","header":{"event_type":"im.chat.disbanded_v1"},"event":{}}""");
        using var bare = TempFile.WithText(Event);
        var target = args.Contains("--type") && args[^1] == "other.type_v1" ? file.Path : bare.Path;

        var run = await CliRun.RunAsync(["event", "send", .. args, "--file", target]);

        Assert.Equal(2, run.ExitCode);
    }

    private static JsonNode Decrypt(byte[] body)
    {
        var blob = Convert.FromBase64String(JsonNode.Parse(body)!["encrypt"]!.GetValue<string>());
        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(Key));
        return JsonNode.Parse(aes.DecryptCbc(blob.AsSpan(16), blob.AsSpan(0, 16), PaddingMode.PKCS7))!;
    }

    private sealed record Received(string? Timestamp, string? Nonce, string? Signature, string? ContentType, byte[] Body);

    /// <summary>A developer's receiver on 127.0.0.1:0 recording each request byte for byte.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Received> _requests = new();

        private Receiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public int Status { get; set; } = 200;

        public TimeSpan Delay { get; set; }

        public IReadOnlyList<Received> Requests => [.. _requests];

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/events", receiver.HandleAsync);
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/events";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var headers = context.Request.Headers;
            _requests.Enqueue(new Received(
                headers["X-Lark-Request-Timestamp"].FirstOrDefault(),
                headers["X-Lark-Request-Nonce"].FirstOrDefault(),
                headers["X-Lark-Signature"].FirstOrDefault(),
                context.Request.ContentType,
                buffer.ToArray()));
            if (Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            context.Response.StatusCode = Status;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(Status == 200 ? "{\"msg\":\"success\"}" : "{\"msg\":\"boom\"}", context.RequestAborted);
        }
    }
}
