using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// One person on every platform, in the sandbox: a member whose DingTalk or WeCom contacts give the email the directory
/// has for them is answered as that person in the conversation they started on Feishu, and <c>/whoami</c> names the
/// platform's own id; <c>/link</c> from an account the directory cannot tell sends its code to the person's accounts on
/// the other platforms, at most three codes an hour per asking account and per person, stored as a keyed hash.
/// </summary>
public sealed partial class HubAssistantIdentityTests
{
    [Fact]
    public async Task Alice_on_WeCom_and_DingTalk_is_answered_as_herself_in_her_Feishu_conversation_and_whoami_names_each_platforms_id()
    {
        await using var hub = await StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        var alice = await SandboxPlatforms.PersonAsync(hub, "alice@example.com");

        await hub.SayToBotAsync("How do I book a meeting room?");
        var first = (await driver.EndedTurnsAsync(1)).Single();
        first.PersonId.ShouldBe(alice);

        // WeCom's contacts give alice@example.com for WeCom's alice: she is Alice, in the same conversation.
        await SandboxPlatforms.WeComSayAsync(hub, "alice", "And a projector?");
        var onWeCom = (await driver.EndedTurnsAsync(2, 60)).Single(t => t.Platform == "wecom");
        onWeCom.Status.ShouldBe(AssistantTurnStatus.Answered, onWeCom.LastError);
        onWeCom.PersonId.ShouldBe(alice);
        onWeCom.SessionId.ShouldBe(first.SessionId);

        // So do DingTalk's.
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await SandboxPlatforms.DingTalkSayAsync(hub, "alice", "cid-alice", "And a whiteboard?");
        var onDingTalk = (await driver.EndedTurnsAsync(3, 60)).Single(t => t.Platform == "dingtalk");
        onDingTalk.Status.ShouldBe(AssistantTurnStatus.Answered, onDingTalk.LastError);
        onDingTalk.PersonId.ShouldBe(alice);
        onDingTalk.SessionId.ShouldBe(first.SessionId);

        // Both accounts are now hers in the directory, as found by email: later messages need no lookup.
        var links = await LinksAsync(hub, alice);
        links.ShouldContain(l => l.Platform == HubAppPlatform.WeCom && l.UserId == "alice" && l.Source == PersonLinkSource.Email);
        links.ShouldContain(l => l.Platform == HubAppPlatform.DingTalk && l.UserId == "alice" && l.Source == PersonLinkSource.Email);

        // /whoami speaks of each platform's own id.
        await SandboxPlatforms.DingTalkSayAsync(hub, "alice", "cid-alice", "/whoami");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-alice").Contains("You are DingTalk userid alice in p2p chat cid-alice.", StringComparison.Ordinal), "/whoami on DingTalk");
        await SandboxPlatforms.WeComSayAsync(hub, "alice", "/whoami");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.WeComMessagesText(hub, "alice").Contains("You are WeCom userid alice", StringComparison.Ordinal), "/whoami on WeCom");
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-alice").ShouldNotContain("open_id");
        SandboxPlatforms.WeComMessagesText(hub, "alice").ShouldNotContain("open_id");
    }

    [Fact]
    public async Task Link_from_DingTalk_sends_the_code_to_the_persons_WeCom_and_Feishu_accounts_three_an_hour_stored_keyed()
    {
        await using var hub = await StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        var carol = await SandboxPlatforms.PersonAsync(hub, "carol@example.com");

        // Carol's WeCom account becomes hers when she first writes (WeCom gives her email).
        await SandboxPlatforms.WeComSayAsync(hub, "carol", "Where is the sales deck?");
        (await driver.EndedTurnsAsync(1, 60)).Single().PersonId.ShouldBe(carol);

        // Erin's DingTalk account is no member DingTalk's contacts know: a guest, who asks for a code for Carol.
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);
        await SandboxPlatforms.DingTalkSayAsync(hub, "erin", "cid-erin", "/link carol@example.com");
        await HubSandbox.WaitUntilAsync(() => WeComCodes(hub, "carol").Count == 1 && FeishuCodes(hub).Count == 1, "the code on Carol's WeCom and Feishu");
        var code = WeComCodes(hub, "carol").Single();
        FeishuCodes(hub).Single().ShouldBe(code, "one code, sent to each of her accounts");
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-erin").ShouldContain("If that email belongs to someone in the directory");

        // Stored as a keyed hash: not the SHA-256 of six digits, which a million guesses reverse.
        var stored = (await CodesAsync(hub, "erin")).ShouldHaveSingleItem();
        stored.PersonId.ShouldBe(carol);
        stored.CodeHash.ShouldNotBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(code))));

        // Two more codes are sent; the fourth ask within the hour is refused, saying when to ask again, and sends nothing.
        await SandboxPlatforms.DingTalkSayAsync(hub, "erin", "cid-erin", "/link carol@example.com");
        await HubSandbox.WaitUntilAsync(() => WeComCodes(hub, "carol").Count == 2, "the second code");
        await SandboxPlatforms.DingTalkSayAsync(hub, "erin", "cid-erin", "/link carol@example.com");
        await HubSandbox.WaitUntilAsync(() => WeComCodes(hub, "carol").Count == 3, "the third code");
        await SandboxPlatforms.DingTalkSayAsync(hub, "erin", "cid-erin", "/link carol@example.com");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-erin").Contains("You asked for 3 codes in the last hour", StringComparison.Ordinal), "the refusal");
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-erin").ShouldContain("Ask again in ");
        WeComCodes(hub, "carol").Count.ShouldBe(3);
        FeishuCodes(hub).Count.ShouldBe(3);
        (await CodesAsync(hub, "erin")).Count.ShouldBe(3);

        // Carol has had three codes this hour: another account asking for her is answered as always, and nothing is sent.
        await SandboxPlatforms.DingTalkSayAsync(hub, "frank", "cid-frank", "/link carol@example.com");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-frank").Contains("If that email belongs to someone in the directory", StringComparison.Ordinal), "the answer to Frank");
        WeComCodes(hub, "carol").Count.ShouldBe(3);
        (await CodesAsync(hub, "frank")).ShouldHaveSingleItem().PersonId.ShouldBeNull("stored as asked, for no one: it counts toward Frank's limit and matches no code");

        // The latest code links Erin's DingTalk account to Carol.
        await SandboxPlatforms.DingTalkSayAsync(hub, "erin", "cid-erin", "/link " + WeComCodes(hub, "carol").Last());
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-erin").Contains("Linked:", StringComparison.Ordinal), "the link confirmation");
        (await LinksAsync(hub, carol)).ShouldContain(l => l.Platform == HubAppPlatform.DingTalk && l.UserId == "erin" && l.Source == PersonLinkSource.Self);
    }

    [Fact]
    public async Task A_code_typed_after_asking_for_an_unknown_email_is_answered_as_a_wrong_code_for_a_real_person()
    {
        await using var hub = await StartAsync();
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.StreamConnected(hub), "the Hub's DingTalk Stream connection", 60);

        // Grace asks for a colleague who is in the directory, Heidi for an address no one has; each then guesses a code.
        var replies = new List<string>();
        foreach (var (user, email) in new[] { ("grace", "carol@example.com"), ("heidi", "nobody-here@example.com") })
        {
            var conversation = "cid-" + user;
            await SandboxPlatforms.DingTalkSayAsync(hub, user, conversation, "/link " + email);
            await hub.WaitForAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, conversation).Contains("If that email belongs to someone", StringComparison.Ordinal), $"the answer to {user}'s ask");
            var before = SandboxPlatforms.DingTalkRepliesText(hub, conversation);
            await SandboxPlatforms.DingTalkSayAsync(hub, user, conversation, "/link 000000");
            await hub.WaitForAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, conversation).Length > before.Length, $"the answer to {user}'s code");
            replies.Add(SandboxPlatforms.DingTalkRepliesText(hub, conversation)[before.Length..]);
        }

        // The same answer: it does not tell a colleague's email from an unknown one.
        replies.ShouldAllBe(r => r.Contains("That code is not right; 4 tries left.", StringComparison.Ordinal) && !r.Contains("no code waiting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_known_and_an_unknown_email_get_the_same_reply_and_nothing_is_sent_before_it_then_the_known_ones_code_arrives()
    {
        await using var hub = await StartAsync();
        await SandboxPlatforms.PersonAsync(hub, "carol@example.com");

        // What anyone could observe by the time each reply goes out: the codes sent, the asks recorded, the deliveries waiting.
        var seen = new List<(string Email, string Reply, int CodesSent, int Asks, int Deliveries)>();
        foreach (var (account, email) in new[] { ("ou_heidi", "nobody-here@example.com"), ("ou_grace", "carol@example.com") })
        {
            await LinkAsker.SayAsync(hub, account, "/link " + email, async reply =>
                seen.Add((email, reply, LinkAsker.FeishuCodes(hub.State).Count, (await LinkAsker.CodesAsync(hub, account)).Count, (await LinkAsker.DeliveriesAsync(hub)).Count(s => s == Larkway.Hub.Platform.Queue.WorkState.InProgress))));

            // The first ask's delivery ends before the second is asked, so each reply sees its own held delivery alone (on a
            // busy machine a worker may still hold the first when the second reply goes out).
            await LinkAsker.DeliveriesEndedAsync(hub);
        }

        // The same text, and the same state before it: no code sent for either, one ask recorded and one delivery held each.
        var (unknown, known) = (seen[0], seen[1]);
        known.Reply.ShouldBe(unknown.Reply);
        known.Reply.ShouldStartWith("If that email belongs to someone in the directory");
        (known.CodesSent, known.Asks, known.Deliveries).ShouldBe((unknown.CodesSent, unknown.Asks, unknown.Deliveries), $"before the reply to a known email: {known}; to an unknown one: {unknown}");
        known.CodesSent.ShouldBe(0);

        // Then Carol's code arrives, and the unknown email's delivery sends nothing.
        await hub.WaitForAsync(() => LinkAsker.FeishuCodes(hub.State).Count == 1, "the code on Carol's Feishu");
        await LinkAsker.DeliveriesEndedAsync(hub);
        LinkAsker.FeishuCodes(hub.State).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Forty_wrong_codes_at_once_count_as_five_tries_on_SQLite()
    {
        await using var hub = await StartAsync();
        await SandboxPlatforms.PersonAsync(hub, "carol@example.com");
        (await LinkAsker.SayAsync(hub, "ou_guesser", "/link carol@example.com")).ShouldHaveSingleItem().ShouldStartWith("If that email belongs to someone in the directory");
        await hub.WaitForAsync(() => LinkAsker.FeishuCodes(hub.State).Count == 1, "the code on Carol's Feishu");
        var code = LinkAsker.FeishuCodes(hub.State).Single();

        var answers = await LinkAsker.FortyWrongCodesAtOnceAsync([hub], "ou_guesser", code);

        var stored = (await LinkAsker.CodesAsync(hub, "ou_guesser")).ShouldHaveSingleItem();
        stored.Attempts.ShouldBe(Larkway.Hub.Assistants.Routing.AssistantLinking.MaxAttempts, string.Join("\n", answers));
        answers.Count(a => a.StartsWith("That code is not right;", StringComparison.Ordinal)).ShouldBe(4);
        answers.Count(a => a.Contains("no longer works", StringComparison.Ordinal)).ShouldBe(36);
        (await LinkAsker.SayAsync(hub, "ou_guesser", "/link " + code)).ShouldHaveSingleItem().ShouldStartWith("That code no longer works.");
    }

    private static Task<HubSandbox> StartAsync() => HubSandbox.StartAsync(new Dictionary<string, string?>
    {
        ["Larkway:Sandbox:Assistant"] = "true",
        ["Larkway:Sandbox:People"] = "true",
    });

    private static List<string> WeComCodes(HubSandbox hub, string user) =>
        [.. CodeText().Matches(SandboxPlatforms.WeComMessagesText(hub, user)).Select(m => m.Groups[1].Value)];

    private static List<string> FeishuCodes(HubSandbox hub) =>
        [.. CodeText().Matches(SandboxPlatforms.FeishuBotTexts(hub)).Select(m => m.Groups[1].Value)];

    private static async Task<List<PersonLinkRow>> LinksAsync(HubSandbox hub, string personId)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.PersonLinks.AsNoTracking().Where(l => l.PersonId == personId).ToListAsync();
    }

    private static async Task<List<PersonLinkCodeRow>> CodesAsync(HubSandbox hub, string userId)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.PersonLinkCodes.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.Id).ToListAsync();
    }

    [GeneratedRegex(@"link your DingTalk account: (\d{6})")]
    private static partial Regex CodeText();
}
