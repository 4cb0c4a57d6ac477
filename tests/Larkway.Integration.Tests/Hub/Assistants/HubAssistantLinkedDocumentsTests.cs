using System.Net;
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
public sealed class HubAssistantLinkedDocumentsTests
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
        first.Answer.ShouldNotBeNull().ShouldContain("/oidc/feishu/documents");
        (await driver.AiRequestsAsync()).ShouldNotContain(TimeOffText);

        // He follows it: Feishu asks him to grant the documents scopes, and the Hub keeps his token.
        using (var browser = new SignInBrowser(hub))
        {
            var feishu = await browser.GetRedirectAsync("/oidc/feishu/documents");
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

    private static Task<HubSandbox> StartAsync() => HubSandbox.StartAsync(new Dictionary<string, string?>
    {
        ["Larkway:Sandbox:Assistant"] = "true",
        ["Larkway:Sandbox:People"] = "true",
    });
}
