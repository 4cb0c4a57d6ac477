using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.DingTalk.Callbacks;
using Larkway.Emulator.Tests.DingTalk.Stream;
using Larkway.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.Tests.DingTalk;

/// <summary>
/// Issue 29 §2: the DingTalk chat pages over the real wire — users write to the app robot (Stream and HTTP mode), card
/// buttons call the app back and its answer updates the card, the legacy HTTP event subscription, and bad input.
/// </summary>
public sealed class DingTalkChatTests
{
    private static readonly object[] RobotAndCards =
    [
        new { type = "CALLBACK", topic = "/v1.0/im/bot/messages/get" },
        new { type = "CALLBACK", topic = "/v1.0/card/instances/callback" },
    ];

    // The official DingCallbackCrypto check inputs (tests/Larkway.DingTalk.Tests/Fixtures/legacy-callback-crypto.json).
    private const string VectorToken = "mryue";
    private const string VectorAesKey = "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7";

    [Fact]
    public void Event_crypto_reproduces_the_official_vectors()
    {
        var checkUrl = EventCrypto.Decrypt("0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3", VectorAesKey);
        var success = EventCrypto.Encrypt("success", VectorAesKey, "ding6ccabc44d2c8d38b", Convert.FromHexString("6efcbb439de9adf04301b843ad8808b1"));

        Assert.Equal(("{\"EventType\":\"check_url\"}", "ding6ccabc44d2c8d38b"), checkUrl);
        Assert.Equal("k3tRZQtb6duQ7RiU3eGXYfAfW9BNh6t5hZ4EscpX8L8AKOag0RBTHSq0UZ/KOb8fuOtE6QPCehAbaNbHjFBLYA==", success);
        Assert.Equal("8ed4b596a1592c6b37315d401714991a9c4497ec", EventCrypto.Signature(VectorToken, "1608001896900", "Abc123Xy", success));
        Assert.Null(EventCrypto.Decrypt(success, "Zue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7"));
    }

    [Fact]
    public async Task A_user_writes_to_the_robot_the_app_gets_it_over_Stream_and_its_session_reply_shows_escaped()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        await using var app = await ConnectAppAsync(emulator);

        using var posted = await PostFormAsync(emulator, "/dingtalk-chat/robot/alice/say", new() { ["text"] = "need the Q3 report" });
        var frame = await app.NextOfTopicAsync("/v1.0/im/bot/messages/get");
        var message = frame.DataJson;
        using var replied = await emulator.PostJsonAsync(WebhookPath(message), new { msgtype = "markdown", markdown = new { title = "report", text = "**Here** it is <script>alert(1)</script>" } });
        using var page = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/alice", null);

        Assert.Equal(200, posted.Status);
        Assert.Equal("alice", message.GetProperty("senderStaffId").GetString());
        Assert.Equal("1", message.GetProperty("conversationType").GetString());
        Assert.Equal("need the Q3 report", message.GetProperty("text").GetProperty("content").GetString());
        Assert.Equal(emulator.Options.DingTalkAppKey, message.GetProperty("robotCode").GetString());
        Assert.Equal(0, replied.ErrCode());
        Assert.Contains("need the Q3 report", page.Text, StringComparison.Ordinal);
        Assert.Contains("<strong>Here</strong> it is &lt;script&gt;", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_group_only_a_message_that_mentions_the_robot_reaches_the_app_and_both_show()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        await using var app = await ConnectAppAsync(emulator);
        using var group = await emulator.PostDingTalkAsync("/_emulator/dingtalk/groups", new { title = "Ops", members = new[] { "bob", "carol" } });
        var cid = group.Json.GetProperty("openConversationId").GetString()!;
        var path = "/dingtalk-chat/groups/" + Uri.EscapeDataString(cid);

        (await PostFormAsync(emulator, path + "/say", new() { ["sender"] = "carol", ["text"] = "just chatting" })).Dispose();
        (await PostFormAsync(emulator, path + "/say", new() { ["sender"] = "bob", ["text"] = "deploy status?", ["at_robot"] = "1" })).Dispose();
        var frame = await app.NextOfTopicAsync("/v1.0/im/bot/messages/get");
        using var refused = await PostFormAsync(emulator, path + "/say", new() { ["sender"] = "dave", ["text"] = "not a member", ["at_robot"] = "1" });
        using var page = await emulator.SendDingTalkAsync(HttpMethod.Get, path + "?as=bob", null);

        Assert.Equal("deploy status?", frame.DataJson.GetProperty("text").GetProperty("content").GetString());
        Assert.Equal(cid, frame.DataJson.GetProperty("conversationId").GetString());
        Assert.Equal("2", frame.DataJson.GetProperty("conversationType").GetString());
        Assert.True(frame.DataJson.GetProperty("isInAtList").GetBoolean());
        Assert.DoesNotContain(app.Drain(), f => f.Topic == "/v1.0/im/bot/messages/get");
        Assert.Equal(400, refused.Status);
        Assert.Contains("just chatting", page.Text, StringComparison.Ordinal);
        Assert.Contains("deploy status?", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_button_calls_the_app_back_over_Stream_and_its_answer_updates_the_card()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        await using var app = await ConnectAppAsync(emulator);
        await DeliverCardAsync(emulator, "order-42");
        using var before = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/alice", null);

        var click = PostFormAsync(emulator, "/dingtalk-chat/cards/order-42/click", new() { ["user"] = "alice", ["button"] = "0", ["back"] = "/dingtalk-chat/robot/alice" });
        var frame = await app.NextOfTopicAsync("/v1.0/card/instances/callback");
        await app.AckAsync(frame, new { response = new { cardData = new { cardParamMap = new { state = "Approved by Alice" } }, cardUpdateOptions = new { updateCardDataByKey = true } } });
        using var after = await click;
        var content = JsonDocument.Parse(frame.DataJson.GetProperty("content").GetString()!).RootElement.GetProperty("cardPrivateData");

        Assert.Contains("data-action-id=\"approve\"", before.Text, StringComparison.Ordinal);
        Assert.Contains("<a class=\"btn\" href=\"https://hub.example.com/orders/42\" rel=\"noopener noreferrer\" target=\"_blank\">Open</a>", before.Text, StringComparison.Ordinal);
        Assert.Equal("order-42", frame.DataJson.GetProperty("outTrackId").GetString());
        Assert.Equal("alice", frame.DataJson.GetProperty("userId").GetString());
        Assert.Equal("approve", content.GetProperty("actionIds")[0].GetString());
        Assert.Equal("42", content.GetProperty("params").GetProperty("order").GetString());
        Assert.Contains("Approved by Alice", after.Text, StringComparison.Ordinal);
        Assert.Contains("The card was updated.", after.Text, StringComparison.Ordinal);
        Assert.Contains("Order 42", after.Text, StringComparison.Ordinal); // merged by key: the title stays
    }

    [Fact]
    public async Task A_click_nobody_answers_says_so_and_leaves_the_card_as_it_was()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        await DeliverCardAsync(emulator, "order-43");

        using var after = await PostFormAsync(emulator, "/dingtalk-chat/cards/order-43/click", new() { ["user"] = "alice", ["button"] = "0", ["back"] = "/dingtalk-chat/robot/alice" });

        Assert.Equal(200, after.Status);
        Assert.Contains("no Stream connection for card callbacks", after.Text, StringComparison.Ordinal);
        Assert.Contains("Pending", after.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outgoing_robot_in_HTTP_mode_gets_signed_posts_with_retries_and_its_answer_shows()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        emulator.Options.DingTalkCallbackRetryDelays = [TimeSpan.Zero, TimeSpan.Zero];
        await using var receiver = await DingTalkReceiver.StartAsync();
        var calls = 0;
        receiver.Respond = _ => Interlocked.Increment(ref calls) == 1 ? (500, "{}") : (200, """{"msgtype":"text","text":{"content":"pong from http"}}""");
        using var set = await PutAsync(emulator, $"/_emulator/dingtalk/apps/{emulator.Options.DingTalkAppKey}/robot-callback", new { url = receiver.Url });

        (await PostFormAsync(emulator, "/dingtalk-chat/robot/bob/say", new() { ["text"] = "ping" })).Dispose();
        var second = await receiver.WaitForAsync(2);
        await StreamTestHelpers.WaitUntilAsync(() => emulator.Server.DingTalkCallbacks.Attempts(null).Count == 2, "the second attempt to be logged");
        using var log = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/callback-deliveries", null);
        using var page = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/bob", null);

        Assert.Equal(200, set.Status);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(emulator.Options.DingTalkAppSecret), Encoding.UTF8.GetBytes(second.Headers["timestamp"] + "\n" + emulator.Options.DingTalkAppSecret)));
        Assert.Equal(expected, second.Headers["sign"]);
        Assert.Equal("ping", JsonDocument.Parse(second.Body).RootElement.GetProperty("text").GetProperty("content").GetString());
        var attempts = log.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["failed", "ok"], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal([500, 200], attempts.Select(a => a.GetProperty("status").GetInt32()));
        Assert.Contains("pong from http", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_subscription_is_checked_when_saved_and_events_arrive_encrypted_with_retries()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        emulator.Options.DingTalkCallbackRetryDelays = [TimeSpan.Zero, TimeSpan.Zero];
        await using var receiver = await DingTalkReceiver.StartAsync();
        // An internal app's event subscription encrypts for the app: the owner key is its AppKey.
        var ownerKey = emulator.Options.DingTalkAppKey;
        var failNextEvent = true;
        receiver.Respond = request =>
        {
            var plain = EventCrypto.Decrypt(JsonDocument.Parse(request.Body).RootElement.GetProperty("encrypt").GetString()!, VectorAesKey)!.Value.Message;
            if (plain.Contains("user_add_org", StringComparison.Ordinal) && failNextEvent)
            {
                failNextEvent = false;
                return (503, "busy");
            }

            var encrypt = EventCrypto.Encrypt("success", VectorAesKey, ownerKey);
            return (200, JsonSerializer.Serialize(new { msg_signature = EventCrypto.Signature(VectorToken, "1700000000000", "n0nce", encrypt), timeStamp = "1700000000000", nonce = "n0nce", encrypt }));
        };
        var appPath = $"/_emulator/dingtalk/apps/{emulator.Options.DingTalkAppKey}";

        using var wrongToken = await PutAsync(emulator, appPath + "/event-subscription", new { url = receiver.Url, token = "another", aesKey = VectorAesKey });
        using var saved = await PutAsync(emulator, appPath + "/event-subscription", new { url = receiver.Url, token = VectorToken, aesKey = VectorAesKey });
        using var raised = await emulator.PostJsonAsync(appPath + "/events", new { eventType = "user_add_org", data = new { UserId = new[] { "alice" } } });
        var delivered = await receiver.WaitForAsync(4);
        var id = raised.Json.GetProperty("deliveryId").GetString()!;
        await StreamTestHelpers.WaitUntilAsync(() => emulator.Server.DingTalkCallbacks.Attempts(id).Count == 2, "the retry to be logged");
        using var log = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/callback-deliveries?deliveryId=" + id, null);

        Assert.Equal(400, wrongToken.Status);
        Assert.Equal("CallbackCheckFailed", wrongToken.ApiCode());
        Assert.Contains("msg_signature", wrongToken.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, saved.Status);
        Assert.False(saved.Text.Contains(VectorAesKey, StringComparison.Ordinal));
        var query = delivered.Query;
        var encrypt = JsonDocument.Parse(delivered.Body).RootElement.GetProperty("encrypt").GetString()!;
        Assert.Equal(EventCrypto.Signature(VectorToken, query["timestamp"]!, query["nonce"]!, encrypt), query["msg_signature"]);
        var (plain, owner) = EventCrypto.Decrypt(encrypt, VectorAesKey)!.Value;
        var json = JsonDocument.Parse(plain).RootElement;
        Assert.Equal(ownerKey, owner);
        Assert.Equal("user_add_org", json.GetProperty("EventType").GetString());
        Assert.Equal("alice", json.GetProperty("UserId")[0].GetString());
        Assert.Equal(["failed", "ok"], log.Json.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_refusal_never_a_500()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        await DeliverCardAsync(emulator, "order-44");
        var appPath = $"/_emulator/dingtalk/apps/{emulator.Options.DingTalkAppKey}";

        using var unknownUser = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/nobody", null);
        using var emptyText = await PostFormAsync(emulator, "/dingtalk-chat/robot/alice/say", new() { ["text"] = "  " });
        using var noForm = await emulator.PostJsonAsync("/dingtalk-chat/robot/alice/say", new { text = "json" });
        using var unknownGroup = await PostFormAsync(emulator, "/dingtalk-chat/groups/cidnope/say", new() { ["sender"] = "alice", ["text"] = "x" });
        using var linkButton = await PostFormAsync(emulator, "/dingtalk-chat/cards/order-44/click", new() { ["user"] = "alice", ["button"] = "1" });
        using var noButton = await PostFormAsync(emulator, "/dingtalk-chat/cards/order-44/click", new() { ["user"] = "alice", ["button"] = "x" });
        using var notDelivered = await PostFormAsync(emulator, "/dingtalk-chat/cards/order-44/click", new() { ["user"] = "bob", ["button"] = "0" });
        using var unknownCard = await PostFormAsync(emulator, "/dingtalk-chat/cards/nope/click", new() { ["user"] = "alice", ["button"] = "0" });
        using var badAesKey = await PutAsync(emulator, appPath + "/event-subscription", new { url = "http://127.0.0.1:9/", token = "t", aesKey = "short" });
        using var badUrl = await PutAsync(emulator, appPath + "/robot-callback", new { url = "ftp://example.com" });
        using var notJson = await emulator.SendDingTalkAsync(HttpMethod.Put, appPath + "/robot-callback", "{not json");
        using var unknownApp = await PutAsync(emulator, "/_emulator/dingtalk/apps/dingnope/robot-callback", new { url = "http://127.0.0.1:9/" });
        using var noSubscription = await emulator.PostJsonAsync(appPath + "/events", new { eventType = "user_add_org" });
        using var badData = await emulator.PostJsonAsync(appPath + "/events", new { eventType = "user_add_org", data = "text" });

        Assert.Equal(404, unknownUser.Status);
        Assert.Equal(400, emptyText.Status);
        Assert.Equal(400, noForm.Status);
        Assert.Equal(404, unknownGroup.Status);
        Assert.Equal(400, linkButton.Status);
        Assert.Equal(400, noButton.Status);
        Assert.Equal(403, notDelivered.Status);
        Assert.Equal(404, unknownCard.Status);
        Assert.Equal((400, "InvalidParameter"), (badAesKey.Status, badAesKey.ApiCode()));
        Assert.Contains("aesKey", badAesKey.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, badUrl.Status);
        Assert.Equal(400, notJson.Status);
        Assert.Equal(404, unknownApp.Status);
        Assert.Equal((400, "NoSubscription"), (noSubscription.Status, noSubscription.ApiCode()));
        Assert.Equal(400, badData.Status);
    }

    [Fact]
    public async Task The_timeline_fragment_is_204_while_unchanged_and_shows_a_streamed_ai_card_growing()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        var token = await emulator.ApiTokenAsync();
        (await emulator.PostDingTalkAsync("/dingtalk/v1.0/card/instances/createAndDeliver", new { cardTemplateId = "ai.schema", outTrackId = "ai-1", cardData = new { cardParamMap = new { flowStatus = "2", content = "" } }, openSpaceId = "dtv1.card//IM_ROBOT.carol" }, token)).Dispose();
        using var first = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol/timeline", null);
        var hash = first.Header("x-timeline-hash");
        using var unchanged = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol/timeline?since=" + hash, null);
        (await emulator.SendDingTalkAsync(HttpMethod.Put, "/dingtalk/v1.0/card/streaming", JsonSerializer.Serialize(new { outTrackId = "ai-1", guid = "g1", key = "content", content = "Hello **world**", isFull = true, isFinalize = false, isError = false }), token)).Dispose();
        using var grown = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol/timeline?since=" + hash, null);
        (await emulator.SendDingTalkAsync(HttpMethod.Put, "/dingtalk/v1.0/card/streaming", JsonSerializer.Serialize(new { outTrackId = "ai-1", guid = "g2", key = "content", content = "Hello **world**, done", isFull = true, isFinalize = true, isError = false }), token)).Dispose();
        using var done = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/carol/timeline", null);

        Assert.Equal(204, unchanged.Status);
        Assert.Equal(200, grown.Status);
        Assert.Contains("Hello <strong>world</strong>", grown.Text, StringComparison.Ordinal);
        Assert.Contains("dt-card-status streaming", grown.Text, StringComparison.Ordinal);
        Assert.Contains("dt-card-status finished", done.Text, StringComparison.Ordinal);
    }

    private static async Task<StreamTestClient> ConnectAppAsync(TestEmulator emulator) =>
        await StreamTestClient.ConnectAsync(emulator, await TicketForAppAsync(emulator));

    private static async Task<Uri> TicketForAppAsync(TestEmulator emulator)
    {
        using var reply = await StreamTestClient.OpenAsync(emulator, StreamTestClient.GatewayBody(emulator, RobotAndCards, emulator.Options.DingTalkAppKey, emulator.Options.DingTalkAppSecret));
        Assert.Equal(200, reply.Status);
        return new Uri($"{reply.Json.GetProperty("endpoint").GetString()}?ticket={reply.Json.GetProperty("ticket").GetString()}");
    }

    /// <summary>A card to alice with a callback button and a link button (the emulator's <c>buttons</c> convention).</summary>
    private static async Task DeliverCardAsync(TestEmulator emulator, string outTrackId)
    {
        var buttons = JsonSerializer.Serialize(new object[]
        {
            new { text = "Approve", actionId = "approve", @params = new { order = "42" } },
            new { text = "Open", url = "https://hub.example.com/orders/42" },
        });
        using var reply = await emulator.PostDingTalkAsync("/dingtalk/v1.0/card/instances/createAndDeliver", new
        {
            cardTemplateId = "approval.schema",
            outTrackId,
            callbackType = "STREAM",
            cardData = new { cardParamMap = new Dictionary<string, string> { ["title"] = "Order 42", ["markdown"] = "Laptop, **1,299 CNY**", ["state"] = "Pending", ["buttons"] = buttons } },
            openSpaceId = "dtv1.card//IM_ROBOT.alice",
        }, await emulator.ApiTokenAsync());
        Assert.True(reply.Json.GetProperty("result").GetProperty("deliverResults")[0].GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task A_picture_sent_from_the_chat_page_reaches_the_app_and_its_download_code_opens_its_bytes()
    {
        await using var emulator = await StreamTestHelpers.StartAsync();
        await using var app = await ConnectAppAsync(emulator);
        var bytes = new byte[] { 0x89, 0x50, 0x4E, 0x47, 9, 8, 7 };

        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "screenshot.png");
        using var posted = await Reply.ReadAsync(await emulator.Http.PostAsync("/dingtalk-chat/robot/alice/send-file", form));
        var message = (await app.NextOfTopicAsync("/v1.0/im/bot/messages/get")).DataJson;
        var downloadCode = message.GetProperty("content").GetProperty("downloadCode").GetString();
        using var link = await emulator.PostDingTalkAsync("/dingtalk/v1.0/robot/messageFiles/download",
            new { downloadCode, robotCode = message.GetProperty("robotCode").GetString() }, await emulator.ApiTokenAsync());
        using var page = await emulator.SendDingTalkAsync(HttpMethod.Get, "/dingtalk-chat/robot/alice", null);

        Assert.Equal(200, posted.Status);
        Assert.Equal("picture", message.GetProperty("msgtype").GetString());
        Assert.Equal(200, link.Status);
        Assert.Equal(bytes, await emulator.Http.GetByteArrayAsync(link.Json.GetProperty("downloadUrl").GetString()));
        Assert.Contains("[picture]", page.Text, StringComparison.Ordinal);
    }

    private static string WebhookPath(JsonElement message) => new Uri(message.GetProperty("sessionWebhook").GetString()!).PathAndQuery;

    private static async Task<Reply> PostFormAsync(TestEmulator emulator, string path, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        return await Reply.ReadAsync(await emulator.Http.PostAsync(path, content));
    }

    private static Task<Reply> PutAsync(TestEmulator emulator, string path, object body) =>
        emulator.SendDingTalkAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body));
}
