using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>Interactive cards: createAndDeliver, data updates and AI card streaming.</summary>
public sealed class DingTalkCardTests
{
    private const string CreateAndDeliver = "/dingtalk/v1.0/card/instances/createAndDeliver";
    private const string Instances = "/dingtalk/v1.0/card/instances";
    private const string Streaming = "/dingtalk/v1.0/card/streaming";

    [Fact]
    public async Task Create_and_deliver_reaches_a_group_and_a_users_robot_chat()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        var cid = await CreateGroupAsync(emulator);

        using var reply = await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "track-1", $"dtv1.card//IM_GROUP.{cid};IM_ROBOT.alice;IM_ROBOT.nobody"), token);

        Assert.Equal(200, reply.Status);
        Assert.True(reply.Json.GetProperty("success").GetBoolean());
        Assert.Equal("track-1", reply.Json.GetProperty("result").GetProperty("outTrackId").GetString());
        var results = reply.Json.GetProperty("result").GetProperty("deliverResults").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.True(results[0].GetProperty("success").GetBoolean());
        Assert.Equal("IM_GROUP", results[0].GetProperty("spaceType").GetString());
        Assert.Equal(cid, results[0].GetProperty("spaceId").GetString());
        Assert.True(results[1].GetProperty("success").GetBoolean());
        Assert.False(results[2].GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(results[2].GetProperty("errorMsg").GetString()));
        using var card = await CardAsync(emulator, "track-1");
        Assert.Equal("created", card.Json.GetProperty("status").GetString());
        Assert.Equal("Thinking", card.Json.GetProperty("cardParamMap").GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_same_out_track_id_twice_is_the_same_card()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var first = await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "track-2", "dtv1.card//IM_ROBOT.bob", title: "first"), token);
        using var second = await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "track-2", "dtv1.card//IM_ROBOT.bob", title: "second"), token);

        Assert.Equal(200, second.Status);
        using var card = await CardAsync(emulator, "track-2");
        Assert.Equal("first", card.Json.GetProperty("cardParamMap").GetProperty("title").GetString());
        Assert.Single(card.Json.GetProperty("deliveries").EnumerateArray());
    }

    [Fact]
    public async Task Update_merges_by_key_or_replaces_the_data()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using (await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "track-3", "dtv1.card//IM_ROBOT.bob"), token))
        {
        }

        using var merged = await PutAsync(emulator, Instances, new { outTrackId = "track-3", cardData = new { cardParamMap = new { flowStatus = "3" } }, cardUpdateOptions = new { updateCardDataByKey = true } }, token);
        using (var afterMerge = await CardAsync(emulator, "track-3"))
        {
            Assert.Equal("Thinking", afterMerge.Json.GetProperty("cardParamMap").GetProperty("title").GetString());
            Assert.Equal("3", afterMerge.Json.GetProperty("cardParamMap").GetProperty("flowStatus").GetString());
        }

        using var replaced = await PutAsync(emulator, Instances, new { outTrackId = "track-3", cardData = new { cardParamMap = new { flowStatus = "5" } } }, token);
        using var afterReplace = await CardAsync(emulator, "track-3");

        Assert.Equal(200, merged.Status);
        Assert.True(replaced.Json.GetProperty("success").GetBoolean());
        Assert.False(afterReplace.Json.GetProperty("cardParamMap").TryGetProperty("title", out _));
        Assert.Equal("5", afterReplace.Json.GetProperty("cardParamMap").GetProperty("flowStatus").GetString());
    }

    [Fact]
    public async Task Streaming_appends_replaces_ignores_repeated_guids_and_refuses_after_finalize()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();
        using (await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "track-4", "dtv1.card//IM_ROBOT.carol"), token))
        {
        }

        using var a = await PutAsync(emulator, Streaming, Stream("g1", "Hel", isFull: false), token);
        using var b = await PutAsync(emulator, Streaming, Stream("g2", "lo", isFull: false), token);
        using var repeat = await PutAsync(emulator, Streaming, Stream("g2", "lo", isFull: false), token);
        using (var mid = await CardAsync(emulator, "track-4"))
        {
            Assert.Equal("Hello", mid.Json.GetProperty("cardParamMap").GetProperty("content").GetString());
            Assert.Equal("streaming", mid.Json.GetProperty("status").GetString());
        }

        using var full = await PutAsync(emulator, Streaming, Stream("g3", "Hello, world", isFull: true, isFinalize: true), token);
        using var late = await PutAsync(emulator, Streaming, Stream("g4", "!", isFull: false), token);
        using var card = await CardAsync(emulator, "track-4");

        Assert.Equal(200, repeat.Status);
        Assert.True(full.Json.GetProperty("success").GetBoolean());
        Assert.Equal(400, late.Status);
        Assert.Equal("Hello, world", card.Json.GetProperty("cardParamMap").GetProperty("content").GetString());
        Assert.Equal("finished", card.Json.GetProperty("status").GetString());
        var stream = card.Json.GetProperty("stream").EnumerateArray().ToList();
        Assert.Equal(4, stream.Count);
        Assert.True(stream[2].GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task Streaming_is_refused_over_the_per_app_qps_until_the_second_passes()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DingTalkCardStreamingQps = 2);
        var token = await emulator.ApiTokenAsync();
        using (await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "track-5", "dtv1.card//IM_ROBOT.carol"), token))
        {
        }

        using var one = await PutAsync(emulator, Streaming, Stream("q1", "a", isFull: false, track: "track-5"), token);
        using var two = await PutAsync(emulator, Streaming, Stream("q2", "b", isFull: false, track: "track-5"), token);
        using var three = await PutAsync(emulator, Streaming, Stream("q3", "c", isFull: false, track: "track-5"), token);
        emulator.Clock.Advance(TimeSpan.FromSeconds(1.5));
        using var later = await PutAsync(emulator, Streaming, Stream("q4", "d", isFull: false, track: "track-5"), token);

        Assert.Equal(200, two.Status);
        Assert.Equal(403, three.Status);
        Assert.Equal("Forbidden.AccessDenied.QpsLimitForApi", three.ApiCode());
        Assert.Equal(200, later.Status);
        using var card = await CardAsync(emulator, "track-5");
        Assert.Equal("abd", card.Json.GetProperty("cardParamMap").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Unknown_cards_and_malformed_input_are_400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ApiTokenAsync();

        using var unknownUpdate = await PutAsync(emulator, Instances, new { outTrackId = "nope", cardData = new { cardParamMap = new { a = "b" } } }, token);
        using var unknownStream = await PutAsync(emulator, Streaming, Stream("g", "x", isFull: true, track: "nope"), token);
        using var badSpace = await emulator.PostDingTalkAsync(CreateAndDeliver, Card(emulator, "t", "IM_ROBOT.alice"), token);
        using var nonString = await emulator.PostDingTalkAsync(CreateAndDeliver, new { cardTemplateId = "tpl", outTrackId = "t2", openSpaceId = "dtv1.card//IM_ROBOT.alice", cardData = new { cardParamMap = new { n = 1 } } }, token);
        using var notJson = await emulator.SendDingTalkAsync(HttpMethod.Put, Streaming, "{nope", token);

        Assert.Equal(400, unknownUpdate.Status);
        Assert.Equal(400, unknownStream.Status);
        Assert.Equal(400, badSpace.Status);
        Assert.Equal(400, nonString.Status);
        Assert.Equal(400, notJson.Status);
        Assert.NotNull(notJson.Header("x-acs-request-id"));
    }

    private static object Card(TestEmulator emulator, string outTrackId, string openSpaceId, string title = "Thinking") => new
    {
        cardTemplateId = "ai-card-template.schema",
        outTrackId,
        cardData = new { cardParamMap = new { title, content = string.Empty } },
        callbackType = "STREAM",
        openSpaceId,
        imGroupOpenSpaceModel = new { supportForward = true },
        imRobotOpenSpaceModel = new { supportForward = true },
        imGroupOpenDeliverModel = new { robotCode = emulator.Options.DingTalkAppKey },
        imRobotOpenDeliverModel = new { spaceType = "IM_ROBOT" },
        userIdType = 1,
    };

    private static object Stream(string guid, string content, bool isFull, bool isFinalize = false, string track = "track-4") =>
        new { outTrackId = track, guid, key = "content", content, isFull, isFinalize, isError = false };

    private static Task<Reply> PutAsync(TestEmulator emulator, string path, object body, string token) =>
        emulator.SendDingTalkAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body), token);

    private static Task<Reply> CardAsync(TestEmulator emulator, string outTrackId) =>
        emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/cards/{outTrackId}", null);

    private static async Task<string> CreateGroupAsync(TestEmulator emulator)
    {
        using var reply = await emulator.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "Cards", members = new[] { "alice" } });
        return reply.Json.GetProperty("openConversationId").GetString()!;
    }
}
