using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Writing to the sandbox's assistant from DingTalk and WeCom as the Emulator's users, and reading what reached them on
/// each platform: the DingTalk robot's session replies and one-to-one messages, WeCom app messages, Feishu bot messages.
/// </summary>
internal static class SandboxPlatforms
{
    /// <summary>The directory's person with <paramref name="email"/>, once the sandbox's sync has given them their open_id.</summary>
    public static async Task<string> PersonAsync(HubSandbox hub, string email)
    {
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        string? id = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (id is null)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                id = await db.People.Where(p => p.Email == email).Select(p => p.Id).FirstOrDefaultAsync()
                    is { } person && await db.PersonAppIds.AnyAsync(a => a.PersonId == person && a.App == "") ? person : null;
            }

            if (id is null)
            {
                await Task.Delay(100, cts.Token);
            }
        }

        return id;
    }

    /// <summary>A one-to-one message from <paramref name="user"/> (their staff id) to the sandbox's DingTalk robot, over its Stream connection.</summary>
    public static async Task DingTalkSayAsync(HubSandbox hub, string user, string conversation, string text)
    {
        using var response = await hub.Control.PostAsJsonAsync("/_emulator/dingtalk/stream/robot-messages",
            new { conversationType = "1", senderStaffId = user, senderNick = user, text, conversationId = conversation, appKey = EmulatorOptions.DefaultDingTalkAppKey });
        var answer = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(answer);
    }

    /// <summary>A message from WeCom member <paramref name="user"/> to the sandbox's WeCom app.</summary>
    public static async Task WeComSayAsync(HubSandbox hub, string user, string text)
    {
        using var said = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/users/{user}/say", new { text });
        said.EnsureSuccessStatusCode();
    }

    public static bool StreamConnected(HubSandbox hub)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/connections").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return items.EnumerateArray().Any(c => c.GetProperty("state").GetString() == "open"
            && c.GetProperty("appKey").GetString() == EmulatorOptions.DefaultDingTalkAppKey);
    }

    /// <summary>What the robot answered in the DingTalk conversation, through the messages' session webhooks.</summary>
    public static string DingTalkRepliesText(HubSandbox hub, string conversation)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/session-replies").GetAwaiter().GetResult();
        var items = page.TryGetProperty("items", out var i) ? i : page.GetProperty("data").GetProperty("items");
        return string.Join("\n", items.EnumerateArray().Where(r => r.GetProperty("conversationId").GetString() == conversation).Select(r => r.GetRawText()))
            .Replace("\\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The app messages WeCom member <paramref name="user"/> received.</summary>
    public static string WeComMessagesText(HubSandbox hub, string user)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return page.GetRawText().Replace("\\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The texts the Feishu bot sent in every chat.</summary>
    public static string FeishuBotTexts(HubSandbox hub) =>
        string.Join("\n", hub.State.Chats.SelectMany(chat => hub.State.MessagesIn(chat.ChatId))
            .Where(m => m.Sender.SenderType == "app" && m.MsgType == "text").Select(m => m.Content));
}
