using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>
/// Issue 43 §2: the robot's older interactive-card API the Python Stream SDK's ChatbotHandler.reply_card / update_card
/// call (send to a group or one user, update by cardBizId). The cards share the card store, so the chat pages draw them.
/// </summary>
public sealed class DingTalkRobotInteractiveCardTests
{
    private const string Send = "/dingtalk/v1.0/im/v1.0/robot/interactiveCards/send";
    private const string Update = "/dingtalk/v1.0/im/robots/interactiveCards";

    [Fact]
    public async Task A_reply_card_to_a_group_and_to_a_user_shows_on_the_chat_pages_and_an_update_changes_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);
        var robotCode = emulator.Options.DingTalkAppKey;

        // The bodies reply_card builds: StandardCard, cardData as JSON text, sendOptions, one receiver.
        using var toGroup = await emulator.PostDingTalkAsync(Send, SdkBody("rc-group", robotCode, StandardCard("Weekly report", "Sales **up**")) with { OpenConversationId = cid }, token);
        using var toCarol = await emulator.PostDingTalkAsync(Send, SdkBody("rc-carol", robotCode, StandardCard("For you", "Hello carol")) with { SingleChatReceiver = """{"userId":"carol"}""" }, token);
        using var update = await PutAsync(emulator, new { cardBizId = "rc-group", cardData = StandardCard("Weekly report", "Sales **down**") }, token);
        using var group = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk-chat/groups/{Uri.EscapeDataString(cid)}?as=alice", null);
        using var robotChat = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol", null);
        using var card = await CardAsync(emulator, "rc-group");

        foreach (var sent in new[] { toGroup, toCarol, update })
        {
            Assert.True(sent.Status == 200, sent.Text);
            Assert.False(string.IsNullOrEmpty(sent.Json.GetProperty("processQueryKey").GetString()));
        }

        Assert.Contains("Weekly report", group.Text, StringComparison.Ordinal);
        Assert.Contains("Sales <strong>down</strong>", group.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sales <strong>up</strong>", group.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Hello carol", group.Text, StringComparison.Ordinal);
        Assert.Contains("Hello carol", robotChat.Text, StringComparison.Ordinal);
        Assert.Equal("StandardCard", card.Json.GetProperty("cardTemplateId").GetString());
        Assert.Equal("Sales **down**", card.Json.GetProperty("cardParamMap").GetProperty("content").GetString());
        var delivery = Assert.Single(card.Json.GetProperty("deliveries").EnumerateArray());
        Assert.Equal(("IM_GROUP", cid), (delivery.GetProperty("spaceType").GetString(), delivery.GetProperty("spaceId").GetString()));
    }

    [Fact]
    public async Task A_card_biz_id_sent_again_reaches_one_more_chat_and_keeps_its_data_and_an_update_by_key_merges()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);
        var robotCode = emulator.Options.DingTalkAppKey;

        using var first = await emulator.PostDingTalkAsync(Send, SdkBody("rc-twice", robotCode, """{"status":"open","owner":"alice"}""") with { OpenConversationId = cid }, token);
        using var again = await emulator.PostDingTalkAsync(Send, SdkBody("rc-twice", robotCode, """{"status":"other"}""") with { SingleChatReceiver = """{"userid":"carol"}""" }, token);
        using var merged = await PutAsync(emulator, new { cardBizId = "rc-twice", cardData = """{"status":"closed"}""", updateOptions = new { updateCardDataByKey = true } }, token);
        using var card = await CardAsync(emulator, "rc-twice");

        Assert.Equal((200, 200, 200), (first.Status, again.Status, merged.Status));
        Assert.Equal(2, card.Json.GetProperty("deliveries").GetArrayLength());
        var data = card.Json.GetProperty("cardParamMap");
        Assert.Equal(("closed", "alice"), (data.GetProperty("status").GetString(), data.GetProperty("owner").GetString()));
    }

    [Fact]
    public async Task Send_and_update_refuse_missing_or_unusable_fields_and_unknown_cards_with_a_400_naming_the_problem()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);
        var app = emulator.Options.DingTalkAppKey;
        var card = JsonSerializer.Serialize(StandardCard("t", "x"));
        var sends = new (string Json, string Code)[]
        {
            ($$"""{"cardBizId":"e1","robotCode":"{{app}}","cardData":{{card}},"openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","robotCode":"{{app}}","cardData":{{card}},"openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","cardData":{{card}},"openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"someone-else","cardData":{{card}},"openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":{"title":"object"},"openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":"not json","openConversationId":"{{cid}}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":{{card}}}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":{{card}},"openConversationId":"{{cid}}","singleChatReceiver":"{\"userId\":\"carol\"}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":{{card}},"openConversationId":"cidNoSuchGroup"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":{{card}},"singleChatReceiver":"{\"userId\":\"nobody\"}"}""", "param.error"),
            ($$"""{"cardTemplateId":"StandardCard","cardBizId":"e1","robotCode":"{{app}}","cardData":{{card}},"singleChatReceiver":"carol"}""", "param.error"),
        };
        var updates = new (string Json, string Code)[]
        {
            ($$"""{"cardData":{{card}}}""", "param.error"),
            ("""{"cardBizId":"e1"}""", "param.error"),
            ($$"""{"cardBizId":"no-such-card","cardData":{{card}}}""", "param.cardNotExist"),
        };

        foreach (var (method, path, cases) in new[] { (HttpMethod.Post, Send, sends), (HttpMethod.Put, Update, updates) })
        {
            foreach (var (json, code) in cases)
            {
                using var reply = await emulator.SendDingTalkAsync(method, path, json, token);
                Assert.True((400, code) == (reply.Status, reply.ApiCode()), $"{json} → {reply.Status} {reply.Text}");
                Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("message").GetString()));
                Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("requestid").GetString()));
            }
        }

        using var nothing = await CardAsync(emulator, "e1");
        Assert.Equal(404, nothing.Status);
    }

    /// <summary>The request body of the SDK's reply_card before its receiver is set.</summary>
    private static SendBody SdkBody(string cardBizId, string robotCode, string cardData) =>
        new("StandardCard", robotCode, cardData, new { atAll = false }, cardBizId, null, null);

    /// <summary>A StandardCard as JSON text, the shape of the SDK's interactive_card.py samples.</summary>
    private static string StandardCard(string title, string markdown) => JsonSerializer.Serialize(new
    {
        config = new { autoLayout = true, enableForward = true },
        header = new { title = new { type = "text", text = title } },
        contents = new object[] { new { type = "markdown", text = markdown, id = "markdown_1" } },
    });

    private static Task<Reply> PutAsync(TestEmulator emulator, object body, string token) =>
        emulator.SendDingTalkAsync(HttpMethod.Put, Update, JsonSerializer.Serialize(body), token);

    private static Task<Reply> CardAsync(TestEmulator emulator, string cardBizId) =>
        emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/cards/{cardBizId}", null);

    private static async Task<string> CreateGroupAsync(TestEmulator emulator)
    {
        using var reply = await emulator.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "Robot cards", members = new[] { "alice", "carol" } });
        return reply.Json.GetProperty("openConversationId").GetString()!;
    }

    private sealed record SendBody(
        [property: JsonPropertyName("cardTemplateId")] string CardTemplateId,
        [property: JsonPropertyName("robotCode")] string RobotCode,
        [property: JsonPropertyName("cardData")] string CardData,
        [property: JsonPropertyName("sendOptions")] object SendOptions,
        [property: JsonPropertyName("cardBizId")] string CardBizId,
        [property: JsonPropertyName("openConversationId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OpenConversationId,
        [property: JsonPropertyName("singleChatReceiver"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SingleChatReceiver);
}
