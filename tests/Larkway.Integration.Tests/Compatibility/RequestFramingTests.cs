using System.Collections.Concurrent;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.State;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// What a server (Kestrel, in front of the Emulator) sees of the client's request bodies: a
/// Content-Length, never chunked transfer encoding, which gateways may refuse with 411.
/// </summary>
/// <remarks>
/// The client here has its own network stack and no <see cref="RecordingHandler"/>: that handler
/// reads each body before sending it, which buffers it and so gives it a length, hiding chunking.
/// </remarks>
public sealed class RequestFramingTests(RequestFramingTests.FramingEmulator emulator) : IClassFixture<RequestFramingTests.FramingEmulator>
{
    [Fact]
    public async Task Token_and_json_calls_arrive_with_a_content_length_and_not_chunked()
    {
        using var client = emulator.CreateClient();

        var sent = await client.Im.Messages.SendAsync(ReceiveId.Chat(emulator.GeneralChatId), MessageContent.Text("你好, framing"), "framing-uuid-1");
        await client.Im.Messages.ReplyAsync(sent.MessageId, MessageContent.Text("re"));

        var token = emulator.Seen("POST", "/open-apis/auth/v3/tenant_access_token/internal");
        var send = emulator.Seen("POST", "/open-apis/im/v1/messages");
        var reply = emulator.Seen("POST", $"/open-apis/im/v1/messages/{sent.MessageId}/reply");
        Assert.All([token, send, reply], AssertFramedByLength);
    }

    [Fact]
    public async Task Uploads_arrive_with_a_content_length_and_not_chunked()
    {
        using var client = emulator.CreateClient();

        await client.Im.Images.UploadAsync(TestImages.Png, "pixel.png");
        await client.Im.Files.UploadAsync(new byte[70_000], "data.bin", FileType.Stream);

        Assert.All([emulator.Seen("POST", "/open-apis/im/v1/images"), emulator.Seen("POST", "/open-apis/im/v1/files")], AssertFramedByLength);
    }

    private static void AssertFramedByLength(SeenRequest request)
    {
        Assert.True(request.ContentLength > 0, $"{request.Method} {request.Path} came without a Content-Length (Transfer-Encoding: '{request.TransferEncoding}')");
        Assert.Equal("", request.TransferEncoding);
    }

    /// <summary>The Emulator on Kestrel, with a middleware in front of its endpoints that notes each request's framing headers.</summary>
    public sealed class FramingEmulator : IAsyncLifetime
    {
        private readonly ConcurrentQueue<SeenRequest> _seen = new();
        private readonly EmulatorOptions _options = new() { Port = 0 };
        private WebApplication? _app;
        private Uri? _baseUrl;

        public string GeneralChatId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            _app = EmulatorServer.Build(_options);
            _app.Use(async (context, next) =>
            {
                var request = context.Request;
                _seen.Enqueue(new SeenRequest(request.Method, request.Path.Value ?? "", request.ContentLength, request.Headers.TransferEncoding.ToString()));
                await next(context);
            });
            await _app.StartAsync();
            var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            _baseUrl = new Uri(address);
            GeneralChatId = _app.Services.GetRequiredService<EmulatorState>().Chats.Single(c => c.Name == DefaultSeed.GeneralChatName).ChatId;
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }

        /// <summary>A client with the network stack it builds for itself (nothing between it and the socket).</summary>
        public FeishuClient CreateClient() =>
            new(new FeishuAppOptions { AppId = _options.AppId, AppSecret = _options.AppSecret, BaseUrl = _baseUrl! });

        /// <summary>The last request seen with this method and path.</summary>
        public SeenRequest Seen(string method, string path) =>
            _seen.LastOrDefault(r => r.Method == method && r.Path == path)
            ?? throw new InvalidOperationException($"Kestrel saw no {method} {path}; it saw: {string.Join(", ", _seen.Select(r => r.Method + " " + r.Path))}");
    }

    public sealed record SeenRequest(string Method, string Path, long? ContentLength, string TransferEncoding);
}
