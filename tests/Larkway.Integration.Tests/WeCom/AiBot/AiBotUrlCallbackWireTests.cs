using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Integration.Tests.WeCom.AiBot;

/// <summary>
/// The client's URL-callback helpers (<see cref="WeComAiBotUrlCallback"/>, <see cref="WeComAiBotStreamBuffers"/>,
/// <see cref="WeComAiBotResponseUrlClient"/>) in a small ASP.NET endpoint, answering the emulator's AI bot in URL-callback
/// mode over the real wire: the URL check, a message decrypted, a stream that grows over WeCom's polls to finish, and a
/// reply through response_url.
/// </summary>
public sealed class AiBotUrlCallbackWireTests : IAsyncLifetime
{
    private const string Token = "WireToken2026";
    private const string AesKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";

    private readonly ConcurrentQueue<WeComAiBotUrlRequest> _requests = new();
    private readonly WeComAiBotStreamBuffers _streams = new();
    private readonly WeComAiBotUrlCallback _bot = new(Token, AesKey);
    private EmulatorServer _emulator = null!;
    private WebApplication _app = null!;
    private HttpClient _control = null!;
    private Uri _url = null!;
    private int _polls;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Port = 0,
            WeComAiBot = { CallbackPollInterval = TimeSpan.FromMilliseconds(50), CallbackVerifyTimeout = TimeSpan.FromSeconds(10) },
        });
        _control = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl, "/_emulator/wecom/aibot/") };

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/wecom/aibot", (HttpRequest r) => Results.Text(_bot.VerifyUrl(r.Query["msg_signature"], r.Query["timestamp"], r.Query["nonce"], r.Query["echostr"])));
        _app.MapPost("/wecom/aibot", AnswerAsync);
        await _app.StartAsync();
        _url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/wecom/aibot");
    }

    public async Task DisposeAsync()
    {
        _control.Dispose();
        await _app.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    /// <summary>
    /// The bot's endpoint: a message starts a stream (its first text answers at once); each of WeCom's polls gets one more
    /// piece, and the third one finishes it.
    /// </summary>
    private async Task<IResult> AnswerAsync(HttpRequest http)
    {
        using var reader = new StreamReader(http.Body);
        var request = _bot.Read(http.Query["msg_signature"], http.Query["timestamp"], http.Query["nonce"], await reader.ReadToEndAsync(http.HttpContext.RequestAborted));
        _requests.Enqueue(request);
        if (request.Message is { PlainText: "请发审批卡片" })
        {
            return Json(_bot.Reply(WeComAiBotReply.TemplateCard(Card("button_interaction", "报销单 #7 待审批"))));
        }

        if (request.Event is { } evt)
        {
            return evt.EventType switch
            {
                "enter_chat" => Json(_bot.Reply(WeComAiBotReply.Text("你好，我是报销助手"))),
                "template_card_event" => Json(_bot.Reply(WeComAiBotReply.UpdateTemplateCard(Card("text_notice", $"已处理：{evt.Event!.CardEventKey}", evt.Event.CardTaskId)))),
                _ => Results.Text(WeComAiBotUrlCallback.NoReply),
            };
        }

        if (request.Message is { } message)
        {
            var id = _streams.Begin(message.MsgId);
            _streams.Append(id, $"收到「{message.PlainText}」");
            return Json(_bot.Reply(_streams.Poll(id)!));
        }

        if (request.StreamId is { } streamId)
        {
            var poll = Interlocked.Increment(ref _polls);
            if (poll < 3)
            {
                _streams.Append(streamId, $"，第 {poll} 段");
            }
            else if (poll == 3)
            {
                _streams.Finish(streamId, "。");
            }

            return Json(_bot.Reply(_streams.Poll(streamId) ?? WeComAiBotReply.Stream(streamId, "", finish: true)));
        }

        return Results.Text(WeComAiBotUrlCallback.NoReply);
    }

    private static IResult Json(string body) => Results.Text(body, "application/json");

    private static System.Text.Json.Nodes.JsonObject Card(string type, string title, string? taskId = "wire-task-1")
    {
        var card = new System.Text.Json.Nodes.JsonObject { ["card_type"] = type, ["task_id"] = taskId, ["main_title"] = new System.Text.Json.Nodes.JsonObject { ["title"] = title } };
        if (type == "button_interaction")
        {
            card["button_list"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["text"] = "同意", ["key"] = "approve" });
        }

        return card;
    }

    [Fact]
    public async Task A_welcome_a_template_card_and_its_update_after_a_click_go_through_the_helpers()
    {
        using var saved = await _control.PostAsJsonAsync("callback", new { url = _url, token = Token, encoding_aes_key = AesKey });
        saved.IsSuccessStatusCode.ShouldBeTrue();

        using var entered = await _control.PostAsJsonAsync("enter-chat", new { userid = "bob" });
        using var said = await _control.PostAsJsonAsync("messages", new { userid = "bob", chattype = "single", msgtype = "text", text = "请发审批卡片" });
        var conversation = JsonDocument.Parse(await said.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetProperty("conversation_id").GetString()!;
        var card = (await MessagesAsync(conversation)).Single(m => m.GetProperty("msg_type").GetString() == "template_card");
        using var clicked = await _control.PostAsJsonAsync("card-clicks", new { message_id = card.GetProperty("id").GetString(), userid = "bob", event_key = "approve" });

        entered.IsSuccessStatusCode.ShouldBeTrue();
        clicked.IsSuccessStatusCode.ShouldBeTrue();
        var click = _requests.Select(r => r.Event).Single(e => e?.EventType == "template_card_event")!;
        (click.Event!.CardEventKey, click.Event.CardTaskId, click.From!.UserId).ShouldBe(("approve", "wire-task-1", "bob"));
        click.ResponseUrl.ShouldNotBeNull();
        var shown = await MessagesAsync(conversation);
        shown.Single(m => m.GetProperty("msg_type").GetString() == "text" && m.GetProperty("from").GetString() == "bot").GetProperty("content").GetString().ShouldBe("你好，我是报销助手");
        shown.Single(m => m.GetProperty("id").GetString() == card.GetProperty("id").GetString()).GetProperty("card").GetProperty("main_title").GetProperty("title").GetString().ShouldBe("已处理：approve");
        (await DeliveriesAsync()).Where(d => d.GetProperty("kind").GetString() == "event").Select(d => d.GetProperty("outcome").GetString()).ShouldBe(["answered", "answered"]);
    }

    private async Task<IReadOnlyList<JsonElement>> MessagesAsync(string conversation) =>
        [.. JsonDocument.Parse(await _control.GetStringAsync("conversations/messages?id=" + Uri.EscapeDataString(conversation))).RootElement.GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task A_picture_in_url_callback_mode_carries_no_aeskey_and_decrypts_with_the_bots_EncodingAESKey()
    {
        using var saved = await _control.PostAsJsonAsync("callback", new { url = _url, token = Token, encoding_aes_key = AesKey });
        saved.IsSuccessStatusCode.ShouldBeTrue(await saved.Content.ReadAsStringAsync());
        // Fixed bytes and a fixed wrong key below: a random key leaves valid-looking padding about once in 256 runs.
        var picture = new byte[777];
        new Random(777).NextBytes(picture);

        using var said = await _control.PostAsJsonAsync("messages", new { userid = "alice", chattype = "single", msgtype = "image", data_base64 = Convert.ToBase64String(picture) });
        said.IsSuccessStatusCode.ShouldBeTrue(await said.Content.ReadAsStringAsync());
        await AiBotEmulatorFixture.WaitUntilAsync(() => Task.FromResult(_requests.Any(r => r.Message?.Image is not null)), "the picture's callback");

        var image = _requests.Select(r => r.Message?.Image).First(i => i is not null)!;
        image.AesKey.ShouldBeNull("URL-callback mode sends no aeskey");
        using var http = new HttpClient();
        var files = new WeComAiBotFiles(http);
        (await files.DownloadAsync(image.Url, AesKey)).Content.ShouldBe(picture);

        // A per-message key (the long connection's kind) is not this file's: refused as undecryptable, never garbage.
        var wrong = await Should.ThrowAsync<WeComApiException>(() => files.DownloadAsync(image.Url, Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())));
        wrong.Code.ShouldBe(WeComErrorCodes.FileDecryptFailed);
    }

    [Fact]
    public async Task The_url_is_verified_a_message_comes_in_a_stream_grows_over_polls_to_finish_and_a_response_url_reply_lands()
    {
        using var saved = await _control.PostAsJsonAsync("callback", new { url = _url, token = Token, encoding_aes_key = AesKey });
        (await saved.Content.ReadAsStringAsync()).ShouldContain("url_callback");
        saved.IsSuccessStatusCode.ShouldBeTrue();

        using var said = await _control.PostAsJsonAsync("messages", new { userid = "alice", chattype = "single", msgtype = "text", text = "周报写好了吗" });
        said.IsSuccessStatusCode.ShouldBeTrue();
        var sent = JsonDocument.Parse(await said.Content.ReadAsStringAsync()).RootElement;
        sent.GetProperty("delivery").GetString().ShouldBe("callback");
        var conversation = sent.GetProperty("message").GetProperty("conversation_id").GetString()!;

        await AiBotEmulatorFixture.WaitUntilAsync(async () => (await DeliveriesAsync()).Any(d => d.GetProperty("kind").GetString() == "polling_ended"), "WeCom to stop polling");

        var message = _requests.Select(r => r.Message).Single(m => m is not null)!;
        (message.PlainText, message.AiBotId, message.From!.UserId, message.ChatType).ShouldBe(("周报写好了吗", "aibemulatorbot000001", "alice", "single"));
        message.ResponseUrl.ShouldNotBeNull();
        var polls = _requests.Where(r => r.IsStreamPoll).ToList();
        polls.Count.ShouldBe(3);
        polls.ShouldAllBe(p => p.StreamId == polls[0].StreamId);

        var deliveries = await DeliveriesAsync();
        deliveries.Single(d => d.GetProperty("kind").GetString() == "polling_ended").GetProperty("outcome").GetString().ShouldBe("finished");
        var shown = deliveries.Where(d => d.GetProperty("kind").GetString() is "message" or "stream_refresh")
            .Select(d => JsonDocument.Parse(d.GetProperty("reply").GetString()!).RootElement.GetProperty("stream")).ToList();
        shown.Select(s => s.GetProperty("content").GetString()).ShouldBe(["收到「周报写好了吗」", "收到「周报写好了吗」，第 1 段", "收到「周报写好了吗」，第 1 段，第 2 段", "收到「周报写好了吗」，第 1 段，第 2 段。"]);
        shown.Select(s => s.GetProperty("finish").GetBoolean()).ShouldBe([false, false, false, true]);

        using var http = new HttpClient();
        var responses = new WeComAiBotResponseUrlClient(http);
        await responses.SendAsync(message.ResponseUrl!, WeComAiBotReply.Markdown("**周报**已发到你的邮箱"));
        var again = await Should.ThrowAsync<WeComApiException>(() => responses.SendAsync(message.ResponseUrl!, WeComAiBotReply.Markdown("again")));
        var refused = await Should.ThrowAsync<WeComApiException>(() => new WeComAiBotResponseUrlClient(http).SendAsync(message.ResponseUrl!, WeComAiBotReply.Markdown("from another replica")));

        again.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        refused.ErrCode.ShouldBe(40058);
        var messages = JsonDocument.Parse(await _control.GetStringAsync("conversations/messages?id=" + Uri.EscapeDataString(conversation))).RootElement.GetProperty("items").EnumerateArray().ToList();
        messages.Select(m => (m.GetProperty("from").GetString(), m.GetProperty("msg_type").GetString(), m.GetProperty("content").GetString())).ShouldBe(
        [
            ("alice", "text", "周报写好了吗"),
            ("bot", "stream", "收到「周报写好了吗」，第 1 段，第 2 段。"),
            ("bot", "markdown", "**周报**已发到你的邮箱"),
        ]);
    }

    private async Task<IReadOnlyList<JsonElement>> DeliveriesAsync() =>
        [.. JsonDocument.Parse(await _control.GetStringAsync("callback/deliveries")).RootElement.GetProperty("items").EnumerateArray()];
}
