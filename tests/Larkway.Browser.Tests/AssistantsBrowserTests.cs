using System.Net;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 31 §5, the console's assistants: one is added through the form (a refused form first, each problem beside its
/// field and nothing stored), edited with its key kept, its conversation and feedback browsed (masked, never the protected
/// columns), and deleted after a confirmation. Every page is screenshot at 1280 and 800 px (artifacts/screenshots).
/// </summary>
public sealed class AssistantsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string ApiKey = "sk-browser-test-key-4711";

    private const string PlaceholderSecret = "13800138000-PLACEHOLDER-VALUE";

    private const string ReplyContextSecret = "https://oapi.example/session-webhook-SECRET";

    [Fact]
    public async Task An_assistant_is_added_refused_then_saved_edited_with_its_key_kept_its_conversation_and_feedback_browsed_and_deleted()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var page = hub.Page;
        await hub.SignInAsync();

        await Menu.GoToAsync(page, "Assistants");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Assistants");
        await Assertions.Expect(page.Locator("#no-assistants")).ToBeVisibleAsync();

        // Every page of the menu still fits one row at 1280 px: the sign-out sits beside the brand, not below it.
        await page.SetViewportSizeAsync(1280, 900);
        var brand = await page.Locator(".nav .brand").BoundingBoxAsync();
        var signOut = await page.Locator(".nav-signout").BoundingBoxAsync();
        (signOut!.Y + signOut.Height).ShouldBeLessThan(brand!.Y + brand.Height + 8);

        // A form with four mistakes: each is named beside its field, and nothing is stored.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add an assistant" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Add assistant");
        await page.Locator("[name='Form.Name']").FillAsync("helpdesk");
        await page.Locator("[name='Form.DisplayName']").FillAsync("IT help desk");
        await page.Locator("[name='Form.Backend']").SelectOptionAsync("openai");
        await page.Locator("[name='Form.BaseUrl']").FillAsync("api.example.com/v1");
        await page.Locator("[name='Form.Apps'][value='default']").CheckAsync();
        await page.Locator("[name='Form.TtlHours']").FillAsync("0");
        await Screenshots.SaveWidthsAsync(page, "console-assistants-new");
        await page.Locator("#save-assistant").ClickAsync();
        await Assertions.Expect(page.Locator("#form-problems")).ToContainTextAsync("was not saved");
        await Assertions.Expect(page.Locator(".field-error[data-field='base_url']")).ToContainTextAsync("The base URL must be an absolute http(s) URL");
        await Assertions.Expect(page.Locator(".field-error[data-field='api_key']")).ToContainTextAsync("The API key is required");
        await Assertions.Expect(page.Locator(".field-error[data-field='model']")).ToContainTextAsync("The model is required for an OpenAI-compatible backend");
        await Assertions.Expect(page.Locator(".field-error[data-field='sessions.ttl_hours']")).ToContainTextAsync("1–8760 hours (got 0)");
        await Assertions.Expect(page.Locator(".field-error")).ToHaveCountAsync(4);

        // What was typed stays (the key excepted), so only the mistakes need fixing.
        (await page.Locator("[name='Form.Name']").InputValueAsync()).ShouldBe("helpdesk");
        (await page.Locator("[name='Form.Apps'][value='default']").IsCheckedAsync()).ShouldBeTrue();
        await Screenshots.SaveWidthsAsync(page, "console-assistants-refused");
        (await ListAsync(admin)).GetArrayLength().ShouldBe(0);

        await page.Locator("[name='Form.BaseUrl']").FillAsync("http://127.0.0.1:11434/v1");
        await page.Locator("[name='Form.ApiKey']").FillAsync(ApiKey);
        await page.Locator("[name='Form.Model']").FillAsync("qwen2.5:7b");
        await page.Locator("[name='Form.SystemPrompt']").FillAsync("You are the IT help desk.\nAnswer briefly.");
        await page.Locator("[name='Form.TtlHours']").FillAsync("24");
        await page.Locator("[name='Form.Apps'][value='dingtalk-sandbox']").CheckAsync();
        await page.Locator("#save-assistant").ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Assistant helpdesk added.");
        var row = page.Locator("tr[data-assistant='helpdesk']");
        await Assertions.Expect(row).ToContainTextAsync("OpenAI-compatible");
        await Assertions.Expect(row).ToContainTextAsync("dingtalk-sandbox DingTalk");
        (await page.ContentAsync()).ShouldNotContain(ApiKey);

        var stored = await GetAsync(admin, "helpdesk");
        stored.GetProperty("api_key_set").GetBoolean().ShouldBeTrue();
        stored.GetProperty("model").GetString().ShouldBe("qwen2.5:7b");
        stored.GetProperty("system_prompt").GetString().ShouldBe("You are the IT help desk.\nAnswer briefly.");
        stored.GetProperty("sessions").GetProperty("ttl_hours").GetInt32().ShouldBe(24);
        Strings(stored.GetProperty("apps")).ShouldBe(["default", "dingtalk-sandbox"]);
        Strings(stored.GetProperty("masking").GetProperty("to_backend")).ShouldBe(["china_mobile", "resident_id", "bank_card", "email"]);
        Strings(stored.GetProperty("masking").GetProperty("to_platform")).ShouldBe(["china_mobile", "resident_id", "bank_card"]);

        // Edited with the key left blank: the key is kept, the form's changes are stored.
        await row.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Assistant helpdesk");
        (await page.Locator("[name='Form.ApiKey']").InputValueAsync()).ShouldBeEmpty();
        await page.Locator("[name='Form.DisplayName']").FillAsync("IT 服务台");
        await page.Locator("[name='Form.GroupMode']").SelectOptionAsync("all");
        await page.Locator("[name='Form.UnknownUsers']").SelectOptionAsync("guest");
        await page.Locator("[name='Form.AccessPeople']").FillAsync("alice@example.com\nbob@example.com");
        await page.Locator("[name='Form.MaskToBackend'][value='email']").UncheckAsync();
        await page.Locator("[name='Form.MaskToPlatform'][value='resident_id']").UncheckAsync();
        await page.Locator("[name='Form.MaskToPlatform'][value='bank_card']").UncheckAsync();
        await page.Locator("[name='Form.Enabled'][type='checkbox']").UncheckAsync();
        await Screenshots.SaveWidthsAsync(page, "console-assistants-edit");
        await page.Locator("#save-assistant").ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Assistant helpdesk saved.");
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("disabled");

        stored = await GetAsync(admin, "helpdesk");
        stored.GetProperty("display_name").GetString().ShouldBe("IT 服务台");
        stored.GetProperty("api_key_set").GetBoolean().ShouldBeTrue();
        stored.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        stored.GetProperty("policy").GetProperty("groups").GetProperty("mode").GetString().ShouldBe("all");
        stored.GetProperty("policy").GetProperty("unknown_users").GetString().ShouldBe("guest");
        Strings(stored.GetProperty("policy").GetProperty("access").GetProperty("people")).ShouldBe(["alice@example.com", "bob@example.com"]);
        Strings(stored.GetProperty("masking").GetProperty("to_backend")).ShouldBe(["china_mobile", "resident_id", "bank_card"]);
        Strings(stored.GetProperty("masking").GetProperty("to_platform")).ShouldBe(["china_mobile"]);
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            // The key is the one typed at the start, still protected at rest.
            var key = (await db.Assistants.SingleAsync(a => a.Name == "helpdesk")).ApiKey;
            key.ShouldNotContain(ApiKey);
        }

        // A conversation as the router stores it: two turns (answered, failed) and three votes.
        var sessionId = await InsertConversationAsync(hub);
        await page.GotoAsync(hub.Url("/console/assistants"));
        await Assertions.Expect(row.Locator(".answers")).ToHaveTextAsync("1");
        await Assertions.Expect(row.Locator(".ratio")).ToHaveTextAsync("50%");
        await Assertions.Expect(row.Locator(".votes")).ToContainTextAsync("1 helpful · 1 not helpful · 1 regenerated");
        await Screenshots.SaveWidthsAsync(page, "console-assistants");

        await row.GetByRole(AriaRole.Link, new() { Name = "Conversations" }).ClickAsync();
        var session = page.Locator($"tr[data-session='{sessionId}']");
        await Assertions.Expect(session).ToContainTextAsync("DingTalk, Feishu / Lark");
        await Assertions.Expect(session.Locator(".status")).ToHaveTextAsync("failed");
        await Screenshots.SaveWidthsAsync(page, "console-assistants-conversations");

        await page.Locator("[name='platform']").SelectOptionAsync("wecom");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#no-sessions")).ToContainTextAsync("match these filters");
        await page.Locator("[name='platform']").SelectOptionAsync("dingtalk");
        await page.Locator("[name='status']").SelectOptionAsync("answered");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#no-sessions")).ToBeVisibleAsync();
        await page.Locator("[name='status']").SelectOptionAsync("failed");
        await page.Locator("[name='person']").FillAsync("per_browser_alice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(1);

        // A question refused before any session started is one link away.
        await page.Locator("#turns-without-session a").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Turns in no session");
        await Assertions.Expect(page.Locator("tr[data-turn]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("tr[data-turn] .status")).ToHaveTextAsync("refused");
        await Assertions.Expect(page.Locator("tr[data-turn] .failure")).ToHaveTextAsync("unknown_user");
        await Screenshots.SaveWidthsAsync(page, "console-assistants-no-session");
        (await page.ContentAsync()).ShouldNotContain(PlaceholderSecret);
        await page.GoBackAsync();

        await session.GetByRole(AriaRole.Link, new() { Name = $"#{sessionId}" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Session #{sessionId}");
        var turns = page.Locator("tr[data-turn]");
        await Assertions.Expect(turns).ToHaveCountAsync(2);
        await Assertions.Expect(turns.Nth(0).Locator(".question")).ToHaveTextAsync("My phone is {{PHONE_1}}, please call me back about VPN access.");
        await Assertions.Expect(turns.Nth(0).Locator(".answer")).ToContainTextAsync("Open the VPN client");
        await Assertions.Expect(turns.Nth(0)).ToContainTextAsync("1.2 s");
        await Assertions.Expect(turns.Nth(0).Locator(".feedback")).ToContainTextAsync("helpful");
        await Assertions.Expect(turns.Nth(1).Locator(".failure")).ToHaveTextAsync("backend_timeout");
        var html = await page.ContentAsync();
        html.ShouldNotContain(PlaceholderSecret);
        html.ShouldNotContain(ReplyContextSecret);
        await Screenshots.SaveWidthsAsync(page, "console-assistants-session");

        await page.GotoAsync(hub.Url("/console/assistants/feedback"));
        await Assertions.Expect(page.Locator("#ratios tr[data-assistant='helpdesk'] .ratio")).ToHaveTextAsync("50%");
        await Assertions.Expect(page.Locator("#feedback tr[data-turn]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#feedback")).ToContainTextAsync("not helpful");
        await Assertions.Expect(page.Locator("#feedback")).ToContainTextAsync("regenerate");
        await Screenshots.SaveWidthsAsync(page, "console-assistants-feedback");

        // Long lists page by cursor: a second assistant (added through the API, disabled: helpdesk answers on the app) with 51 sessions and 101 votes.
        using (var created = await admin.PostAsync("/api/v1/assistants", new StringContent(
            """{"name":"archive","backend":"dify","base_url":"http://127.0.0.1:9/v1","api_key":"app-archive","apps":["default"],"enabled":false}""",
            System.Text.Encoding.UTF8, "application/json")))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await InsertManyAsync(hub, "archive", sessions: Larkway.Hub.AdminConsole.Pages.AssistantConversationsModel.PageSize + 1, votes: Larkway.Hub.AdminConsole.Pages.AssistantFeedbackModel.PageSize + 1);
        await page.GotoAsync(hub.Url("/console/assistants/archive/conversations"));
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(Larkway.Hub.AdminConsole.Pages.AssistantConversationsModel.PageSize);
        await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);
        await page.GotoAsync(hub.Url("/console/assistants/feedback?assistant=archive"));
        await Assertions.Expect(page.Locator("#feedback tr[data-turn]")).ToHaveCountAsync(Larkway.Hub.AdminConsole.Pages.AssistantFeedbackModel.PageSize);
        await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        await Assertions.Expect(page.Locator("#feedback tr[data-turn]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#feedback")).ToContainTextAsync("per_voter_000");
        (await admin.DeleteAsync("/api/v1/assistants/archive")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // Deleted after a confirmation page, with its conversations.
        await page.GotoAsync(hub.Url("/console/assistants"));
        await row.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Delete assistant helpdesk?");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Its 1 session");
        await Screenshots.SaveWidthsAsync(page, "console-assistants-delete");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete helpdesk" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Assistant helpdesk deleted with its conversations.");
        await Assertions.Expect(page.Locator("#no-assistants")).ToBeVisibleAsync();
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            (await db.AssistantSessions.CountAsync()).ShouldBe(0);
            (await db.AssistantTurns.CountAsync()).ShouldBe(0);
        }

        var audit = hub.Host.Services.GetRequiredService<Larkway.Hub.Platform.Audit.IAuditLog>();
        foreach (var action in new[] { "assistant.create", "assistant.update", "assistant.delete" })
        {
            (await audit.ListAsync(action, 10, CancellationToken.None)).Count(e => e.Target == "helpdesk").ShouldBe(1, action);
        }

        hub.CspViolations.ShouldBeEmpty();
    }

    private static async Task<long> InsertConversationAsync(ConsoleHub hub)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var session = new AssistantSessionRow
        {
            Assistant = "helpdesk", Key = "person:per_browser_alice", Number = 1, PersonId = "per_browser_alice", Turns = 2,
            CreatedAt = now.AddMinutes(-5), LastActiveAt = now.AddMinutes(-1), ExpiresAt = now.AddHours(24),
        };
        db.AssistantSessions.Add(session);
        await db.SaveChangesAsync();
        var answered = Turn(session.Id, "feishu", "default", "om_1", now.AddMinutes(-5));
        answered.Question = "My phone is {{PHONE_1}}, please call me back about VPN access.";
        answered.Answer = "Open the VPN client and sign in again.\nIf that fails, we call you back.";
        answered.Status = AssistantTurnStatus.Answered;
        answered.StartedAt = answered.ReceivedAt.AddMilliseconds(200);
        answered.FirstTokenAt = answered.ReceivedAt.AddMilliseconds(1200);
        answered.FinishedAt = answered.ReceivedAt.AddSeconds(4);
        answered.Updates = 7;
        var failed = Turn(session.Id, "dingtalk", "dingtalk-sandbox", "msg_2", now.AddMinutes(-1));
        failed.Question = "And the printer on floor 3?";
        failed.Status = AssistantTurnStatus.Failed;
        failed.FailureKind = "backend_timeout";
        failed.FinishedAt = failed.ReceivedAt.AddSeconds(60);
        var refused = Turn(null, "wecom", "wecom-sandbox", "wm_3", now.AddMinutes(-2));
        refused.Question = "Who earns the most here?";
        refused.PersonId = null;
        refused.SenderId = "wecom_guest";
        refused.Status = AssistantTurnStatus.Refused;
        refused.FailureKind = "unknown_user";
        db.AssistantTurns.AddRange(answered, failed, refused);
        await db.SaveChangesAsync();
        db.AssistantFeedback.AddRange(
            new AssistantFeedbackRow { TurnId = answered.Id, User = "per_browser_alice", Value = "helpful", At = now.AddMinutes(-4) },
            new AssistantFeedbackRow { TurnId = answered.Id, User = "feishu:ou_browser_bob", Value = "not_helpful", At = now.AddMinutes(-3) },
            new AssistantFeedbackRow { TurnId = failed.Id, User = "per_browser_alice", Value = "regenerate", At = now.AddSeconds(-30) });
        await db.SaveChangesAsync();
        return session.Id;
    }

    /// <summary><paramref name="sessions"/> sessions of one question each, and <paramref name="votes"/> votes (one a second, the first oldest) on the first.</summary>
    private static async Task InsertManyAsync(ConsoleHub hub, string assistant, int sessions, int votes)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var rows = Enumerable.Range(0, sessions).Select(i => new AssistantSessionRow
        {
            Assistant = assistant, Key = $"person:per_many_{i}", Number = 1, PersonId = $"per_many_{i}", Turns = 1,
            CreatedAt = now, LastActiveAt = now, ExpiresAt = now.AddHours(1),
        }).ToList();
        db.AssistantSessions.AddRange(rows);
        await db.SaveChangesAsync();
        var turns = rows.Select((r, i) =>
        {
            var turn = Turn(r.Id, "feishu", "default", $"om_many_{i}", now);
            turn.Assistant = assistant;
            turn.Question = $"Question {i}";
            turn.Status = AssistantTurnStatus.Answered;
            return turn;
        }).ToList();
        db.AssistantTurns.AddRange(turns);
        await db.SaveChangesAsync();
        db.AssistantFeedback.AddRange(Enumerable.Range(0, votes).Select(i => new AssistantFeedbackRow
        {
            TurnId = turns[0].Id, User = $"per_voter_{i:000}", Value = i % 2 == 0 ? "helpful" : "not_helpful", At = now.AddSeconds(i - votes),
        }));
        await db.SaveChangesAsync();
    }

    private static AssistantTurnRow Turn(long? sessionId, string platform, string app, string messageId, DateTimeOffset at) => new()
    {
        Assistant = "helpdesk",
        SessionId = sessionId,
        MessageKey = $"{platform}:{app}:{messageId}",
        Lane = $"{platform}:{app}:chat_1",
        Platform = platform,
        App = app,
        ConversationId = "chat_1",
        ConversationKind = "direct",
        MessageId = messageId,
        SenderId = platform == "feishu" ? "ou_browser_alice" : "staff_alice",
        PersonId = "per_browser_alice",
        Placeholders = PlaceholderSecret,
        ReplyContext = ReplyContextSecret,
        ReceivedAt = at,
        State = WorkState.Done,
    };

    private static async Task<JsonElement> ListAsync(HttpClient admin) => (await GetJsonAsync(admin, "/api/v1/assistants")).GetProperty("items");

    private static async Task<JsonElement> GetAsync(HttpClient admin, string name) => await GetJsonAsync(admin, $"/api/v1/assistants/{name}");

    private static async Task<JsonElement> GetJsonAsync(HttpClient admin, string path)
    {
        using var response = await admin.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
