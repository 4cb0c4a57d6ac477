using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.WeCom.AiBot;
using Larkway.Integration.Tests.WeCom.AiBot;
using Microsoft.Extensions.DependencyInjection;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.Hub;

/// <summary>What the Hub's WeCom AI bot tests share: the app with the Emulator's AI bot, the holder's duty, what the user sees.</summary>
internal static class HubWeComAiBot
{
    public const string AppName = "wc-aibot";

    /// <summary>The Emulator's AI bot endpoint.</summary>
    public static Uri WebSocketUrl(EmulatorServer emulator) =>
        new UriBuilder(emulator.BaseUrl) { Scheme = emulator.BaseUrl.Scheme == "https" ? "wss" : "ws", Path = "/wecom-aibot/ws" }.Uri;

    /// <summary>The body adding the Emulator's WeCom app with its AI bot.</summary>
    public static Dictionary<string, object?> AppBody(EmulatorServer emulator, string name = AppName) => new()
    {
        ["name"] = name,
        ["platform"] = "wecom",
        ["app_id"] = EmulatorOptions.DefaultWeComCorpId,
        ["agent_id"] = 1000002,
        ["app_secret"] = EmulatorOptions.DefaultWeComAppSecret,
        ["base_url"] = Larkway.WeCom.WeComBaseUrls.Emulator(emulator.BaseUrl).AbsoluteUri,
        ["ai_bot_id"] = EmulatorAiBot.DefaultBotId,
        ["ai_bot_secret"] = EmulatorAiBot.DefaultSecret,
        ["ai_bot_url"] = WebSocketUrl(emulator).AbsoluteUri,
    };

    public static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    /// <summary>Stores the Emulator's app with its AI bot in <paramref name="hub"/> and waits for the Hub's connection to it.</summary>
    public static async Task AddAppAndConnectAsync(HubSandbox hub, EmulatorServer emulator)
    {
        using var admin = Admin(hub);
        using (var added = await admin.PostAsJsonAsync("/api/v1/apps", AppBody(emulator)))
        {
            Assert.True(added.StatusCode == System.Net.HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => Duty(hub)?.IsConnected == true, "the Hub's AI bot connection", seconds: 60);
    }

    public static WeComAiBotDuty? Duty(HubSandbox hub, string app = AppName) =>
        hub.Host.Services.GetRequiredService<WeComAiBotSupervisor>().Duties.GetValueOrDefault(app);

    /// <summary>The ids of the Emulator's open AI bot connections.</summary>
    public static IReadOnlyList<string> OpenConnections(AiBotControl control) =>
        [.. control.ConnectionsAsync().GetAwaiter().GetResult()
            .Where(c => c.TryGetProperty("state", out var s) && string.Equals(s.GetString(), "open", StringComparison.OrdinalIgnoreCase))
            .Select(c => c.GetProperty("id").GetString()!)];

    /// <summary>The bot's finished replies in the user's single chat, as WeCom shows them.</summary>
    public static IReadOnlyList<string> Replies(AiBotControl control, string user = "alice")
    {
        var conversations = control.ConversationsAsync().GetAwaiter().GetResult();
        var id = $"{EmulatorAiBot.DefaultBotId}/single/{user}";
        if (!conversations.Any(c => c.GetProperty("id").GetString() == id))
        {
            return [];
        }

        var page = control.ConversationMessagesAsync(id).GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("from").GetString() == "bot" && m.TryGetProperty("finished", out var f) && f.GetBoolean())
            .Select(m => m.GetProperty("content").GetString() ?? "")];
    }

    public static async Task<IReadOnlyList<JsonElement>> EventsAsync(HttpClient admin, string type)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/events?type=" + Uri.EscapeDataString(type));
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
