using Larkway.Channels.Messages;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Routing;

namespace Larkway.Hub.Tests.Assistants;

/// <summary>The assistant's policy applied to messages: who is answered, who is told why not, and who hears nothing.</summary>
public sealed class AssistantGateTests
{
    private static readonly AssistantSender Alice = new("per_alice", "alice@example.com", new HashSet<string>(["od-sales", "od-root"], StringComparer.Ordinal));

    [Fact]
    public void A_direct_message_from_a_member_is_answered_and_another_bots_never_is()
    {
        var assistant = Assistant();
        AssistantGate.Decide(assistant, Message(ConversationKind.Direct), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer);
        AssistantGate.Decide(assistant, Message(ConversationKind.Direct, fromBot: true), Alice).Outcome.ShouldBe(AssistantGateOutcome.Ignore);
        AssistantGate.Decide(assistant with { Policy = new AssistantPolicy { Groups = new() { Mode = "all" } } }, Message(ConversationKind.Group, fromBot: true), Alice)
            .Outcome.ShouldBe(AssistantGateOutcome.Ignore, "even when every group message is answered");
    }

    [Fact]
    public void In_a_group_only_a_mention_is_answered_by_default_and_at_all_only_when_allowed()
    {
        var assistant = Assistant();
        AssistantGate.Decide(assistant, Message(ConversationKind.Group), Alice).Outcome.ShouldBe(AssistantGateOutcome.Ignore);
        AssistantGate.Decide(assistant, Message(ConversationKind.Group, mentionsBot: true), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer);
        AssistantGate.Decide(assistant, Message(ConversationKind.Thread, mentionsBot: true), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer);
        AssistantGate.Decide(assistant, Message(ConversationKind.Group, mentionsAll: true), Alice).Outcome.ShouldBe(AssistantGateOutcome.Ignore);

        var atAll = assistant with { Policy = new AssistantPolicy { Groups = new() { AnswerAtAll = true } } };
        AssistantGate.Decide(atAll, Message(ConversationKind.Group, mentionsAll: true), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer);
    }

    [Fact]
    public void A_group_it_is_not_enabled_in_or_disabled_groups_get_a_reason_when_it_is_mentioned_and_silence_otherwise()
    {
        var allowed = Assistant() with { Policy = new AssistantPolicy { Groups = new() { Allowed = ["oc_other"] } } };
        var refused = AssistantGate.Decide(allowed, Message(ConversationKind.Group, mentionsBot: true), Alice);
        refused.Outcome.ShouldBe(AssistantGateOutcome.Refuse);
        refused.Reason!.ShouldContain("not enabled in this group");
        AssistantGate.Decide(allowed, Message(ConversationKind.Group), Alice).Outcome.ShouldBe(AssistantGateOutcome.Ignore);

        var disabled = Assistant() with { Policy = new AssistantPolicy { Groups = new() { Mode = "disabled" } } };
        AssistantGate.Decide(disabled, Message(ConversationKind.Group, mentionsBot: true), Alice).Reason!.ShouldContain("does not answer in groups");
        AssistantGate.Decide(disabled, Message(ConversationKind.Group), Alice).Outcome.ShouldBe(AssistantGateOutcome.Ignore);
    }

    [Fact]
    public void Direct_messages_follow_their_mode()
    {
        var disabled = Assistant() with { Policy = new AssistantPolicy { DirectMessages = "disabled" } };
        AssistantGate.Decide(disabled, Message(ConversationKind.Direct), Alice).Reason!.ShouldContain("does not take direct messages");

        var allowlist = Assistant() with { Policy = new AssistantPolicy { DirectMessages = "allowlist", DirectMessageAllowlist = new() { Departments = ["od-root"] } } };
        AssistantGate.Decide(allowlist, Message(ConversationKind.Direct), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer, "a department above hers counts");
        var bob = new AssistantSender("per_bob", "bob@example.com", new HashSet<string>(["od-eng"], StringComparer.Ordinal));
        AssistantGate.Decide(allowlist, Message(ConversationKind.Direct), bob).Outcome.ShouldBe(AssistantGateOutcome.Refuse);
        AssistantGate.Decide(allowlist, Message(ConversationKind.Group, mentionsBot: true), bob).Outcome.ShouldBe(AssistantGateOutcome.Answer, "the allow-list is for direct messages");
    }

    [Fact]
    public void Access_names_people_by_id_or_email_and_departments()
    {
        var byEmail = Assistant() with { Policy = new AssistantPolicy { Access = new() { People = ["ALICE@example.com"] } } };
        AssistantGate.Decide(byEmail, Message(ConversationKind.Direct), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer);
        var byId = Assistant() with { Policy = new AssistantPolicy { Access = new() { People = ["per_bob"] } } };
        AssistantGate.Decide(byId, Message(ConversationKind.Direct), Alice).Reason!.ShouldContain("not among the people");
        var byDepartment = Assistant() with { Policy = new AssistantPolicy { Access = new() { Departments = ["od-sales"] } } };
        AssistantGate.Decide(byDepartment, Message(ConversationKind.Group, mentionsBot: true), Alice).Outcome.ShouldBe(AssistantGateOutcome.Answer);
    }

    [Theory]
    [InlineData("link", AssistantGateOutcome.AskToLink)]
    [InlineData("refuse", AssistantGateOutcome.Refuse)]
    [InlineData("guest", AssistantGateOutcome.Answer)]
    public void A_stranger_follows_the_unknown_user_policy(string policy, AssistantGateOutcome expected)
    {
        var assistant = Assistant() with { Policy = new AssistantPolicy { UnknownUsers = policy } };
        var decision = AssistantGate.Decide(assistant, Message(ConversationKind.Direct), AssistantSender.Unknown);
        decision.Outcome.ShouldBe(expected);
        decision.AsGuest.ShouldBe(policy == "guest");

        // A guest can never be on an access list, so one restricts guests out.
        var restricted = assistant with { Policy = new AssistantPolicy { UnknownUsers = policy, Access = new() { Departments = ["od-sales"] } } };
        AssistantGate.Decide(restricted, Message(ConversationKind.Direct), AssistantSender.Unknown).Outcome.ShouldNotBe(AssistantGateOutcome.Answer);
    }

    [Fact]
    public void A_command_rule_limits_who_may_run_it()
    {
        var assistant = Assistant() with { Policy = new AssistantPolicy { Commands = new(StringComparer.Ordinal) { ["reset-all"] = new() { People = ["per_bob"] } } } };
        AssistantGate.MayRun(assistant, "reset-all", Alice).ShouldBeFalse();
        AssistantGate.MayRun(assistant, "new", Alice).ShouldBeTrue();
    }

    [Fact]
    public void Sessions_keep_private_talk_out_of_groups_and_lanes_are_per_conversation()
    {
        var assistant = Assistant();
        var direct = Message(ConversationKind.Direct);
        var group = Message(ConversationKind.Group, mentionsBot: true);
        AssistantKeys.Session(assistant, direct, "per_alice", "ops").ShouldBe("person:per_alice");
        AssistantKeys.Session(assistant, direct with { Platform = ChannelPlatform.DingTalk }, "per_alice", "ops").ShouldBe("person:per_alice", "a person's direct messages continue across platforms");
        AssistantKeys.Session(assistant, group, "per_alice", "ops").ShouldBe("person:per_alice@feishu:cli_a:oc_chat");
        AssistantKeys.Session(assistant, direct, null, "ops").ShouldBe("account:feishu:ops:ou_sender", "a guest is their account under the Hub app's name, as the backend's user is");
        AssistantKeys.Session(assistant, direct, null, "ops").ShouldBe(AssistantKeys.Guest("feishu", "ops", "ou_sender"));

        AssistantKeys.Session(assistant with { Sessions = new() { Mode = "conversation" } }, group, "per_alice", "ops").ShouldBe("chat:feishu:cli_a:oc_chat");
        var thread = Message(ConversationKind.Thread, mentionsBot: true);
        AssistantKeys.Session(assistant with { Sessions = new() { Mode = "thread" } }, thread, "per_alice", "ops").ShouldBe("thread:feishu:cli_a:oc_chat#omt_1");
        AssistantKeys.Lane(thread).ShouldBe("feishu:cli_a:oc_chat#omt_1");
        AssistantKeys.Lane(group).ShouldBe("feishu:cli_a:oc_chat");
    }

    private static AssistantDefinition Assistant() => new()
    {
        Name = "helpdesk",
        DisplayName = "Help desk",
        Backend = "dify",
        BaseUrl = "http://127.0.0.1/v1",
        ApiKey = "app-x",
        Apps = ["default"],
    };

    private static InboundMessage Message(ConversationKind kind, bool mentionsBot = false, bool mentionsAll = false, bool fromBot = false) => new()
    {
        Platform = ChannelPlatform.Feishu,
        App = new ChannelApp("cli_a", "default"),
        Conversation = new ChannelConversation(kind == ConversationKind.Direct ? "oc_p2p" : "oc_chat", kind, kind == ConversationKind.Thread ? "omt_1" : null),
        Sender = new ChannelSender("ou_sender", "Alice", fromBot),
        Text = "how do I reset my password?",
        PlatformMessageType = "text",
        Mentions = mentionsAll ? [new ChannelMention(null, "所有人", IsAll: true)] : [],
        MessageId = "om_1",
        MentionsBot = mentionsBot,
        ReceivedAt = DateTimeOffset.UnixEpoch,
        DedupKey = "feishu/cli_a/om_1",
    };
}
