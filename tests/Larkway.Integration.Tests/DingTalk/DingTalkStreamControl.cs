using System.Text.Json;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.DingTalk;

/// <summary>The emulator's DingTalk Stream control endpoints over HTTP, as a test drives them.</summary>
internal sealed class DingTalkStreamControl(Uri emulator, string appKey) : EmulatorControlClient(emulator, "/_emulator/dingtalk/stream/")
{
    /// <summary>Pushes a robot message from a person; returns its msgId.</summary>
    public async Task<string> RobotMessageAsync(string text, string conversationType = "1")
    {
        var answer = await PostAsync("robot-messages", new { conversationType, senderStaffId = "alice", senderNick = "Alice Chen", text, appKey });
        return answer.GetProperty("msgId").GetString()!;
    }

    public async Task<string> EventAsync(string eventType, object data) =>
        (await PostAsync("events", new { eventType, data, appKey })).GetProperty("messageId").GetString()!;

    public Task CardCallbackAsync(string outTrackId) => CardCallbackAsync(outTrackId, "alice", "approve");

    /// <summary>Pushes a card callback: <paramref name="userId"/> pressed the button <paramref name="actionId"/> of the card.</summary>
    public Task CardCallbackAsync(string outTrackId, string userId, string actionId) => PostAsync("card-callbacks", new { outTrackId, userId, actionId, appKey });

    public async Task<IReadOnlyList<JsonElement>> ConnectionsAsync() => Items(await GetAsync("connections"));

    public async Task<IReadOnlyList<string>> OpenConnectionIdsAsync() =>
        [.. (await ConnectionsAsync()).Where(c => c.GetProperty("state").GetString() == "open").Select(c => c.GetProperty("id").GetString()!)];

    public async Task<IReadOnlyList<JsonElement>> DeliveriesAsync() => Items(await GetAsync("deliveries"));

    public async Task<IReadOnlyList<JsonElement>> SessionRepliesAsync() => Items(await GetAsync("session-replies"));

    public async Task DisconnectAsync(string connectionId) => (await Http.PostAsync($"connections/{connectionId}/disconnect", null)).EnsureSuccessStatusCode();

    public Task FaultAsync(object fault) => PostAsync("faults", fault);
}
