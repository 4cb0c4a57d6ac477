using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 44, the console's people and conversations in the first hour: the directory listed by name with where each person
/// is reached and their linked accounts, a link's "Linked by" saying how it was made, a session's turns fitting the page at
/// 1280 px whatever was asked, and the audit log saying an assistant's key was set, not changed, when it was created.
/// Pages are screenshot at 1280 and 800 px (artifacts/screenshots).
/// </summary>
public sealed class ConsolePeopleBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_directory_is_listed_by_name_with_each_persons_platforms_and_linked_accounts_and_a_self_link_says_so()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Directory:PollInterval"] = "00:00:00.100",
        });
        var emulator = hub.Host.Emulator!;
        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");

        // More people than the seed's four (already in name order), named so that no id order is likely to be the name order.
        foreach (var (name, key) in new[] { ("Zoe Qian", "zoe"), ("Aaron Wu", "aaron"), ("Mia Sun", "mia"), ("Erin Xu", "erin"), ("Bea Ma", "bea") })
        {
            emulator.State.AddUser(alice with { OpenId = $"ou_{key}", UnionId = $"on_{key}", UserId = $"u_{key}", Name = name, Email = $"{key}@example.com", Mobile = null });
        }

        var page = hub.Page;
        await hub.SignInAsync();
        await page.GotoAsync(hub.Url("/console/directory"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Full sync dsr_");
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("#sync-status").TextContentAsync() == "completed";
        }, "the sync to complete");

        // Bob linked his DingTalk account himself (/link with a code) and prefers it; Carol's WeCom account was found by her mobile.
        var links = hub.Host.Services.GetRequiredService<PersonLinkStore>();
        var bob = (await links.ActivePersonByEmailAsync("bob@example.com", CancellationToken.None))!;
        var carol = (await links.ActivePersonByEmailAsync("carol@example.com", CancellationToken.None))!;
        (await links.LinkAsync(bob.Id, "dingtalk", "dingtalk-sandbox", "bob_staff", PersonLinkSource.Self, CancellationToken.None)).ShouldBe(PersonLinkOutcome.Linked);
        (await links.SetPreferredPlatformAsync(bob.Id, "dingtalk", CancellationToken.None)).ShouldBeTrue();
        (await links.LinkAsync(carol.Id, "wecom", "wecom-sandbox", "carol", PersonLinkSource.Mobile, CancellationToken.None)).ShouldBe(PersonLinkOutcome.Linked);

        await page.SetViewportSizeAsync(1280, 900);
        await page.ReloadAsync();
        var names = await page.Locator("tr[data-person] td:first-child > a").AllTextContentsAsync();
        names.Count.ShouldBe(emulator.State.Users.Count(u => !u.IsResigned));
        names.ShouldBe(names.Order(StringComparer.Ordinal).ToList(), "people are listed by name");

        // Each person's platforms by the registry's names (the directory's own for everyone synced), and their accounts.
        var bobRow = page.Locator($"tr[data-person='{bob.Id}']");
        await Assertions.Expect(bobRow.Locator("td.platforms .platform[data-platform='feishu']")).ToHaveCountAsync(1);
        await Assertions.Expect(bobRow.Locator("td.platforms .platform[data-platform='dingtalk']")).ToHaveTextAsync("DingTalk (preferred)");
        await Assertions.Expect(bobRow.Locator("td.accounts .account[data-link='dingtalk/dingtalk-sandbox']")).ToContainTextAsync("bob_staff");
        await Assertions.Expect(bobRow.Locator("td.accounts")).ToContainTextAsync("the person (/link with a one-time code)");
        var carolRow = page.Locator($"tr[data-person='{carol.Id}']");
        await Assertions.Expect(carolRow.Locator("td.platforms .platform[data-platform='wecom']")).ToHaveTextAsync("WeCom");
        await Assertions.Expect(carolRow.Locator("td.accounts")).ToContainTextAsync("mobile lookup");
        var alicePerson = (await links.ActivePersonByEmailAsync("alice@example.com", CancellationToken.None))!;
        await Assertions.Expect(page.Locator($"tr[data-person='{alicePerson.Id}'] td.accounts .account")).ToHaveCountAsync(0);
        // Nine columns scroll sideways inside the table's own container (.table-scroll) rather than widen the page.
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the page itself does not scroll sideways");
        await Screenshots.SaveWidthsAsync(page, "console-people-directory");

        // The person's page says the same of how the link was made as the API's "source": self.
        await bobRow.GetByRole(AriaRole.Link, new() { Name = "Bob Li" }).ClickAsync();
        var link = page.Locator("tr[data-link='dingtalk/dingtalk-sandbox']");
        await Assertions.Expect(link).ToContainTextAsync("the person (/link with a one-time code)");
        await Assertions.Expect(link).Not.ToContainTextAsync("mobile lookup");
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var platforms = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/directory/people/{bob.Id}/platforms");
        platforms.GetProperty("links")[0].GetProperty("source").GetString().ShouldBe(PersonLinkSource.Self);
        await Screenshots.SaveWidthsAsync(page, "console-people-person");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_account_held_for_an_administrator_is_listed_with_its_candidates_and_linked_to_the_one_picked()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Directory:PollInterval"] = "00:00:00.100",
        });
        var page = hub.Page;
        await hub.SignInAsync();
        await page.GotoAsync(hub.Url("/console/directory"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("#sync-status").TextContentAsync() == "completed";
        }, "the sync to complete");
        await Assertions.Expect(page.Locator("#link-conflicts")).ToHaveCountAsync(0);

        // A DingTalk account whose emails name Alice and Bob, held as the Hub holds it when the account writes.
        var links = hub.Host.Services.GetRequiredService<PersonLinkStore>();
        var alice = (await links.ActivePersonByEmailAsync("alice@example.com", CancellationToken.None))!;
        var bob = (await links.ActivePersonByEmailAsync("bob@example.com", CancellationToken.None))!;
        (await hub.Host.Services.GetRequiredService<PersonLinkConflicts>()
            .HoldAsync("dingtalk", "dingtalk-sandbox", "dana", PersonLinkConflictReason.SeveralByEmail, [alice.Id, bob.Id], CancellationToken.None)).ShouldBeTrue();

        await page.SetViewportSizeAsync(1280, 900);
        await page.ReloadAsync();
        var held = page.Locator("#link-conflicts tr[data-conflict]");
        await Assertions.Expect(held).ToHaveCountAsync(1);
        await Assertions.Expect(held).ToContainTextAsync("dana");
        await Assertions.Expect(held).ToContainTextAsync("several people have its email");
        await Assertions.Expect(held.Locator("label.choice")).ToHaveCountAsync(2);
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the page itself does not scroll sideways");
        await Screenshots.SaveWidthsAsync(page, "console-directory-accounts-to-decide");

        // Bob it is: linked as an administrator's link, and the section is gone.
        await held.Locator("label.choice", new() { HasText = "Bob Li" }).Locator("input").CheckAsync();
        await held.GetByRole(AriaRole.Button, new() { Name = "Link to the one picked" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Linked");
        await Assertions.Expect(page.Locator("#link-conflicts")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"tr[data-person='{bob.Id}'] td.accounts .account[data-link='dingtalk/dingtalk-sandbox']")).ToContainTextAsync("dana");
        await Assertions.Expect(page.Locator($"tr[data-person='{bob.Id}'] td.accounts")).ToContainTextAsync("an administrator");
    }

    [Fact]
    public async Task A_directory_read_from_three_platforms_names_each_runs_app_and_lists_a_person_on_DingTalk_alone()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Directory:PollInterval"] = "00:00:00.100",
            ["Larkway:Directory:AlsoFrom:0"] = "dingtalk-sandbox",
            ["Larkway:Directory:AlsoFrom:1"] = "wecom-sandbox",
        });
        using (var control = new HttpClient { BaseAddress = hub.Host.Emulator!.BaseUrl })
        using (var added = await control.PutAsJsonAsync("/_emulator/dingtalk/users/erin", new { name = "Erin Wu", deptIds = new[] { 2 }, email = "erin@example.com" }))
        {
            added.IsSuccessStatusCode.ShouldBeTrue(await added.Content.ReadAsStringAsync());
        }

        var page = hub.Page;
        await hub.SignInAsync();
        await page.GotoAsync(hub.Url("/console/directory"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();

        // Feishu's run, then DingTalk's, then WeCom's: the last sync shown is the WeCom app's once all three are done.
        var shown = "nothing";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                await page.ReloadAsync();
                var status = await page.Locator("#sync-status").TextContentAsync();
                var app = await page.Locator("#sync-app code").TextContentAsync();
                shown = $"{status} ({app})";
                return status == "completed" && app == "wecom-sandbox";
            }, "the three apps' runs to complete");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} The page last showed the sync {shown}.", ex);
        }
        await Assertions.Expect(page.Locator("#sync-app")).ToContainTextAsync("the directory reads default, then dingtalk-sandbox, then wecom-sandbox, one run each");

        // Erin is on DingTalk alone: listed with DingTalk as her one platform; Alice, on all three, is one row.
        var links = hub.Host.Services.GetRequiredService<PersonLinkStore>();
        var erin = (await links.ActivePersonByEmailAsync("erin@example.com", CancellationToken.None))!;
        var alice = (await links.ActivePersonByEmailAsync("alice@example.com", CancellationToken.None))!;
        await page.SetViewportSizeAsync(1280, 900);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator($"tr[data-person='{erin.Id}'] td.platforms .platform")).ToHaveTextAsync("DingTalk");
        await Assertions.Expect(page.Locator($"tr[data-person='{alice.Id}']")).ToContainTextAsync("Engineering; Engineering (dingtalk-sandbox); Engineering (wecom-sandbox)");
        await Assertions.Expect(page.Locator($"tr[data-person='{alice.Id}'] td.platforms .platform")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("tr[data-person] td:first-child > a", new() { HasText = "Alice Chen" })).ToHaveCountAsync(1);
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("the page itself does not scroll sideways");
        await Screenshots.SaveWidthsAsync(page, "console-directory-three-platforms");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_assistants_creation_is_audited_as_its_key_set_and_a_session_with_long_turns_fits_1280_px()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var page = hub.Page;
        await hub.SignInAsync();

        await page.GotoAsync(hub.Url("/console/assistants/new"));
        await page.Locator("[name='Form.Name']").FillAsync("helpdesk");
        await page.Locator("[name='Form.Backend']").SelectOptionAsync("openai");
        await page.Locator("[name='Form.BaseUrl']").FillAsync("http://127.0.0.1:11434/v1");
        await page.Locator("[name='Form.ApiKey']").FillAsync("sk-people-test-key-0042");
        await page.Locator("[name='Form.Model']").FillAsync("qwen2.5:7b");
        await page.Locator("[name='Form.Apps'][value='default']").CheckAsync();
        await page.Locator("#save-assistant").ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Assistant helpdesk added.");

        // The API changes it twice: the same key again (kept), then another (changed).
        using var admin = hub.Api(ConsoleHub.AdminKey);
        (await admin.PatchAsJsonAsync("/api/v1/assistants/helpdesk", new { api_key = "sk-people-test-key-0042" })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/api/v1/assistants/helpdesk", new { api_key = "sk-people-test-key-0043" })).EnsureSuccessStatusCode();
        var audit = hub.Host.Services.GetRequiredService<IAuditLog>();
        (await ApiKeyWordsAsync(audit, "assistant.create")).ShouldBe(new string?[] { "set" });
        (await ApiKeyWordsAsync(audit, "assistant.update")).ShouldBe(new string?[] { "changed", "kept" }, "newest first: a different key, then the same one");

        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync(hub.Url("/console/audit?action=assistant."));
        var created = page.Locator("tr[data-action='assistant.create']");
        await Assertions.Expect(created).ToContainTextAsync("\"api_key\":\"set\"");
        (await page.ContentAsync()).ShouldNotContain("sk-people-test-key");
        await Screenshots.SaveWidthsAsync(page, "console-people-audit");

        // A guest's session with long questions and answers (a pasted log line, a URL without spaces) and long voter ids.
        var sessionId = await InsertLongConversationAsync(hub);
        await page.GotoAsync(hub.Url($"/console/assistants/helpdesk/conversations/{sessionId}"));
        await Assertions.Expect(page.Locator("tr[data-turn]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#session")).ToContainTextAsync("account:wecom:wecom-sandbox:carol");
        (await FitsAsync(page, "#turns")).ShouldBeTrue("the turns table fits the page at 1280 px, Feedback column included");
        var feedback = await page.Locator("#turns th").Last.BoundingBoxAsync();
        (feedback!.X + feedback.Width).ShouldBeLessThanOrEqualTo(1280, "the Feedback column is on the page");
        await Screenshots.SaveWidthsAsync(page, "console-people-session");

        await page.GotoAsync(hub.Url("/console/assistants/helpdesk/conversations"));
        await Assertions.Expect(page.Locator($"tr[data-session='{sessionId}']")).ToContainTextAsync("account:wecom:wecom-sandbox:carol");
        hub.CspViolations.ShouldBeEmpty();
    }

    /// <summary>Whether the table is no wider than its scroll container, and the page no wider than the window.</summary>
    private static async Task<bool> FitsAsync(IPage page, string table) =>
        await page.EvaluateAsync<bool>(
            "t => { const e = document.querySelector(t); return e.scrollWidth <= e.parentElement.clientWidth && document.documentElement.scrollWidth <= window.innerWidth; }",
            table);

    private static async Task<IReadOnlyList<string?>> ApiKeyWordsAsync(IAuditLog audit, string action) =>
        [.. (await audit.ListAsync(action, 10, CancellationToken.None)).Where(e => e.Target == "helpdesk").Select(e => JsonDocument.Parse(e.Details).RootElement.GetProperty("api_key").GetString())];

    private static async Task<long> InsertLongConversationAsync(ConsoleHub hub)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var session = new AssistantSessionRow
        {
            Assistant = "helpdesk", Key = "account:wecom:wecom-sandbox:carol", Number = 1, Turns = 2,
            CreatedAt = now.AddMinutes(-5), LastActiveAt = now.AddMinutes(-1), ExpiresAt = now.AddHours(24),
        };
        db.AssistantSessions.Add(session);
        await db.SaveChangesAsync();
        var url = "https://intranet.example.com/wiki/spaces/IT/pages/123456789/VPN-client-configuration-for-remote-employees-" + new string('x', 120);
        var first = Turn(session.Id, "wm_long_1", now.AddMinutes(-5));
        first.Question = "The VPN client keeps failing with this error, what should I do? " + string.Concat(Enumerable.Repeat("ERROR 809: the network connection between your computer and the VPN server could not be established. ", 4)) + url;
        first.Answer = "Open the VPN client and sign in again.\n" + string.Concat(Enumerable.Repeat("If the error stays, check that UDP ports 500 and 4500 are open on your home router and restart it. ", 5)) + "See " + url;
        first.Status = AssistantTurnStatus.Answered;
        var second = Turn(session.Id, "wm_long_2", now.AddMinutes(-1));
        second.Question = "And the printer on floor 3? " + url;
        second.Status = AssistantTurnStatus.Failed;
        second.FailureKind = "backend_timeout";
        db.AssistantTurns.AddRange(first, second);
        await db.SaveChangesAsync();
        db.AssistantFeedback.AddRange(
            new AssistantFeedbackRow { TurnId = first.Id, User = "wecom:carol", Value = "helpful", At = now.AddMinutes(-4) },
            new AssistantFeedbackRow { TurnId = first.Id, User = "wecom:a_colleague_with_a_rather_long_wecom_userid_0001", Value = "not_helpful", At = now.AddMinutes(-3) });
        await db.SaveChangesAsync();
        return session.Id;
    }

    private static AssistantTurnRow Turn(long sessionId, string messageId, DateTimeOffset at) => new()
    {
        Assistant = "helpdesk",
        SessionId = sessionId,
        MessageKey = $"wecom:wecom-sandbox:{messageId}",
        Lane = "wecom:wecom-sandbox:carol",
        Platform = "wecom",
        App = "wecom-sandbox",
        ConversationId = "carol",
        ConversationKind = "direct",
        MessageId = messageId,
        SenderId = "carol",
        PersonId = null,
        ReceivedAt = at,
        State = WorkState.Done,
    };
}
