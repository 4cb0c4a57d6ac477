using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// What the assistant tests do to a Hub and read back: create an assistant, read turns (all, or those of one
/// <paramref name="conversation"/> when tests share a Hub), cards and the fake AI's log.
/// </summary>
internal sealed class AssistantDriver(HubSandbox hub, Uri emulator, string? conversation = null) : IDisposable
{
    /// <summary>The chat whose turns this driver sees (null: every chat).</summary>
    public string? Conversation => conversation;

    public const string DifyKey = "app-larkwayemulatordevkey0001";

    private readonly HttpClient _admin = new() { BaseAddress = hub.Api.BaseAddress, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey) } };
    private readonly HttpClient _emulator = new() { BaseAddress = emulator };

    public HttpClient Emulator => _emulator;

    /// <summary>Adds a Dify assistant on the fake backend answering on <paramref name="apps"/>.</summary>
    public async Task CreateAsync(string name, string[] apps, object? policy = null, object? sessions = null, object? streaming = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["backend"] = "dify",
            ["base_url"] = new Uri(emulator, "dify/v1").ToString(),
            ["api_key"] = DifyKey,
            ["apps"] = apps,
            ["policy"] = policy ?? new { unknown_users = "guest" },
        };
        if (sessions is not null)
        {
            body["sessions"] = sessions;
        }

        if (streaming is not null)
        {
            body["streaming"] = streaming;
        }

        using var response = await _admin.PostAsJsonAsync("/api/v1/assistants", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
    }

    /// <summary>Changes assistant <paramref name="name"/> (PATCH: a settings document given replaces the stored one).</summary>
    public async Task PatchAsync(string name, object changes)
    {
        using var response = await _admin.PatchAsJsonAsync($"/api/v1/assistants/{name}", changes);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
    }

    /// <summary>Alice writes <paramref name="text"/> (Feishu's send syntax: <c>&lt;at user_id="…"&gt;</c>) in <paramref name="group"/>; returns the message id.</summary>
    public async Task<string> PostInGroupAsync(EmulatorChat group, string text)
    {
        using var response = await _emulator.PostAsJsonAsync($"/_emulator/chats/{group.ChatId}/messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("message_id").GetString()!;
    }

    /// <summary>The im.message.receive_v1 envelope of <paramref name="message"/>, with its mentions as Feishu lists them.</summary>
    public static JsonNode GroupEnvelope(EmulatorServer emulator, EmulatorMessage message, EmulatorChat group, FeishuPlayer player, string eventId)
    {
        var envelope = JsonNode.Parse(FeishuPlayer.ReceiveEvent(message, group, eventId, player.Verification, player.AppId, emulator.State.Tenant.TenantKey))!;
        if (message.Mentions.Count > 0)
        {
            var mentions = new JsonArray();
            foreach (var mention in message.Mentions)
            {
                mentions.Add(new JsonObject
                {
                    ["key"] = mention.Key,
                    ["id"] = new JsonObject { [mention.IdType] = mention.Id },
                    ["name"] = mention.Name,
                    ["tenant_key"] = emulator.State.Tenant.TenantKey,
                });
            }

            envelope["event"]!["message"]!["mentions"] = mentions;
        }

        return envelope;
    }

    /// <summary>The fake AI's settings (e.g. tokens_per_second).</summary>
    public async Task SetAiAsync(object settings)
    {
        using var response = await _emulator.PutAsJsonAsync("/_emulator/ai/settings", settings);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Arms a fault of the fake AI.</summary>
    public async Task ArmFaultAsync(object fault)
    {
        using var response = await _emulator.PostAsJsonAsync("/_emulator/ai/faults", fault);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every request the fake AI received, as raw JSON text (bodies included).</summary>
    public async Task<string> AiRequestsAsync() => await _emulator.GetStringAsync("/_emulator/ai/requests");

    public async Task<IReadOnlyList<AssistantTurnRow>> TurnsAsync()
    {
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var turns = conversation is null ? db.AssistantTurns.AsNoTracking() : db.AssistantTurns.AsNoTracking().Where(t => t.ConversationId == conversation);

        // The conversation's order: when each was sent, then when the inbox received it (the inbox's concurrent handlers may
        // store them the other way round).
        return await turns.OrderBy(t => t.SentAt).ThenBy(t => t.InboxEventId).ThenBy(t => t.Id).ToListAsync();
    }

    /// <summary>The first turn stored, once there is one.</summary>
    public async Task<AssistantTurnRow> StoredTurnAsync(int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            if ((await TurnsAsync()).FirstOrDefault() is { } turn)
            {
                return turn;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async Task<IReadOnlyList<AssistantFeedbackRow>> FeedbackAsync()
    {
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.AssistantFeedback.AsNoTracking().ToListAsync();
    }

    /// <summary>Waits until <paramref name="count"/> turns have ended; returns them.</summary>
    public async Task<IReadOnlyList<AssistantTurnRow>> EndedTurnsAsync(int count, int seconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            var turns = await TurnsAsync();
            if (turns.Count(t => AssistantTurnStatus.IsTerminal(t.Status)) >= count)
            {
                return turns;
            }

            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up waiting for {count} ended turns; have: {string.Join(", ", turns.Select(t => $"{t.Id}:{t.Status}/{t.State}/{t.LastError}"))}");
            }
        }
    }

    /// <summary>The CardKit stats of the Emulator.</summary>
    public async Task<JsonElement> CardKitStatsAsync() => Data(JsonDocument.Parse(await _emulator.GetStringAsync("/_emulator/cardkit/stats")).RootElement).Clone();

    /// <summary>How many card entities CardKit holds.</summary>
    public async Task<int> CardKitCardsAsync() =>
        Data(JsonDocument.Parse(await _emulator.GetStringAsync("/_emulator/cardkit/cards")).RootElement).GetProperty("items").GetArrayLength();

    // Control answers come in the Feishu envelope ({code, msg, data}).
    private static JsonElement Data(JsonElement root) => root.TryGetProperty("data", out var data) ? data : root;

    /// <summary>The card entity <paramref name="cardId"/>: whether it still streams, and the text of its answer element.</summary>
    public async Task<(bool Streaming, string Answer, JsonElement Card)> CardAsync(string cardId)
    {
        using var document = JsonDocument.Parse(await _emulator.GetStringAsync($"/_emulator/cardkit/cards/{cardId}"));
        var root = Data(document.RootElement);
        var card = root.GetProperty("card_json").Clone();
        return (root.GetProperty("card").GetProperty("streaming").GetBoolean(), AnswerOf(card) ?? "", card);
    }

    /// <summary>The content of the element with id <c>answer</c>, wherever it is in the card.</summary>
    public static string? AnswerOf(JsonElement node)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                if (node.TryGetProperty("element_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "answer"
                    && node.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    return content.GetString();
                }

                foreach (var property in node.EnumerateObject())
                {
                    if (AnswerOf(property.Value) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                {
                    if (AnswerOf(item) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    public void Dispose()
    {
        _admin.Dispose();
        _emulator.Dispose();
    }
}
