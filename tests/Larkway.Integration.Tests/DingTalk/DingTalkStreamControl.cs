using System.Net.Http.Json;
using System.Text.Json;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>The emulator's DingTalk Stream control endpoints over HTTP, as a test drives them.</summary>
internal sealed class DingTalkStreamControl(Uri emulator, string appKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(emulator, "/_emulator/dingtalk/stream/") };

    /// <summary>Pushes a robot message from a person; returns its msgId.</summary>
    public async Task<string> RobotMessageAsync(string text, string conversationType = "1")
    {
        var answer = await PostAsync("robot-messages", new { conversationType, senderStaffId = "alice", senderNick = "Alice Chen", text, appKey });
        return answer.GetProperty("msgId").GetString()!;
    }

    public async Task<string> EventAsync(string eventType, object data) =>
        (await PostAsync("events", new { eventType, data, appKey })).GetProperty("messageId").GetString()!;

    public Task CardCallbackAsync(string outTrackId) => PostAsync("card-callbacks", new { outTrackId, userId = "alice", actionId = "approve", appKey });

    public async Task<IReadOnlyList<JsonElement>> ConnectionsAsync() => Items(await GetAsync("connections"));

    public async Task<IReadOnlyList<string>> OpenConnectionIdsAsync() =>
        [.. (await ConnectionsAsync()).Where(c => c.GetProperty("state").GetString() == "open").Select(c => c.GetProperty("id").GetString()!)];

    public async Task<IReadOnlyList<JsonElement>> DeliveriesAsync() => Items(await GetAsync("deliveries"));

    public async Task<IReadOnlyList<JsonElement>> SessionRepliesAsync() => Items(await GetAsync("session-replies"));

    public async Task DisconnectAsync(string connectionId) => (await _http.PostAsync($"connections/{connectionId}/disconnect", null)).EnsureSuccessStatusCode();

    public Task FaultAsync(object fault) => PostAsync("faults", fault);

    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> PostAsync(string path, object body)
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
