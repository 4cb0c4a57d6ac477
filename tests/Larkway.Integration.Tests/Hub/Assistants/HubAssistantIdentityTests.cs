using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// One person on every platform, in the sandbox: a member whose DingTalk or WeCom contacts give the email the directory
/// has for them is answered as that person in the conversation they started on Feishu, and <c>/whoami</c> names the
/// platform's own id.
/// </summary>
public sealed class HubAssistantIdentityTests
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
        links.ShouldContain(l => l.Platform == PersonPlatform.WeCom && l.UserId == "alice" && l.Source == PersonLinkSource.Email);
        links.ShouldContain(l => l.Platform == PersonPlatform.DingTalk && l.UserId == "alice" && l.Source == PersonLinkSource.Email);

        // /whoami speaks of each platform's own id.
        await SandboxPlatforms.DingTalkSayAsync(hub, "alice", "cid-alice", "/whoami");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.DingTalkRepliesText(hub, "cid-alice").Contains("You are DingTalk userid alice in p2p chat cid-alice.", StringComparison.Ordinal), "/whoami on DingTalk");
        await SandboxPlatforms.WeComSayAsync(hub, "alice", "/whoami");
        await HubSandbox.WaitUntilAsync(() => SandboxPlatforms.WeComMessagesText(hub, "alice").Contains("You are WeCom userid alice", StringComparison.Ordinal), "/whoami on WeCom");
        SandboxPlatforms.DingTalkRepliesText(hub, "cid-alice").ShouldNotContain("open_id");
        SandboxPlatforms.WeComMessagesText(hub, "alice").ShouldNotContain("open_id");
    }

    private static Task<HubSandbox> StartAsync() => HubSandbox.StartAsync(new Dictionary<string, string?>
    {
        ["Larkway:Sandbox:Assistant"] = "true",
        ["Larkway:Sandbox:People"] = "true",
    });

    private static async Task<List<PersonLinkRow>> LinksAsync(HubSandbox hub, string personId)
    {
        await using var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.PersonLinks.AsNoTracking().Where(l => l.PersonId == personId).ToListAsync();
    }
}
