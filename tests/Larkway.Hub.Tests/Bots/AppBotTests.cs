using System.Text;
using System.Text.Json;
using Larkway.Feishu.Bot;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.Hub.Feishu;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Hub.Tests.Bots;

public sealed class AppBotTests
{
    private const string BotOpenId = "ou_bot_0000000000000000000000000001";
    private readonly RecordingMessenger _messenger = new();
    private readonly FeishuEventDispatcher _dispatcher = new();
    private readonly BotCommands _commands = new BotCommands().AddSamples();
    private readonly BotOptions _options = new();
    private int _events;

    private FeishuAppBot NewBot(BotInfo? identity = null, IBotAssistant? assistant = null) =>
        Seat(new BotCardActions().AddSamples(), identity ?? new BotInfo("Larkway Bot", BotOpenId, 2, null, []), assistant);

    /// <summary>The Feishu seat over a neutral bot, as Feishu's room builds it; a null <paramref name="identity"/> is a bot/v3/info that failed.</summary>
    private FeishuAppBot Seat(BotCardActions actions, BotInfo? identity, IBotAssistant? assistant = null) => new(
        new AppBot("", _commands, _options, _messenger, new InMemoryBotConversationStore(TimeProvider.System), TimeProvider.System, NullLogger<AppBot>.Instance, assistant)
        {
            Identity = _ => Task.FromResult(identity is null ? null : FeishuBotIdentity.Of(identity)),
        },
        actions,
        TimeProvider.System);

    private Task SayAsync(string text, string chatType = "p2p", string sender = "ou_alice", bool mentionBot = false, string senderType = "user", string? eventId = null) =>
        _dispatcher.DispatchAsync(Envelope(text, chatType, sender, mentionBot, senderType, eventId));

    private FeishuEventEnvelope Envelope(string text, string chatType = "p2p", string sender = "ou_alice", bool mentionBot = false, string senderType = "user", string? eventId = null)
    {
        var mention = mentionBot ? $$""","mentions":[{"key":"@_user_1","id":{"open_id":"{{BotOpenId}}"},"name":"Larkway Bot"}]""" : "";
        var content = System.Text.Json.JsonSerializer.Serialize(new { text = (mentionBot ? "@_user_1 " : "") + text });
        var id = eventId ?? "ev_" + Interlocked.Increment(ref _events);
        var json = $$$"""
            {"schema":"2.0","header":{"event_id":"{{{id}}}","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"sender":{"sender_id":{"open_id":"{{{sender}}}"},"sender_type":"{{{senderType}}}"},
                      "message":{"message_id":"om_{{{id}}}","chat_id":"oc_chat","chat_type":"{{{chatType}}}","message_type":"text","content":{{{System.Text.Json.JsonSerializer.Serialize(content)}}}{{{mention}}}
            """ + "}}}";
        return FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(json));
    }

    [Theory]
    [InlineData("group", false, "user", true, true)]
    [InlineData("group", true, "user", true, false)]
    [InlineData("p2p", false, "user", true, false)]
    [InlineData("group", false, "app", true, true)]
    [InlineData("p2p", false, "app", true, true)]
    [InlineData("group", false, "user", false, false)]
    public async Task Leaves_alone_exactly_the_messages_it_would_not_answer(string chatType, bool mentionBot, string senderType, bool groupsRequireMention, bool leftAlone)
    {
        _options.GroupsRequireMention = groupsRequireMention;
        var bot = NewBot();
        bot.RegisterOn(_dispatcher);
        await SayAsync("hello there", chatType: "p2p"); // the bot learns its identity from the first message it handles
        _messenger.Texts.Clear();

        var envelope = Envelope("hello there", chatType, mentionBot: mentionBot, senderType: senderType);
        var judged = bot.LeavesAlone(envelope);
        await _dispatcher.DispatchAsync(envelope);

        judged.ShouldBe(leftAlone);
        _messenger.Texts.Count.ShouldBe(leftAlone ? 0 : 1);
    }

    [Fact]
    public void Leaves_nothing_alone_before_it_knows_its_own_open_id()
    {
        var bot = NewBot();

        bot.LeavesAlone(Envelope("hello there", "group")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_mention_of_someone_else_is_left_alone_and_a_missing_chat_type_is_not()
    {
        var bot = NewBot();
        bot.RegisterOn(_dispatcher);
        await SayAsync("hi", chatType: "p2p");
        var other = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes("""
            {"schema":"2.0","header":{"event_id":"ev_o","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"sender":{"sender_id":{"open_id":"ou_a"},"sender_type":"user"},
                      "message":{"message_id":"om_o","chat_id":"oc_chat","chat_type":"group","message_type":"text","content":"{\"text\":\"@_user_1 hi\"}",
                                 "mentions":[{"key":"@_user_1","id":{"open_id":"ou_someone_else"},"name":"Bob"}]
            """ + "}}}"));
        var noChatType = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes("""
            {"schema":"2.0","header":{"event_id":"ev_n","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"sender":{"sender_id":{"open_id":"ou_a"},"sender_type":"user"},
                      "message":{"message_id":"om_n","chat_id":"oc_chat","message_type":"text","content":"{\"text\":\"hi\"}"}}}
            """));

        bot.LeavesAlone(other).ShouldBeTrue();
        bot.LeavesAlone(noChatType).ShouldBeFalse();
    }

    [Theory]
    [InlineData(UnmentionedGroupMessages.None, "hello there", "", true)]
    [InlineData(UnmentionedGroupMessages.All, "hello there", "", false)]
    [InlineData(UnmentionedGroupMessages.MentioningAll, "hello there", "", true)]
    [InlineData(UnmentionedGroupMessages.MentioningAll, "@_all hello there", "", false)]
    [InlineData(UnmentionedGroupMessages.MentioningAll, "@_all hello there", ""","mentions":[{"key":"@_all","id":{"open_id":""},"name":"所有人"}]""", false)]
    [InlineData(UnmentionedGroupMessages.None, "@_all hello there", "", true)]
    public async Task A_group_message_without_the_bots_mention_is_kept_when_the_apps_assistant_takes_it(UnmentionedGroupMessages takes, string text, string mentions, bool leftAlone)
    {
        var bot = NewBot(assistant: new ReachOnlyAssistant(takes));
        bot.RegisterOn(_dispatcher);
        await SayAsync("hello", chatType: "p2p"); // the bot learns its identity from the first message it handles
        var content = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonSerializer.Serialize(new { text }));
        var envelope = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes($$$"""
            {"schema":"2.0","header":{"event_id":"ev_g","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"sender":{"sender_id":{"open_id":"ou_a"},"sender_type":"user"},
                      "message":{"message_id":"om_g","chat_id":"oc_chat","chat_type":"group","message_type":"text","content":{{{content}}}{{{mentions}}}
            """ + "}}}"));

        bot.LeavesAlone(envelope).ShouldBe(leftAlone);
    }

    [Fact]
    public async Task Help_lists_every_command_with_its_usage()
    {
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/help");

        var reply = _messenger.Texts.ShouldHaveSingleItem();
        reply.ShouldContain("/echo <text>");
        reply.ShouldContain("/feedback");
        reply.ShouldContain("/help");
    }

    [Fact]
    public async Task A_command_gets_its_arguments_and_quotes_group_words()
    {
        _commands.Add("args", "Shows arguments.", (ctx, ct) => ctx.ReplyAsync(string.Join("|", ctx.Arguments), ct));
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/echo hello   world");
        await SayAsync("/args one \"two three\" four");

        _messenger.Texts.ShouldBe(["hello   world", "one|two three|four"]);
    }

    [Fact]
    public async Task Missing_arguments_get_the_usage_and_unknown_commands_point_to_help()
    {
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/echo");
        await SayAsync("/nope");

        _messenger.Texts.ShouldBe(["Usage: /echo <text>", "I don't know /nope. Send /help to see what I can do."]);
    }

    [Fact]
    public async Task In_groups_the_bot_answers_only_when_mentioned_and_the_mention_is_not_part_of_the_text()
    {
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/echo ignored", chatType: "group");
        await SayAsync("/echo heard", chatType: "group", mentionBot: true);

        _messenger.Texts.ShouldBe(["heard"]);
    }

    [Fact]
    public async Task Another_persons_mention_stays_in_the_text_as_their_name()
    {
        NewBot().RegisterOn(_dispatcher);
        var content = JsonSerializer.Serialize(JsonSerializer.Serialize(new { text = "@_user_1 /echo ask @_user_2 please" }));
        var envelope = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes($$$"""
            {"schema":"2.0","header":{"event_id":"ev_m","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"sender":{"sender_id":{"open_id":"ou_a"},"sender_type":"user"},
                      "message":{"message_id":"om_m","chat_id":"oc_chat","chat_type":"group","message_type":"text","content":{{{content}}},
                                 "mentions":[{"key":"@_user_1","id":{"open_id":"{{{BotOpenId}}}"},"name":"Larkway Bot"},{"key":"@_user_2","id":{"open_id":"ou_bob"},"name":"Bob"}]
            """ + "}}}"));

        await _dispatcher.DispatchAsync(envelope);

        _messenger.Texts.ShouldBe(["ask @Bob please"]);
    }

    [Fact]
    public async Task A_message_is_not_judged_before_the_bot_knows_its_own_open_id_but_retried()
    {
        Seat(new BotCardActions(), identity: null).RegisterOn(_dispatcher);

        var failure = await Should.ThrowAsync<Exception>(() => SayAsync("/echo heard", chatType: "group"));

        failure.GetType().Name.ShouldBe("BotIdentityUnavailableException");
        failure.Message.ShouldContain("it is retried");
        _messenger.Texts.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_message_the_neutral_model_cannot_read_is_malformed_with_the_reason_never_answered()
    {
        NewBot().RegisterOn(_dispatcher);
        var envelope = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes("""
            {"schema":"2.0","header":{"event_id":"ev_x","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"sender":{"sender_id":{"open_id":"ou_a"},"sender_type":"user"},
                      "message":{"message_id":"om_x","chat_id":"","chat_type":"p2p","message_type":"text","content":"{\"text\":\"/echo hi\"}"}}}
            """));

        var failure = await Should.ThrowAsync<JsonException>(() => _dispatcher.DispatchAsync(envelope));

        failure.Message.ShouldContain("message.chat_id");
        _messenger.Texts.ShouldBeEmpty();
    }

    [Fact]
    public async Task Groups_can_be_configured_to_be_answered_without_a_mention()
    {
        _options.GroupsRequireMention = false;
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/echo heard", chatType: "group");

        _messenger.Texts.ShouldBe(["heard"]);
    }

    [Fact]
    public async Task Messages_from_bots_are_ignored_so_bots_never_loop()
    {
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/echo loop", senderType: "app");

        _messenger.Texts.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_conversation_takes_the_next_message_of_the_same_user_only()
    {
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/feedback", sender: "ou_alice");
        await SayAsync("not for the bot's question", sender: "ou_bob");
        await SayAsync("The coffee machine is broken", sender: "ou_alice");
        await SayAsync("and this is a new message", sender: "ou_alice");

        _messenger.Texts.Count.ShouldBe(4);
        _messenger.Texts[0].ShouldStartWith("What would you like");
        _messenger.Texts[1].ShouldBe(_options.FallbackReply);
        _messenger.Texts[2].ShouldBe("Thanks, noted: \"The coffee machine is broken\"");
        _messenger.Texts[3].ShouldBe(_options.FallbackReply);
    }

    [Fact]
    public async Task A_failing_handler_gets_a_friendly_reply_with_a_reference_never_silence()
    {
        _commands.Add("boom", "Fails.", (_, _) => throw new HttpRequestException("ERP is down"));
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/boom", eventId: "ev_boom");

        var reply = _messenger.Texts.ShouldHaveSingleItem();
        reply.ShouldContain("something went wrong");
        reply.ShouldContain("ev_boom");
        reply.ShouldNotContain("ERP is down");
    }

    [Fact]
    public async Task When_even_the_failure_reply_fails_the_exception_escapes_so_the_inbox_retries()
    {
        _commands.Add("boom", "Fails.", (_, _) => throw new HttpRequestException("ERP is down"));
        _messenger.FailAll = true;
        NewBot().RegisterOn(_dispatcher);

        await Should.ThrowAsync<InvalidOperationException>(() => SayAsync("/boom"));
    }

    [Fact]
    public async Task Handling_the_same_event_twice_sends_replies_under_the_same_idempotency_keys()
    {
        NewBot().RegisterOn(_dispatcher);

        await SayAsync("/echo once", eventId: "ev_same");
        await SayAsync("/echo once", eventId: "ev_same");

        _messenger.Keys.Count.ShouldBe(2);
        _messenger.Keys[0].ShouldBe(_messenger.Keys[1]);
        FeishuBotMessenger.Uuid(_messenger.Keys[0]).Length.ShouldBeLessThanOrEqualTo(50);
    }

    [Fact]
    public async Task Added_to_a_group_the_bot_posts_its_welcome_with_its_name()
    {
        NewBot().RegisterOn(_dispatcher);
        var json = """
            {"schema":"2.0","header":{"event_id":"ev_add","event_type":"im.chat.member.bot.added_v1","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},
             "event":{"chat_id":"oc_new","operator_id":{"open_id":"ou_alice"},"external":false,"operator_tenant_key":"t1","name":"Ops"}}
            """;

        await _dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(json)));

        _messenger.Sent.ShouldHaveSingleItem().ChatId.ShouldBe("oc_new");
        _messenger.Texts.ShouldHaveSingleItem().ShouldContain("Larkway Bot");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_card_click_new_or_old_style_reaches_the_action_named_in_its_value(bool legacy)
    {
        NewBot().RegisterOn(_dispatcher);
        var json = legacy
            ? """{"open_id":"ou_alice","open_message_id":"om_card","open_chat_id":"oc_chat","tenant_key":"t1","token":"c-1","action":{"tag":"button","value":{"action":"sample.ack"}}}"""
            : """{"schema":"2.0","header":{"event_id":"ev_click","event_type":"card.action.trigger","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},"event":{"operator":{"open_id":"ou_alice"},"token":"c-1","action":{"tag":"button","value":{"action":"sample.ack"}},"context":{"open_message_id":"om_card","open_chat_id":"oc_chat"}}}""";

        var result = await _dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(json)));

        result.CardResponse.ShouldNotBeNull();
        result.CardResponse.Toast!.Content.ShouldBe("Acknowledged");
        result.CardResponse.Card!.Data.GetRawText().ShouldContain("Acknowledged by ou_alice");
    }

    [Fact]
    public async Task An_unknown_or_failing_card_action_answers_with_a_toast_never_an_error()
    {
        var actions = new BotCardActions().Add("boom", (_, _) => throw new InvalidOperationException("downstream"));
        var bot = Seat(actions, identity: null);
        bot.RegisterOn(_dispatcher);
        static string Click(string action) =>
            """{"schema":"2.0","header":{"event_id":"ev_ACTION","event_type":"card.action.trigger","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},"event":{"operator":{"open_id":"ou_alice"},"action":{"tag":"button","value":{"action":"ACTION"}}}}"""
                .Replace("ACTION", action, StringComparison.Ordinal);

        var unknown = await _dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(Click("nope"))));
        var failing = await _dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(Click("boom"))));

        unknown.CardResponse!.Toast!.Type.ShouldBe("warning");
        failing.CardResponse!.Toast!.Type.ShouldBe("error");
        failing.CardResponse.Toast.Content!.ShouldNotContain("downstream");
    }

    [Fact]
    public async Task A_claiming_handler_takes_the_clicks_it_claims_before_named_actions_and_sees_the_event_id()
    {
        string? seen = null;
        var actions = new BotCardActions().AddSamples().Claim(
            click => click.Value.ValueKind == JsonValueKind.Object && click.Value.TryGetProperty("mine", out _),
            (context, _) =>
            {
                seen = $"{context.Action}/{context.EventId}";
                return Task.FromResult<CardClickAnswer?>(CardClickAnswer.WithToast(CardToastKind.Info, "claimed"));
            });
        var bot = Seat(actions, identity: null);
        bot.RegisterOn(_dispatcher);
        static string Click(string id, string value) =>
            $$"""{"schema":"2.0","header":{"event_id":"{{id}}","event_type":"card.action.trigger","create_time":"1","token":"t","app_id":"cli_x","tenant_key":"t1"},"event":{"operator":{"open_id":"ou_alice"},"action":{"tag":"button","value":""" + value + "}}}";

        var claimed = await _dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(Click("ev_1", """{"action":"sample.ack","mine":1}"""))));
        var named = await _dispatcher.DispatchAsync(FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(Click("ev_2", """{"action":"sample.ack"}"""))));

        claimed.CardResponse!.Toast!.Content.ShouldBe("claimed");
        seen.ShouldBe("sample.ack/ev_1");
        named.CardResponse!.Toast!.Content.ShouldBe("Acknowledged");
    }

    private sealed class RecordingMessenger : IBotMessenger
    {
        public List<string> Texts { get; } = [];

        public List<string> Keys { get; } = [];

        public List<(string ChatId, string Key)> Sent { get; } = [];

        public bool FailAll { get; set; }

        public Task ReplyAsync(BotMessage to, ChannelReply content, string idempotencyKey, CancellationToken cancellationToken)
        {
            Record(content, idempotencyKey);
            return Task.CompletedTask;
        }

        public Task SendToChatAsync(string chatId, ChannelReply content, string idempotencyKey, CancellationToken cancellationToken)
        {
            Record(content, idempotencyKey);
            Sent.Add((chatId, idempotencyKey));
            return Task.CompletedTask;
        }

        private void Record(ChannelReply content, string key)
        {
            if (FailAll)
            {
                throw new InvalidOperationException("Feishu API unavailable");
            }

            Texts.Add(((TextReply)content).Text);
            Keys.Add(key);
        }
    }

    /// <summary>An assistant that takes every message it is handed and says which unmentioned group messages it takes.</summary>
    private sealed class ReachOnlyAssistant(UnmentionedGroupMessages takes) : IBotAssistant
    {
        public Task<bool> TryAcceptAsync(string app, Larkway.Channels.Messages.InboundMessage message, Larkway.Hub.Inbox.InboxArrival? arrival, string? replyContext, Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public UnmentionedGroupMessages UnmentionedGroupMessagesTaken(string app) => takes;
    }
}
