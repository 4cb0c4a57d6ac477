using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Apps;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A platform plugs into the Apps room with one registration: a made-up platform's descriptor, registered by the test as a
/// room would register its own, gives the Apps API its name, its own field rule, its default base URL, its callback path
/// and its permission table — nothing in Apps/ names it; the console shows its apps with its words and the common form.
/// </summary>
public sealed class HubAppsPlatformTests
{
    [Fact]
    public async Task A_registered_platforms_app_is_checked_by_its_own_rule_stored_listed_and_shown_with_its_own_scopes()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", configure: b => b.Services.AddHubPlatform(new TestChatPlatform()));
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);

        // Its own rule, in its own words, by field; and a field only other platforms have is named as theirs.
        var refused = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "chat", platform = "TestChat", app_id = "cli_not_ours", app_secret = "s3cret", robot_code = "r" });
        var refusedText = await refused.Content.ReadAsStringAsync();
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, refusedText);
        var problems = JsonDocument.Parse(refusedText).RootElement.GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("message").GetString()!);
        problems.Keys.ShouldBe(["robot_code", "app_id"], ignoreOrder: true);
        problems["app_id"].ShouldBe(TestChatPlatform.AppIdRule);
        problems["robot_code"].ShouldContain("Only DingTalk apps have a robot code");

        // An unknown platform's refusal lists the registered ones, this one among them.
        var unknown = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "chat", platform = "nochat", app_id = "tc_0001", app_secret = "s3cret" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("testchat, feishu, lark, dingtalk, wecom");

        var created = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "chat", platform = "testchat", app_id = "tc_0001", app_secret = "s3cret" });
        var createdText = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdText);
        createdText.ShouldNotContain("s3cret");
        var app = JsonDocument.Parse(createdText).RootElement;
        ShowsItsOwnFacts(app, hub.Host.BaseUrl);

        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps")).GetProperty("items").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "chat");
        ShowsItsOwnFacts(listed, hub.Host.BaseUrl);
        ShowsItsOwnFacts(await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/chat"), hub.Host.BaseUrl);
        var scopes = await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/chat/scopes");
        scopes.GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("scope").GetString()).ShouldBe(["messages:send"]);

        // A change is checked by the same rule; its platform stays its own.
        var changed = await admin.PatchAsJsonAsync("/api/v1/apps/chat", new { app_id = "wrong" });
        changed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await changed.Content.ReadAsStringAsync()).ShouldContain("tc_");
        var moved = await admin.PatchAsJsonAsync("/api/v1/apps/chat", new { platform = "feishu" });
        moved.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await moved.Content.ReadAsStringAsync()).ShouldContain("cannot change (it is testchat)");
    }

    [Fact]
    public async Task The_console_shows_a_registered_platforms_app_in_its_own_words_with_the_common_form()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", configure: b => b.Services.AddHubPlatform(new TestChatPlatform()));
        using var admin = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        var created = await admin.PostAsJsonAsync("/api/v1/apps", new { name = "chat", platform = "testchat", app_id = "tc_0001", app_secret = "s3cret" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();

        // The list: its name, its words for the secrets, and the common Events and Card URLs on its own path.
        var list = await console.Http.GetStringAsync("/console/apps");
        var row = list[list.IndexOf("<tr class=\"app-row\" data-app=\"chat\">", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        row.ShouldContain("<td class=\"app-platform\">TestChat<span class=\"url-line\">");
        row.ShouldContain("Bot Secret: set");
        row.ShouldContain("Signing Key: ");
        row.ShouldContain("Check Token: ");
        list.ShouldContain("<tr class=\"app-urls-row\" data-app-urls=\"chat\">");
        list[list.IndexOf("data-app-urls=\"chat\"", StringComparison.Ordinal)..].ShouldContain("/testchat/apps/chat/callback</code>");
        row.ShouldContain("<code>messages:send</code>");

        // The add form offers it, and gives it the common fields under its labels (nothing of Feishu's own form).
        var add = await console.Http.GetStringAsync("/console/apps/edit?platform=testchat");
        add.ShouldContain("<strong aria-current=\"page\">TestChat</strong>");
        add.ShouldContain("<label>Bot ID <input name=\"AppId\"");
        add.ShouldContain("placeholder=\"testchat or https://");
        add.ShouldContain("<label>Signing Key <input name=\"EncryptKey\"");
        add.ShouldNotContain("LegacyCardCallbacks");
        add.ShouldNotContain("cli_a1b2c3d4e5f60001");

        var edit = await console.Http.GetStringAsync("/console/apps/edit/chat");
        edit.ShouldContain("Platform: <strong>TestChat</strong>");
        edit.ShouldContain("<label>Bot Secret <input name=\"AppSecret\"");
    }

    private static void ShowsItsOwnFacts(JsonElement app, Uri hubBaseUrl)
    {
        app.GetProperty("platform").GetString().ShouldBe("testchat");
        app.GetProperty("app_id").GetString().ShouldBe("tc_0001");
        app.GetProperty("base_url").GetString().ShouldBe("https://api.testchat.example/");
        app.GetProperty("events_url").GetString().ShouldBe(new Uri(hubBaseUrl, "/testchat/apps/chat/callback").ToString());
        var permissions = app.GetProperty("permissions");
        permissions.GetProperty("features").EnumerateArray().Select(f => f.GetString()).ShouldBe(["notifications", "email_lookup", "events"]);
        permissions.GetProperty("scopes").EnumerateArray().Select(s => s.GetProperty("scope").GetString()).ShouldBe(["messages:send"]);
    }

    /// <summary>A made-up platform, as a room would describe it: only what differs from the defaults.</summary>
    private sealed class TestChatPlatform : HubPlatformInfo
    {
        public const string AppIdRule = "A TestChat app id starts with tc_ (TestChat's console → the app), e.g. tc_0001.";

        public override string Name => "testchat";

        public override string DisplayName => "TestChat";

        public override Uri DefaultBaseUrl { get; } = new("https://api.testchat.example/");

        public override string AppIdExample => "tc_0001";

        public override HubAppFormLabels FormLabels { get; } = new("Bot ID", "Bot Secret", "Signing Key", "Check Token", "testchat or https://…");

        public override IReadOnlyList<HubAppScopeRow> Scopes { get; } =
        [
            new(HubAppFeatures.Notifications, "messages:send", "Send messages", "Notifications are sent as the app.", true),
        ];

        public override void Check(HubAppCheck check)
        {
            if (check.Input.AppId?.Trim() is { Length: > 0 } appId && !appId.StartsWith("tc_", StringComparison.Ordinal))
            {
                check.Problem("app_id", AppIdRule);
            }
        }
    }
}
