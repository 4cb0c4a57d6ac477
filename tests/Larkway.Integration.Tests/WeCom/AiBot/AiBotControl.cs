using System.Text.Json;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.WeCom.AiBot;

/// <summary>The emulator's WeCom AI bot control endpoints over HTTP, as a test drives them (a user writing, faults, what WeCom shows).</summary>
internal sealed class AiBotControl(Uri emulator) : EmulatorControlClient(emulator, "/_emulator/wecom/aibot/")
{
    /// <summary>A user writes to the bot; returns the emulator's answer (the message, its req_id, how it was delivered).</summary>
    public Task<JsonElement> MessageAsync(string text, string userId = "alice") => PostAsync("messages", new { userid = userId, chattype = "single", msgtype = "text", text });

    /// <summary>A user sends the bot a picture alone (single chat); the bot receives its URL, encrypted, and the key.</summary>
    public Task<JsonElement> ImageAsync(byte[] content, string userId = "alice", string? fileName = null) =>
        PostAsync("messages", new { userid = userId, chattype = "single", msgtype = "image", data_base64 = Convert.ToBase64String(content), filename = fileName });

    public Task<JsonElement> EnterChatAsync(string userId = "alice") => PostAsync("enter-chat", new { userid = userId });

    public async Task<IReadOnlyList<JsonElement>> ConnectionsAsync() => Items(await GetAsync("connections"));

    public async Task<IReadOnlyList<JsonElement>> ConversationsAsync() => Items(await GetAsync("conversations"));

    public async Task<JsonElement> ConversationMessagesAsync(string id) => await GetAsync("conversations/messages?id=" + Uri.EscapeDataString(id));

    public Task FaultAsync(object fault) => PostAsync("faults", fault);

    public async Task ClearFaultsAsync() => (await Http.DeleteAsync("faults")).EnsureSuccessStatusCode();

    /// <summary>A user answers the feedback buttons under a bot's reply: 1 accurate, 2 inaccurate, 3 cancels the earlier answer.</summary>
    public Task<JsonElement> FeedbackAsync(string messageId, int type, string userId = "alice") => PostAsync("feedback", new { message_id = messageId, userid = userId, type });

    /// <summary>
    /// A user writes in the bots' group chat (<paramref name="chatId"/>, the Emulator's seeded group); WeCom pushes it to the
    /// bot only when <paramref name="mentioned"/>, and shows it in the group either way.
    /// </summary>
    public Task<JsonElement> GroupMessageAsync(string text, string chatId, bool mentioned = true, string userId = "alice") =>
        PostAsync("messages", new { userid = userId, chattype = "group", chatid = chatId, msgtype = "text", text, mentioned });

    /// <summary>A user presses the button keyed <paramref name="key"/> on the bot's template card message <paramref name="messageId"/>.</summary>
    public Task<JsonElement> ClickAsync(string messageId, string key, string userId = "alice") =>
        PostAsync("card-clicks", new { message_id = messageId, userid = userId, event_key = key });

    /// <summary>Redelivers a message WeCom pushed before (same msgid, a new req_id).</summary>
    public Task<JsonElement> RedeliverAsync(string msgId) => PostAsync("messages/redeliver", new { msgid = msgId });
}
