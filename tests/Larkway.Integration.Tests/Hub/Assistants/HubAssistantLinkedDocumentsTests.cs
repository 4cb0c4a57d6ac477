using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Hub.Assistants.Storage;
using Larkway.Integration.Tests.Hub.Identity;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A question that links a Feishu document gets the document's text to the backend — but never more than the asker may
/// open on Feishu. In the sandbox: the bot may read "Salary bands 2025"; Bob may not (the leak test), Carol owns it. The
/// handbook's pages are Alice's and open to everyone through their wiki space, a right the bot cannot see: Bob is told
/// so, lets the assistant ask Feishu as him, and is answered from a page on Feishu and on DingTalk.
/// </summary>
public sealed partial class HubAssistantLinkedDocumentsTests
{
    private const string SalaryText = "Senior engineer | 360,000";
    private const string TimeOffText = "Core hours are 10:00 to 16:00";

    [Fact]
    public async Task Bob_is_refused_the_salary_bands_the_bot_can_read_and_Carol_who_owns_them_is_answered_from_them()
    {
        await using var hub = await StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 400, answer_words = 5 });
        await SandboxPlatforms.PersonAsync(hub, "bob@example.com");
        await SandboxPlatforms.PersonAsync(hub, "carol@example.com");
        var link = $"{hub.Emulator.BaseUrl}wiki/wikPeopleOpsSalaryBands0001";

        await hub.SayToBotAsync($"What is the band of a senior engineer? {link}", "bob@example.com");
        var bob = (await driver.EndedTurnsAsync(1)).Single();

        bob.Status.ShouldBe(AssistantTurnStatus.Answered, bob.LastError);
        bob.Answer.ShouldNotBeNull().ShouldContain("I did not read");
        bob.Answer.ShouldContain("not shared with you");
        bob.Answer.ShouldNotContain("360,000");
        (await driver.AiRequestsAsync()).ShouldNotContain(SalaryText, customMessage: "the salary bands reached the backend for Bob");

        await hub.SayToBotAsync($"What is the band of a senior engineer? {link}", "carol@example.com");
        var carol = (await driver.EndedTurnsAsync(2)).Last();

        carol.Status.ShouldBe(AssistantTurnStatus.Answered, carol.LastError);
        var requests = await driver.AiRequestsAsync();
        requests.ShouldContain(SalaryText);
        requests.ShouldContain("Salary bands 2025");
    }

    [Fact]
    public async Task Bob_lets_the_assistant_ask_feishu_as_him_and_is_answered_from_a_handbook_page_on_feishu_and_on_dingtalk_and_a_sheet_is_named_not_read()
    {
        await using var hub = await StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 400, answer_words = 5 });
        await SandboxPlatforms.PersonAsync(hub, "bob@example.com");
        var link = $"{hub.Emulator.BaseUrl}wiki/wikHandbookTimeOff000000002";

        // The page is open to Bob through the wiki space, which the bot cannot see: he is told how to let it ask as him.
        await hub.SayToBotAsync($"When are core hours? {link}", "bob@example.com");
        var first = (await driver.EndedTurnsAsync(1)).Single();
        // The reply's link opens on this Hub as it is (the sandbox has no public URL: its listening address).
        var connect = new Uri(hub.Host.BaseUrl, "/oidc/feishu/documents").AbsoluteUri;
        first.Answer.ShouldNotBeNull().ShouldContain(connect);
        (await driver.AiRequestsAsync()).ShouldNotContain(TimeOffText);

        // He follows it: Feishu asks him to grant the documents scopes, and the Hub keeps his token.
        using (var browser = new SignInBrowser(hub))
        {
            var feishu = await browser.GetRedirectAsync(connect);
            feishu.Query.ShouldContain("docs%3Apermission.member%3Aauth");
            using var authen = new AuthenControl(hub.Emulator.BaseUrl);
            var (callback, _) = await authen.AuthorizeAsync(feishu, "bob@example.com");
            var done = await browser.GetRedirectAsync(callback);
            done.AbsolutePath.ShouldBe("/oidc/feishu/documents/done");
            using var page = await browser.Http.GetAsync(done);
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await page.Content.ReadAsStringAsync()).ShouldContain("Documents connected");
        }

        await hub.SayToBotAsync($"When are core hours? {link}", "bob@example.com");
        var second = (await driver.EndedTurnsAsync(2)).Last();
        second.Status.ShouldBe(AssistantTurnStatus.Answered, second.LastError);
        (await driver.AiRequestsAsync()).ShouldContain(TimeOffText);

        // On DingTalk he is the same person: judged as his Feishu self. A sheet is named, not read.
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await SandboxPlatforms.DingTalkSayAsync(hub, "bob", "cid-bob-docs", $"And on DingTalk? {link} and https://acme.feishu.cn/sheets/shtcnAbCdEfGhIjKlMnOp");
        var third = (await driver.EndedTurnsAsync(3, 60)).Last();
        third.Platform.ShouldBe("dingtalk");
        third.PersonId.ShouldBe(second.PersonId);
        third.Status.ShouldBe(AssistantTurnStatus.Answered, third.LastError);
        third.Answer.ShouldNotBeNull().ShouldContain("it is a sheet");
        (await driver.AiRequestsAsync()).Split(TimeOffText).Length.ShouldBeGreaterThanOrEqualTo(3, "the page went to the backend for both questions he may ask about it");
    }

    [Fact]
    public async Task On_wecom_a_deleted_document_a_private_space_a_wrong_link_and_a_5_mb_document_of_20000_blocks_each_get_their_line_and_doc_keeps_the_answer()
    {
        await using var hub = await StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 400, answer_words = 5 });
        await SandboxPlatforms.PersonAsync(hub, "bob@example.com");

        // Bob's own documents, which the bot was given: one he then deletes, and one of 20,000 paragraphs (about 5 MB).
        var deleted = await NewDocumentAsync(hub, "Old plan", "Nothing here now.");
        using (var gone = await hub.Control.DeleteAsync($"/_emulator/docs/documents/{deleted}?user=bob@example.com"))
        {
            gone.StatusCode.ShouldBe(HttpStatusCode.OK, await gone.Content.ReadAsStringAsync());
        }

        var paragraph = new string('x', 240);
        var big = await NewDocumentAsync(hub, "Capacity log", string.Join('\n', Enumerable.Range(1, 20_000).Select(i => $"Entry {i:D5}: {paragraph}")));

        // A wiki space of Bob's that the bot is no member of.
        using var space = await hub.Control.PostAsJsonAsync("/_emulator/docs/spaces", new { name = "Bob's notes", owner = "bob@example.com", nodes = new[] { new { title = "Ideas", content = "Quiet ideas." } } });
        var spaceBody = await space.Content.ReadAsStringAsync();
        space.StatusCode.ShouldBe(HttpStatusCode.OK, spaceBody);
        var node = JsonDocument.Parse(spaceBody).RootElement.GetProperty("data").GetProperty("nodes")[0].GetProperty("node_token").GetString();

        var before = BlockReads(hub);
        var links = $"{hub.Emulator.BaseUrl}docx/{deleted} {hub.Emulator.BaseUrl}wiki/{node} {hub.Emulator.BaseUrl}docx/doxcnNoSuchDocument0000001 {hub.Emulator.BaseUrl}docx/{big}";
        await SandboxPlatforms.WeComSayAsync(hub, "bob", $"What do these say? {links}");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();

        turn.Platform.ShouldBe("wecom");
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        var answer = turn.Answer.ShouldNotBeNull();
        answer.ShouldContain($"docx/{deleted}: it was deleted");
        answer.ShouldContain($"wiki/{node}: the assistant's Feishu app cannot see that wiki space");
        answer.ShouldContain("doxcnNoSuchDocument0000001: it does not exist. Check the link.");
        answer.ShouldContain("“Capacity log” is long: I read its beginning only.");
        var sent = await driver.AiRequestsAsync();
        sent.ShouldContain("Entry 00001");
        sent.ShouldNotContain("Entry 20000", customMessage: "the document was cut to the budget");
        (BlockReads(hub) - before).ShouldBe(1, "20,000 blocks cost the one page of blocks the budget needs, not 40");

        // /doc on WeCom keeps that answer as a document Bob can open.
        await SandboxPlatforms.WeComSayAsync(hub, "bob", "/doc");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.WeComMessagesText(hub, "bob").Contains("Kept the last answer as a document", StringComparison.Ordinal), "the /doc reply on WeCom", 60);
        var kept = KeptDocument().Match(SandboxPlatforms.WeComMessagesText(hub, "bob").Split("Kept the last answer as a document").Last()).Groups[1].Value;
        using var opened = await hub.Control.GetAsync($"/docx/{kept}?as=bob%40example.com");
        opened.StatusCode.ShouldBe(HttpStatusCode.OK, "Bob opening the answer kept from WeCom");
        using var alice = await hub.Control.GetAsync($"/docx/{kept}?as=alice%40example.com");
        alice.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "Alice opening Bob's answer");
    }

    /// <summary>A document of Bob's in his own folder, shared with the sandbox's bot to read.</summary>
    private static async Task<string> NewDocumentAsync(HubSandbox hub, string title, string content)
    {
        using var made = await hub.Control.PostAsJsonAsync("/_emulator/docs/documents", new { title, content, owner = "bob@example.com" });
        var body = await made.Content.ReadAsStringAsync();
        made.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("document_id").GetString()!;
        using var granted = await hub.Control.PostAsJsonAsync($"/_emulator/docs/files/{id}/apps", new { perm = "view" });
        granted.StatusCode.ShouldBe(HttpStatusCode.OK, await granted.Content.ReadAsStringAsync());
        return id;
    }

    private static long BlockReads(HubSandbox hub) =>
        hub.Emulator.CallCounts.Where(c => c.Key.EndsWith("/blocks", StringComparison.Ordinal) && c.Key.StartsWith("GET ", StringComparison.Ordinal)).Sum(c => c.Value);

    [GeneratedRegex(@"/docx/([A-Za-z0-9]+)")]
    private static partial Regex KeptDocument();

    private static Task<HubSandbox> StartAsync() => HubSandbox.StartAsync(new Dictionary<string, string?>
    {
        ["Larkway:Sandbox:Assistant"] = "true",
        ["Larkway:Sandbox:People"] = "true",
    });
}
