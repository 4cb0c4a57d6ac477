using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>
/// Issue 43 §2: cards in two steps as DingTalk's official SDKs send them (create, appendSpace, deliver), sharing the card
/// store with createAndDeliver so update, streaming and the chat pages treat them alike; and the card APIs' documented codes.
/// </summary>
public sealed class DingTalkTwoStepCardTests
{
    private const string Instances = "/dingtalk/v1.0/card/instances";
    private const string Deliver = "/dingtalk/v1.0/card/instances/deliver";
    private const string Spaces = "/dingtalk/v1.0/card/instances/spaces";
    private const string Streaming = "/dingtalk/v1.0/card/streaming";

    [Fact]
    public async Task An_ai_card_created_then_delivered_is_updated_and_streamed_and_shows_in_the_robot_chat_and_the_group()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);

        // The body of the Python Stream SDK's AICardReplier.start (create_and_send_card), then its two deliveries.
        using var created = await emulator.PostDingTalkAsync(Instances, Create("ai-2step", "Two steps"), token);
        using var before = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol", null);
        using var toCarol = await emulator.PostDingTalkAsync(Deliver, new { outTrackId = "ai-2step", userIdType = 1, openSpaceId = "dtv1.card//IM_ROBOT.carol", imRobotOpenDeliverModel = new { spaceType = "IM_ROBOT" } }, token);
        using var toGroup = await emulator.PostDingTalkAsync(Deliver, new { outTrackId = "ai-2step", userIdType = 1, openSpaceId = $"dtv1.card//im_group.{cid}", imGroupOpenDeliverModel = new { robotCode = emulator.Options.DingTalkAppKey } }, token);
        using var update = await PutAsync(emulator, Instances, new { outTrackId = "ai-2step", cardData = new { cardParamMap = new { flowStatus = "2" } }, cardUpdateOptions = new { updateCardDataByKey = true } }, token);
        using var stream = await PutAsync(emulator, Streaming, new { outTrackId = "ai-2step", guid = "g1", key = "content", content = "Hello **world**", isFull = true, isFinalize = true, isError = false }, token);
        using var robotChat = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol", null);
        using var group = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/dingtalk-chat/groups/{Uri.EscapeDataString(cid)}?as=alice", null);
        using var card = await CardAsync(emulator, "ai-2step");

        Assert.Equal(200, created.Status);
        Assert.True(created.Json.GetProperty("success").GetBoolean());
        Assert.Equal("ai-2step", created.Json.GetProperty("result").GetString());
        Assert.DoesNotContain("Two steps", before.Text, StringComparison.Ordinal);
        var carol = Assert.Single(toCarol.Json.GetProperty("result").EnumerateArray());
        Assert.Equal(("IM_ROBOT", "carol", true), (carol.GetProperty("spaceType").GetString(), carol.GetProperty("spaceId").GetString(), carol.GetProperty("success").GetBoolean()));
        var inGroup = Assert.Single(toGroup.Json.GetProperty("result").EnumerateArray());
        Assert.Equal(("IM_GROUP", cid, true), (inGroup.GetProperty("spaceType").GetString(), inGroup.GetProperty("spaceId").GetString(), inGroup.GetProperty("success").GetBoolean()));
        Assert.True(update.Json.GetProperty("success").GetBoolean());
        Assert.True(stream.Json.GetProperty("success").GetBoolean());
        foreach (var page in new[] { robotChat, group })
        {
            Assert.Equal(200, page.Status);
            Assert.Contains("Two steps", page.Text, StringComparison.Ordinal);
            Assert.Contains("Hello <strong>world</strong>", page.Text, StringComparison.Ordinal);
            Assert.Contains("dt-card-status finished", page.Text, StringComparison.Ordinal);
        }

        Assert.Equal("finished", card.Json.GetProperty("status").GetString());
        Assert.Equal("2", card.Json.GetProperty("cardParamMap").GetProperty("flowStatus").GetString());
        Assert.Equal(2, card.Json.GetProperty("deliveries").GetArrayLength());
    }

    [Fact]
    public async Task Create_refuses_with_the_documented_codes_and_a_second_create_of_one_out_track_id_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cases = new (string Json, string Code)[]
        {
            ("{}", "param.empty"),
            ("""{"outTrackId":"c1","cardData":{"cardParamMap":{}}}""", "param.cardTemplateIdEmpty"),
            ("""{"cardTemplateId":"t","cardData":{"cardParamMap":{}}}""", "param.outTrackIdEmpty"),
            ("""{"cardTemplateId":"t","outTrackId":"c1"}""", "param.cardPublicDataEmpty"),
            ("""{"cardTemplateId":"t","outTrackId":"c1","cardData":{"cardParamMap":{"n":1}}}""", "param.invalid"),
            ("""{"cardTemplateId":"t","outTrackId":"c1","cardData":{"cardParamMap":{}},"callbackType":"stream"}""", "param.invalid"),
            ("""{"cardTemplateId":"t","outTrackId":"c1","cardData":{"cardParamMap":{}},"userId":"nobody"}""", "param.userIdNotExist"),
            ("""{"cardTemplateId":"t","outTrackId":"c1","cardData":{"cardParamMap":{}},"imRobotOpenSpaceModel":{}}""", "param.openSpaceModelInvalid"),
            ("""{"cardTemplateId":"t","outTrackId":"c1","cardData":{"cardParamMap":{}},"topOpenSpaceModel":{"spaceType":"IM_GROUP"}}""", "param.openSpaceModelInvalid"),
        };

        foreach (var (json, code) in cases)
        {
            using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, Instances, json, token);
            Assert.True((400, code) == (reply.Status, reply.ApiCode()), $"{json} → {reply.Status} {reply.Text}");
            Assert.NotNull(reply.Header("x-acs-request-id"));
        }

        using var noBody = await emulator.SendDingTalkAsync(HttpMethod.Post, Instances, null, token);
        using var first = await emulator.PostDingTalkAsync(Instances, Create("c1", "First"), token);
        using var again = await emulator.PostDingTalkAsync(Instances, Create("c1", "Second"), token);
        using var card = await CardAsync(emulator, "c1");

        Assert.Equal((400, "param.empty"), (noBody.Status, noBody.ApiCode()));
        Assert.Equal(200, first.Status);
        Assert.Equal((400, "param.cardAlreadyExist"), (again.Status, again.ApiCode()));
        Assert.Equal("First", card.Json.GetProperty("cardParamMap").GetProperty("title").GetString());
        Assert.Empty(card.Json.GetProperty("deliveries").EnumerateArray());
    }

    [Fact]
    public async Task Deliver_refuses_unknown_cards_bad_space_ids_and_missing_deliver_models_and_reports_each_space()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using (await emulator.PostDingTalkAsync(Instances, Create("d1", "Deliveries"), token))
        {
        }

        var robot = new { spaceType = "IM_ROBOT" };
        var cases = new (object Body, string Code)[]
        {
            (new { openSpaceId = "dtv1.card//IM_ROBOT.alice", imRobotOpenDeliverModel = robot }, "param.outTrackIdEmpty"),
            (new { outTrackId = "d1", imRobotOpenDeliverModel = robot }, "param.openSpaceIdEmpty"),
            (new { outTrackId = "d1", openSpaceId = "IM_ROBOT.alice", imRobotOpenDeliverModel = robot }, "param.openSpaceIdInvalid"),
            (new { outTrackId = "d1", openSpaceId = "dtv1.card//IM_ROBOT", imRobotOpenDeliverModel = robot }, "param.openSpaceIdInvalid"),
            (new { outTrackId = "d1", openSpaceId = "dtv1.card//IM_ROBOT.alice" }, "param.openDeliverModelEmpty"),
            (new { outTrackId = "d1", openSpaceId = "dtv1.card//IM_GROUP.cidX", imGroupOpenDeliverModel = new { recipients = new[] { "alice" } } }, "param.openDeliverModelError"),
            (new { outTrackId = "nope", openSpaceId = "dtv1.card//IM_ROBOT.alice", imRobotOpenDeliverModel = robot }, "param.cardNotExist"),
        };
        foreach (var (body, code) in cases)
        {
            using var reply = await emulator.PostDingTalkAsync(Deliver, body, token);
            Assert.True((400, code) == (reply.Status, reply.ApiCode()), $"{JsonSerializer.Serialize(body)} → {reply.Status} {reply.Text}");
        }

        using var mixed = await emulator.PostDingTalkAsync(Deliver, new { outTrackId = "d1", openSpaceId = "dtv1.card//IM_ROBOT.alice;IM_ROBOT.nobody;IM_GROUP.cidUnknown", imRobotOpenDeliverModel = robot, imGroupOpenDeliverModel = new { robotCode = emulator.Options.DingTalkAppKey } }, token);
        using var again = await emulator.PostDingTalkAsync(Deliver, new { outTrackId = "d1", openSpaceId = "dtv1.card//IM_ROBOT.alice", imRobotOpenDeliverModel = robot }, token);
        using var card = await CardAsync(emulator, "d1");

        var results = mixed.Json.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(new[] { true, false, false }, results.Select(r => r.GetProperty("success").GetBoolean()));
        Assert.All(results.Skip(1), r => Assert.False(string.IsNullOrEmpty(r.GetProperty("errorMsg").GetString())));
        Assert.True(again.Json.GetProperty("result")[0].GetProperty("success").GetBoolean());
        Assert.Single(card.Json.GetProperty("deliveries").EnumerateArray());
    }

    [Fact]
    public async Task A_space_the_card_was_not_created_for_is_reached_only_after_append_space_adds_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);
        using (await emulator.PostDingTalkAsync(Instances, new { cardTemplateId = "t.schema", outTrackId = "s1", cardData = new { cardParamMap = new { title = "Spaces" } }, imRobotOpenSpaceModel = new { supportForward = false } }, token))
        {
        }

        var toGroup = new { outTrackId = "s1", openSpaceId = $"dtv1.card//IM_GROUP.{cid}", imGroupOpenDeliverModel = new { robotCode = emulator.Options.DingTalkAppKey } };
        using var refused = await emulator.PostDingTalkAsync(Deliver, toGroup, token);
        using var noSpaces = await PutAsync(emulator, Spaces, new { outTrackId = "s1" }, token);
        using var badModel = await PutAsync(emulator, Spaces, new { outTrackId = "s1", imGroupOpenSpaceModel = new { lastMessageI18n = new { ZH_CN = "卡片" } } }, token);
        using var unknown = await PutAsync(emulator, Spaces, new { outTrackId = "nope", imGroupOpenSpaceModel = new { supportForward = true } }, token);
        using var appended = await PutAsync(emulator, Spaces, new { outTrackId = "s1", imGroupOpenSpaceModel = new { supportForward = true } }, token);
        using var delivered = await emulator.PostDingTalkAsync(Deliver, toGroup, token);
        using var card = await CardAsync(emulator, "s1");

        Assert.Equal(200, refused.Status);
        Assert.False(refused.Json.GetProperty("result")[0].GetProperty("success").GetBoolean());
        Assert.Contains("/v1.0/card/instances/spaces", refused.Json.GetProperty("result")[0].GetProperty("errorMsg").GetString(), StringComparison.Ordinal);
        Assert.Equal((400, "param.emptyAppendSpaces"), (noSpaces.Status, noSpaces.ApiCode()));
        Assert.Equal((400, "param.openSpaceModelInvalid"), (badModel.Status, badModel.ApiCode()));
        Assert.Equal((400, "param.cardNotExist"), (unknown.Status, unknown.ApiCode()));
        Assert.True(appended.Json.GetProperty("result").GetBoolean());
        Assert.True(delivered.Json.GetProperty("result")[0].GetProperty("success").GetBoolean());
        Assert.Equal(new[] { "IM_ROBOT", "IM_GROUP" }, card.Json.GetProperty("openSpaces").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Update_and_streaming_answer_the_documented_codes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using (await emulator.PostDingTalkAsync(Instances, Create("u1", "Codes"), token))
        {
        }

        using var unknownUpdate = await PutAsync(emulator, Instances, new { outTrackId = "nope", cardData = new { cardParamMap = new { a = "b" } } }, token);
        using var noData = await PutAsync(emulator, Instances, new { outTrackId = "u1" }, token);
        using var privateOnly = await PutAsync(emulator, Instances, new { outTrackId = "u1", privateData = new { alice = new { cardParamMap = new { mine = "1" } } } }, token);
        using var unknownStream = await PutAsync(emulator, Streaming, new { outTrackId = "nope", guid = "g", key = "content", content = "x", isFull = true }, token);
        using var noKey = await PutAsync(emulator, Streaming, new { outTrackId = "u1", guid = "g", content = "x", isFull = true }, token);
        using var noGuid = await PutAsync(emulator, Streaming, new { outTrackId = "u1", key = "content", content = "x", isFull = true }, token);

        Assert.Equal((400, "param.cardNotExist"), (unknownUpdate.Status, unknownUpdate.ApiCode()));
        Assert.Equal((400, "param.cardDataAndPrivateDataBothEmpty"), (noData.Status, noData.ApiCode()));
        Assert.Equal(200, privateOnly.Status);
        Assert.Equal((400, "param.stream.outTrackId"), (unknownStream.Status, unknownStream.ApiCode()));
        Assert.Equal((400, "param.stream.keyEmpty"), (noKey.Status, noKey.ApiCode()));
        Assert.Equal((400, "param.stream.guidEmpty"), (noGuid.Status, noGuid.ApiCode()));
    }

    [Fact]
    public async Task A_created_cards_open_spaces_survive_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("larkway-emulator-two-step-cards-").FullName;
        try
        {
            var stateFile = Path.Combine(folder, "emulator-state.json");
            var clock = new ManualClock();
            string cid;
            await using (var first = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock))
            {
                cid = await CreateGroupAsync(first);
                using var created = await first.PostDingTalkAsync(Instances, new { cardTemplateId = "t.schema", outTrackId = "kept", cardData = new { cardParamMap = new { title = "Kept" } }, imRobotOpenSpaceModel = new { supportForward = true } }, await first.ApiTokenAsync());
                Assert.Equal(200, created.Status);
            }

            await using var second = await TestEmulator.StartAsync(o => o.StateFile = stateFile, clock);
            var token = await second.ApiTokenAsync();
            using var toGroup = await second.PostDingTalkAsync(Deliver, new { outTrackId = "kept", openSpaceId = $"dtv1.card//IM_GROUP.{cid}", imGroupOpenDeliverModel = new { robotCode = second.Options.DingTalkAppKey } }, token);
            using var toDave = await second.PostDingTalkAsync(Deliver, new { outTrackId = "kept", openSpaceId = "dtv1.card//IM_ROBOT.dave", imRobotOpenDeliverModel = new { spaceType = "IM_ROBOT" } }, token);
            using var again = await second.PostDingTalkAsync(Instances, new { cardTemplateId = "t.schema", outTrackId = "kept", cardData = new { cardParamMap = new { title = "New" } } }, token);

            Assert.False(toGroup.Json.GetProperty("result")[0].GetProperty("success").GetBoolean());
            Assert.True(toDave.Json.GetProperty("result")[0].GetProperty("success").GetBoolean());
            Assert.Equal((400, "param.cardAlreadyExist"), (again.Status, again.ApiCode()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What the Python Stream SDK's create_and_send_card sends to create (no openSpaceId: deliver names it).</summary>
    private static object Create(string outTrackId, string title) => new
    {
        cardTemplateId = "382e4302-551d-4880-bf29-a30acfab2e71.schema",
        outTrackId,
        cardData = new { cardParamMap = new { title, flowStatus = "1", content = string.Empty } },
        callbackType = "STREAM",
        imGroupOpenSpaceModel = new { supportForward = true },
        imRobotOpenSpaceModel = new { supportForward = true },
    };

    private static Task<Reply> PutAsync(TestEmulator emulator, string path, object body, string token) =>
        emulator.SendDingTalkAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body), token);

    private static Task<Reply> CardAsync(TestEmulator emulator, string outTrackId) =>
        emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/cards/{outTrackId}", null);

    private static async Task<string> CreateGroupAsync(TestEmulator emulator)
    {
        using var reply = await emulator.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "Two-step cards", members = new[] { "alice", "carol" } });
        return reply.Json.GetProperty("openConversationId").GetString()!;
    }
}
