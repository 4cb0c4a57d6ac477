using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.WeCom.AiBot;

/// <summary>The emulator's WeCom AI bot control endpoints over HTTP, as a test drives them (a user writing, faults, what WeCom shows).</summary>
internal sealed class AiBotControl(Uri emulator) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(emulator, "/_emulator/wecom/aibot/") };

    /// <summary>A user writes to the bot; returns the emulator's answer (the message, its req_id, how it was delivered).</summary>
    public Task<JsonElement> MessageAsync(string text, string userId = "alice") => PostAsync("messages", new { userid = userId, chattype = "single", msgtype = "text", text });

    public Task<JsonElement> EnterChatAsync(string userId = "alice") => PostAsync("enter-chat", new { userid = userId });

    public async Task<IReadOnlyList<JsonElement>> ConnectionsAsync() => Items(await GetAsync("connections"));

    public async Task<IReadOnlyList<JsonElement>> ConversationsAsync() => Items(await GetAsync("conversations"));

    public async Task<JsonElement> ConversationMessagesAsync(string id) => await GetAsync("conversations/messages?id=" + Uri.EscapeDataString(id));

    public Task FaultAsync(object fault) => PostAsync("faults", fault);

    public async Task ClearFaultsAsync() => (await _http.DeleteAsync("faults")).EnsureSuccessStatusCode();

    public void Dispose() => _http.Dispose();

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: HTTP {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string path) => JsonDocument.Parse(await _http.GetStringAsync(path)).RootElement.Clone();

    private static IReadOnlyList<JsonElement> Items(JsonElement answer) =>
        [.. (answer.ValueKind == JsonValueKind.Array ? answer : answer.GetProperty("items")).EnumerateArray()];
}
