using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.CardKit;

/// <summary>
/// One emulator (manual clock) and one callback receiver for a CardKit test class. Tests create their own cards, so
/// they do not see each other's; the clock moves 100 ms before each card operation (<see cref="Tick"/>), so the
/// per-card 10/s limit is only met where a test means to meet it.
/// </summary>
public sealed class CardKitFixture : IAsyncLifetime
{
    public TestEmulator Emulator { get; private set; } = null!;

    public EventReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await EventReceiver.StartAsync();
        Emulator = await TestEmulator.StartAsync();
        Emulator.State.SetEventSubscription(new EventSubscription(Emulator.Options.AppId, Receiver.Url.ToString(), null, "vt_cardkit"));
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    public void Tick() => Emulator.Clock.Advance(TimeSpan.FromMilliseconds(100));

    /// <summary>A streaming answer card: a header and one markdown element <c>answer</c>, plus what <paramref name="extra"/> adds.</summary>
    public static Dictionary<string, object?> AnswerCard(bool streaming = true, string text = "", object? summary = null, params object[] extra) => new()
    {
        ["schema"] = "2.0",
        ["config"] = summary is null
            ? new Dictionary<string, object?> { ["update_multi"] = true, ["streaming_mode"] = streaming }
            : new Dictionary<string, object?> { ["update_multi"] = true, ["streaming_mode"] = streaming, ["summary"] = new { content = summary } },
        ["header"] = new { title = new { tag = "plain_text", content = "Assistant" } },
        ["body"] = new { elements = new object[] { new { tag = "markdown", element_id = "answer", content = text } }.Concat(extra).ToArray() },
    };

    public async Task<Reply> CreateAsync(string token, object card)
    {
        Tick();
        return await Emulator.PostJsonAsync("/open-apis/cardkit/v1/cards", new { type = "card_json", data = card as string ?? JsonSerializer.Serialize(card) }, token);
    }

    public async Task<string> CreateCardAsync(string token, object card)
    {
        using var reply = await CreateAsync(token, card);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("card_id").GetString()!;
    }

    public async Task<Reply> StreamAsync(string token, string cardId, string text, int sequence, string? uuid = null, string elementId = "answer", bool tick = true)
    {
        if (tick)
        {
            Tick();
        }

        return await Emulator.SendAsync(HttpMethod.Put, $"/open-apis/cardkit/v1/cards/{cardId}/elements/{elementId}/content", JsonSerializer.Serialize(new { content = text, sequence, uuid }), token);
    }

    public async Task<Reply> SettingsAsync(string token, string cardId, object settings, int sequence, string? uuid = null)
    {
        Tick();
        return await Emulator.SendAsync(HttpMethod.Patch, $"/open-apis/cardkit/v1/cards/{cardId}/settings", JsonSerializer.Serialize(new { settings = JsonSerializer.Serialize(settings), sequence, uuid }), token);
    }

    public async Task<Reply> CallAsync(string token, HttpMethod method, string path, object body)
    {
        Tick();
        return await Emulator.SendAsync(method, path, JsonSerializer.Serialize(body), token);
    }

    public async Task<string> SendCardAsync(string token, string cardId, string? chatId = null)
    {
        Tick();
        using var sent = await Emulator.SendMessageAsync(token, "chat_id", chatId ?? Emulator.GeneralChat.ChatId, "interactive", new { type = "card", data = new { card_id = cardId } });
        Assert.True(sent.Code == 0, sent.Text);
        return sent.Data.GetProperty("message_id").GetString()!;
    }

    /// <summary>The card entity's current JSON (control endpoint).</summary>
    public async Task<JsonElement> CardJsonAsync(string cardId)
    {
        using var reply = await Emulator.GetAsync($"/_emulator/cardkit/cards/{cardId}", null);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("card_json").Clone();
    }

    public async Task<JsonElement> CardAsync(string cardId)
    {
        using var reply = await Emulator.GetAsync($"/_emulator/cardkit/cards/{cardId}", null);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("card").Clone();
    }

    public async Task<List<JsonElement>> OperationsAsync(string cardId)
    {
        using var reply = await Emulator.GetAsync($"/_emulator/cardkit/cards/{cardId}/operations", null);
        Assert.True(reply.Code == 0, reply.Text);
        return [.. reply.Data.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    public async Task<JsonElement> StatsAsync()
    {
        using var reply = await Emulator.GetAsync("/_emulator/cardkit/stats", null);
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.Clone();
    }

    /// <summary>The text of the card's <c>answer</c> element (or another element by id).</summary>
    public async Task<string?> TextAsync(string cardId, string elementId = "answer")
    {
        var card = await CardJsonAsync(cardId);
        return card.GetProperty("body").GetProperty("elements").EnumerateArray()
            .Where(e => e.TryGetProperty("element_id", out var id) && id.GetString() == elementId)
            .Select(e => e.GetProperty("content").GetString()).SingleOrDefault();
    }
}
