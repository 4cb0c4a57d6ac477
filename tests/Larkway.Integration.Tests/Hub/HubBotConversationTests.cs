using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Integration.Tests.DingTalk;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A two-step command (<c>/feedback</c>: the bot asks, the next message is the answer) on DingTalk and on WeCom, with the
/// Hub restarted between the question and the answer: the conversation is kept in the database the platforms share, so
/// the answer after the restart is taken as the feedback, not answered as a new message.
/// </summary>
public sealed class HubBotConversationTests
{
    // The replies are read as the platform's JSON, where the quotes round the feedback are escaped: its two parts.
    private static bool IsThanks(string reply) => reply.Contains("Thanks, noted", StringComparison.Ordinal) && reply.Contains("The lift is slow", StringComparison.Ordinal);

    [Fact]
    public async Task A_question_the_bot_asked_on_DingTalk_before_a_restart_takes_the_answer_after_it()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        var data = Directory.CreateTempSubdirectory("larkway-hub-dt-conversation-").FullName;
        await using (var before = await HubSandbox.StartAgainstAsync(emulator, "webhook", dataDirectory: data))
        {
            using var admin = Admin(before);
            using var added = await admin.PostAsJsonAsync("/api/v1/apps", new
            {
                name = "dt-talk",
                platform = "dingtalk",
                app_id = EmulatorOptions.DefaultDingTalkAppKey,
                app_secret = EmulatorOptions.DefaultDingTalkAppSecret,
                base_url = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
            });
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
            await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the Hub's Stream connection", seconds: 60);
            await stream.RobotMessageAsync("/feedback");
            await HubSandbox.WaitUntilAsync(() => DingTalkReplies(stream).Any(r => r.Contains("What would you like to tell the team?", StringComparison.Ordinal)), "the bot's question", seconds: 60);
        }

        // The first Hub is gone, its connection with it; the second takes the stored app and connects anew.
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count == 0, "the first Hub's connection closed", seconds: 60);
        await using var after = await HubSandbox.StartAgainstAsync(emulator, "webhook", dataDirectory: data);
        await HubSandbox.WaitUntilAsync(() => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult().Count > 0, "the restarted Hub's Stream connection", seconds: 60);
        await stream.RobotMessageAsync("The lift is slow");
        await HubSandbox.WaitUntilAsync(() => DingTalkReplies(stream).Any(IsThanks), "the bot's thanks", seconds: 60);
        DingTalkReplies(stream).ShouldNotContain(r => r.Contains("Commands:", StringComparison.Ordinal), "the answer is the feedback, not a message the bot did not understand");
    }

    [Fact]
    public async Task A_question_the_bot_asked_on_WeCom_before_a_restart_takes_the_answer_after_it()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var data = Directory.CreateTempSubdirectory("larkway-hub-wc-conversation-").FullName;
        await using (var before = await HubSandbox.StartAgainstAsync(emulator, "webhook", dataDirectory: data))
        {
            using var admin = Admin(before);
            using var added = await admin.PostAsJsonAsync("/api/v1/apps", new
            {
                name = "wc-talk",
                platform = "wecom",
                app_id = EmulatorOptions.DefaultWeComCorpId,
                agent_id = 1000002,
                app_secret = EmulatorOptions.DefaultWeComAppSecret,
                verification_token = EmulatorOptions.DefaultWeComCallbackToken,
                encrypt_key = EmulatorOptions.DefaultWeComEncodingAesKey,
                base_url = Larkway.WeCom.WeComBaseUrls.Emulator(emulator.BaseUrl).AbsoluteUri,
            });
            added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
            await SaveCallbackAsync(before);
            await SayAsync(before, "/feedback");
            await HubSandbox.WaitUntilAsync(() => WeComReplies(before).Any(r => r.Contains("What would you like to tell the team?", StringComparison.Ordinal)), "the bot's question", seconds: 60);
        }

        // The restarted Hub listens elsewhere: WeCom's callback URL is saved again, as an administrator would after a move.
        await using var after = await HubSandbox.StartAgainstAsync(emulator, "webhook", dataDirectory: data);
        await SaveCallbackAsync(after);
        await SayAsync(after, "The lift is slow");
        await HubSandbox.WaitUntilAsync(() => WeComReplies(after).Any(IsThanks), "the bot's thanks", seconds: 60);
        WeComReplies(after).ShouldNotContain(r => r.Contains("Commands:", StringComparison.Ordinal), "the answer is the feedback, not a message the bot did not understand");
    }

    private static HttpClient Admin(HubSandbox hub)
    {
        var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        return admin;
    }

    private static async Task SaveCallbackAsync(HubSandbox hub)
    {
        var callback = new Uri(hub.Host.BaseUrl, "/wecom/apps/wc-talk/callback");
        using var saved = await hub.Control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = callback.AbsoluteUri });
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
    }

    private static async Task SayAsync(HubSandbox hub, string text)
    {
        using var said = await hub.Control.PostAsJsonAsync("/_emulator/wecom/users/alice/say", new { text });
        var outcome = await said.Content.ReadFromJsonAsync<JsonElement>();
        outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
    }

    private static IReadOnlyList<string> DingTalkReplies(DingTalkStreamControl stream) =>
        [.. stream.SessionRepliesAsync().GetAwaiter().GetResult().Select(r => r.GetRawText())];

    private static IReadOnlyList<string> WeComReplies(HubSandbox hub)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/alice/messages").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetRawText())];
    }
}
