using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Feishu;
using Larkway.Feishu.Cards;
using Larkway.Feishu.CustomBot;
using Larkway.Integration.Tests.Infrastructure;
using F = Larkway.Integration.Tests.Infrastructure.SeededEmulatorFixture;

namespace Larkway.Integration.Tests.CustomBot;

/// <summary>The custom (webhook) bot client against the Emulator's webhooks, seeded by the fixture.</summary>
public sealed class CustomBotTests(SeededEmulatorFixture fx) : IClassFixture<SeededEmulatorFixture>, IDisposable
{
    private readonly SocketsHttpHandler _network = new();

    public void Dispose() => _network.Dispose();

    private CustomBotClient Hook(string token, string? secret = null) => new(_network, fx.HookUrl(token), secret);

    /// <summary>Sends through <paramref name="send"/> and returns the one message it added to the Ops room.</summary>
    private async Task<EmulatorMessage> LandsOnceAsync(Func<Task> send)
    {
        var before = fx.State.MessagesIn(fx.Ops.ChatId).Count;
        await send();
        var after = fx.State.MessagesIn(fx.Ops.ChatId);
        Assert.Equal(before + 1, after.Count);
        return after[^1];
    }

    private static JsonElement Read(EmulatorMessage message) => JsonDocument.Parse(message.Content).RootElement;

    [Fact]
    public async Task Text_with_mentions_lands_in_the_bound_chat_from_the_hook()
    {
        using var bot = Hook(F.PlainHook);

        var message = await LandsOnceAsync(() => bot.SendTextAsync("deploy finished", [fx.Erin.OpenId], atAll: true));

        Assert.Equal("text", message.MsgType);
        Assert.Equal("Plain Hook", message.Sender.Name);
        Assert.Equal("@_all @_user_1 deploy finished", Read(message).GetProperty("text").GetString());
        Assert.Equal(fx.Erin.OpenId, Assert.Single(message.Mentions).Id);
    }

    [Fact]
    public async Task A_post_lands_without_its_locale_wrapper()
    {
        using var bot = Hook(F.PlainHook);

        var message = await LandsOnceAsync(() => bot.SendPostAsync("Nightly", [[PostElement.Text("all green "), PostElement.Link("report", "https://example.com/r")]]));

        Assert.Equal("post", message.MsgType);
        Assert.Equal("Nightly", Read(message).GetProperty("title").GetString());
        Assert.Equal("https://example.com/r", Read(message).GetProperty("content")[0][1].GetProperty("href").GetString());
    }

    [Fact]
    public async Task An_uploaded_image_lands()
    {
        using var recorder = new RecordingHandler();
        using var client = fx.CreateClient(recorder);
        var imageKey = await client.Im.Images.UploadAsync(TestImages.Png, "chart.png");
        using var bot = Hook(F.PlainHook);

        var message = await LandsOnceAsync(() => bot.SendImageAsync(imageKey));

        Assert.Equal("image", message.MsgType);
        Assert.Equal(imageKey, Read(message).GetProperty("image_key").GetString());
    }

    [Fact]
    public async Task A_shared_chat_lands()
    {
        using var bot = Hook(F.PlainHook);

        var message = await LandsOnceAsync(() => bot.SendShareChatAsync(fx.Ops.ChatId));

        Assert.Equal("share_chat", message.MsgType);
        Assert.Equal(fx.Ops.ChatId, Read(message).GetProperty("chat_id").GetString());
    }

    [Fact]
    public async Task A_card_lands()
    {
        using var bot = Hook(F.PlainHook);
        var card = Card.V1().Header("Disk alert", HeaderTemplate.Red).Markdown("**/var** is 95% full").Build();

        var message = await LandsOnceAsync(() => bot.SendCardAsync(card));

        Assert.Equal("interactive", message.MsgType);
        Assert.Equal("Disk alert", Read(message).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_signed_request_is_accepted_by_a_hook_with_a_secret()
    {
        using var bot = Hook(F.SignedHook, F.HookSecret);

        var message = await LandsOnceAsync(() => bot.SendTextAsync("signed"));

        Assert.Equal("Signed Hook", message.Sender.Name);
    }

    [Theory]
    [InlineData("not-the-secret")]
    [InlineData(null)]
    public async Task A_wrong_or_missing_signature_fails_with_19021_and_nothing_lands(string? secret)
    {
        using var bot = Hook(F.SignedHook, secret);
        var before = fx.State.MessagesIn(fx.Ops.ChatId).Count;

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => bot.SendTextAsync("forged"));

        Assert.Equal(FeishuErrorCodes.WebhookSignatureMismatch, error.Code);
        Assert.Equal(before, fx.State.MessagesIn(fx.Ops.ChatId).Count);
    }

    [Fact]
    public async Task Text_without_the_keyword_fails_with_19024_and_text_with_it_lands()
    {
        using var bot = Hook(F.KeywordHook);
        var before = fx.State.MessagesIn(fx.Ops.ChatId).Count;

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => bot.SendTextAsync("just chatting"));
        Assert.Equal(FeishuErrorCodes.WebhookKeywordsNotFound, error.Code);
        Assert.Equal(before, fx.State.MessagesIn(fx.Ops.ChatId).Count);

        var message = await LandsOnceAsync(() => bot.SendTextAsync($"{F.Keyword}: cpu high"));
        Assert.Equal("Keyword Hook", message.Sender.Name);
    }

    [Fact]
    public async Task A_caller_outside_the_ip_allowlist_fails_with_19022()
    {
        using var bot = Hook(F.FencedHook);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => bot.SendTextAsync("from loopback"));

        Assert.Equal(FeishuErrorCodes.WebhookIpNotAllowed, error.Code);
    }

    [Fact]
    public async Task An_unknown_hook_token_fails_with_19001()
    {
        using var bot = Hook("no-such-hook");

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => bot.SendTextAsync("hello?"));

        Assert.Equal(FeishuErrorCodes.WebhookTokenInvalid, error.Code);
    }

    [Fact]
    public async Task A_burst_past_the_hooks_rate_limit_is_retried_and_each_message_lands_once()
    {
        using var bot = Hook(F.SignedHook, F.HookSecret);
        var before = fx.State.MessagesIn(fx.Ops.ChatId).Count;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => bot.SendTextAsync($"burst {i}")));

        var landed = fx.State.MessagesIn(fx.Ops.ChatId).Skip(before).Select(m => Read(m).GetProperty("text").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"burst {i}").Order(StringComparer.Ordinal), landed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_invalid_card_is_refused_locally_and_nothing_lands()
    {
        using var bot = Hook(F.PlainHook);
        var before = fx.State.MessagesIn(fx.Ops.ChatId).Count;

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => bot.SendCardAsync(System.Text.Json.Nodes.JsonNode.Parse("""{"schema":"2.0","body":{"elements":[{"content":"no tag"}]}}""")!));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(before, fx.State.MessagesIn(fx.Ops.ChatId).Count);
    }
}
