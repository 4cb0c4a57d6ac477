using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk;

public sealed class DingTalkRobotTests
{
    private static readonly JsonElement Vectors = SharedVectors.Load("dingtalk.json").GetProperty("custom_robot_webhook");

    public static TheoryData<string> SignVectorIds() => [.. Vectors.GetProperty("sign_vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    private static JsonElement SignVector(string id) => Vectors.GetProperty("sign_vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    private static JsonElement NegativeVector(string id) => Vectors.GetProperty("sign_negative_vectors").EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    private static JsonElement Shape(string name) => Vectors.GetProperty("message_shapes").GetProperty(name);

    [Theory]
    [MemberData(nameof(SignVectorIds))]
    public void Signature_matches_the_shared_vectors(string id)
    {
        var vector = SignVector(id);

        var sign = RobotSignature.Compute(vector.GetProperty("timestamp_ms").GetString()!, vector.GetProperty("secret").GetString()!);

        Assert.Equal(vector.GetProperty("expected_sign_base64").GetString(), sign);
        Assert.Equal(vector.GetProperty("expected_sign_urlencoded").GetString(), Uri.EscapeDataString(sign));
    }

    [Theory]
    [MemberData(nameof(SignVectorIds))]
    public async Task Signed_webhook_from_a_vector_is_accepted_at_its_timestamp(string id)
    {
        var vector = SignVector(id);
        var timestamp = vector.GetProperty("timestamp_ms").GetString()!;
        await using var emulator = await StartAtAsync(timestamp);
        var robot = await CreateRobotAsync(emulator, new { name = "signed", secret = vector.GetProperty("secret").GetString() });

        using var reply = await SendAsync(emulator, robot + vector.GetProperty("expected_url_suffix").GetString(), new { msgtype = "text", text = new { content = "signed hello" } });

        Assert.Equal(0, reply.ErrCode());
        Assert.Equal("ok", reply.ErrMsg());
        Assert.Single(await MessagesAsync(emulator, robot));
    }

    [Theory]
    [InlineData("neg-feishu-style", "sign not match")]
    [InlineData("neg-seconds-timestamp", "invalid timestamp")]
    public async Task Negative_sign_vectors_are_refused_with_310000(string id, string errmsg)
    {
        var vector = NegativeVector(id);
        await using var emulator = await StartAtAsync("1577262236757");
        var robot = await CreateRobotAsync(emulator, new { name = "signed", secret = vector.GetProperty("secret").GetString() });
        var query = $"&timestamp={vector.GetProperty("timestamp_ms").GetString()}&sign={Uri.EscapeDataString(vector.GetProperty("sign_presented_base64").GetString()!)}";

        using var reply = await SendAsync(emulator, robot + query, new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(200, reply.Status);
        Assert.Equal(310000, reply.ErrCode());
        Assert.Equal(errmsg, reply.ErrMsg());
        Assert.Empty(await MessagesAsync(emulator, robot));
    }

    [Fact]
    public async Task Sign_sent_without_url_encoding_does_not_match()
    {
        var vector = NegativeVector("neg-not-urlencoded");
        await using var emulator = await StartAtAsync(vector.GetProperty("timestamp_ms").GetString()!);
        var robot = await CreateRobotAsync(emulator, new { name = "signed", secret = vector.GetProperty("secret").GetString() });

        using var reply = await SendAsync(emulator, robot + $"&timestamp={vector.GetProperty("timestamp_ms").GetString()}&sign={vector.GetProperty("query_value_sent").GetString()}", new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(310000, reply.ErrCode());
        Assert.Equal("sign not match", reply.ErrMsg());
    }

    [Theory]
    [InlineData(3_600_000, 0)]
    [InlineData(-3_600_000, 0)]
    [InlineData(3_600_001, 310000)]
    [InlineData(-3_600_001, 310000)]
    public async Task Timestamp_must_be_within_one_hour(long skewMs, int errcode)
    {
        const long now = 1_718_000_000_000;
        await using var emulator = await StartAtAsync(now.ToString(CultureInfo.InvariantCulture));
        var robot = await CreateRobotAsync(emulator, new { name = "signed", secret = "SECabc" });
        var timestamp = (now + skewMs).ToString(CultureInfo.InvariantCulture);

        using var reply = await SendAsync(emulator, robot + $"&timestamp={timestamp}&sign={Uri.EscapeDataString(RobotSignature.Compute(timestamp, "SECabc"))}", new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(errcode, reply.ErrCode());
    }

    [Theory]
    [InlineData("", "invalid timestamp")]
    [InlineData("&timestamp=abc&sign=x", "invalid timestamp")]
    [InlineData("&timestamp=1718000000000", "sign not match")]
    public async Task Secured_robot_refuses_a_missing_timestamp_or_sign(string query, string errmsg)
    {
        await using var emulator = await StartAtAsync("1718000000000");
        var robot = await CreateRobotAsync(emulator, new { name = "signed", sign = true });

        using var reply = await SendAsync(emulator, robot + query, new { msgtype = "text", text = new { content = "x" } });

        Assert.Equal(310000, reply.ErrCode());
        Assert.Equal(errmsg, reply.ErrMsg());
    }

    [Fact]
    public async Task Generated_secret_is_sec_style_and_signs()
    {
        await using var emulator = await StartAtAsync("1718000000000");
        using var created = await emulator.PostDingTalkAsync("/_emulator/dingtalk/robots", new { name = "signed", sign = true });
        var secret = created.Json.GetProperty("secret").GetString()!;
        var webhook = new Uri(created.Json.GetProperty("webhook").GetString()!);

        using var reply = await SendAsync(emulator, webhook.PathAndQuery + "&timestamp=1718000000000&sign=" + Uri.EscapeDataString(RobotSignature.Compute("1718000000000", secret)), new { msgtype = "text", text = new { content = "x" } });

        Assert.StartsWith("SEC", secret, StringComparison.Ordinal);
        Assert.Equal(67, secret.Length);
        Assert.Equal(emulator.Server.BaseUrl.Authority, webhook.Authority);
        Assert.Equal(0, reply.ErrCode());
    }

    [Theory]
    [InlineData("text")]
    [InlineData("link")]
    [InlineData("markdown")]
    [InlineData("actionCard_single")]
    [InlineData("actionCard_multi")]
    [InlineData("feedCard")]
    public async Task Every_documented_message_shape_is_accepted_and_stored(string shape)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var body = Shape(shape);

        using var reply = await SendAsync(emulator, "/dingtalk/robot/send?access_token=dev-robot", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.ErrCode());
        var stored = Assert.Single(await MessagesAsync(emulator, "/dingtalk/robot/send?access_token=dev-robot"));
        var msgType = body.GetProperty("msgtype").GetString()!;
        Assert.Equal(msgType, stored.GetProperty("msgtype").GetString());
        Assert.Equal(JsonSerializer.Serialize(body.GetProperty(msgType)), JsonSerializer.Serialize(stored.GetProperty("content")));
    }

    [Fact]
    public async Task At_list_is_kept_with_the_message()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await SendAsync(emulator, "/dingtalk/robot/send?access_token=dev-robot", Shape("markdown"));

        var at = Assert.Single(await MessagesAsync(emulator, "/dingtalk/robot/send?access_token=dev-robot")).GetProperty("at");
        Assert.Equal("150XXXXXXXX", Assert.Single(at.GetProperty("atMobiles").EnumerateArray()).GetString());
        Assert.Equal("user123", Assert.Single(at.GetProperty("atUserIds").EnumerateArray()).GetString());
        Assert.False(at.GetProperty("isAtAll").GetBoolean());
    }

    [Theory]
    [InlineData("{\"msgtype\":\"text\",\"text\":{}}", "content")]
    [InlineData("{\"msgtype\":\"text\"}", "text")]
    [InlineData("{\"text\":{\"content\":\"x\"}}", "msgtype")]
    [InlineData("{\"msgtype\":\"markdown\",\"markdown\":{\"text\":\"x\"}}", "title")]
    [InlineData("{\"msgtype\":\"link\",\"link\":{\"title\":\"t\",\"text\":\"x\"}}", "messageUrl")]
    [InlineData("{\"msgtype\":\"actionCard\",\"actionCard\":{\"title\":\"t\",\"text\":\"x\"}}", "btns")]
    [InlineData("{\"msgtype\":\"actionCard\",\"actionCard\":{\"title\":\"t\",\"text\":\"x\",\"singleTitle\":\"go\"}}", "singleURL")]
    [InlineData("{\"msgtype\":\"actionCard\",\"actionCard\":{\"title\":\"t\",\"text\":\"x\",\"btns\":[{\"title\":\"a\"}]}}", "actionURL")]
    [InlineData("{\"msgtype\":\"actionCard\",\"actionCard\":{\"title\":\"t\",\"text\":\"x\",\"btnOrientation\":\"2\",\"singleTitle\":\"go\",\"singleURL\":\"https://x\"}}", "btnOrientation")]
    [InlineData("{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[]}}", "links")]
    [InlineData("{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[{\"title\":\"t\",\"messageURL\":\"https://x\"}]}}", "picURL")]
    [InlineData("{\"msgtype\":\"text\",\"text\":{\"content\":\"x\"},\"at\":{\"atMobiles\":\"138\"}}", "atMobiles")]
    public async Task Missing_or_ill_typed_fields_are_refused_naming_the_field(string body, string field)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, "/dingtalk/robot/send?access_token=dev-robot", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(400402, reply.ErrCode());
        Assert.Contains(field, reply.ErrMsg(), StringComparison.Ordinal);
        Assert.Empty(await MessagesAsync(emulator, "/dingtalk/robot/send?access_token=dev-robot"));
    }

    [Fact]
    public async Task Unknown_msgtype_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostDingTalkAsync("/dingtalk/robot/send?access_token=dev-robot", new { msgtype = "image", image = new { picURL = "https://x" } });

        Assert.Equal(400402, reply.ErrCode());
        Assert.Contains("image", reply.ErrMsg(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{oops")]
    [InlineData("[]")]
    public async Task Malformed_body_is_40035_json(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, "/dingtalk/robot/send?access_token=dev-robot", body);

        Assert.Equal(200, reply.Status);
        Assert.Equal(40035, reply.ErrCode());
        Assert.Equal("缺少参数 json", reply.ErrMsg());
    }

    [Theory]
    [InlineData("text/plain", 43004)]
    [InlineData("application/x-www-form-urlencoded", 43004)]
    [InlineData("application/json; charset=GBK", 43004)]
    [InlineData("application/json", 0)]
    [InlineData("application/json;charset=UTF-8", 0)]
    public async Task Body_must_be_declared_as_utf8_json(string contentType, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("{\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}"));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var reply = await Reply.ReadAsync(await emulator.Http.PostAsync(new Uri("/dingtalk/robot/send?access_token=dev-robot", UriKind.Relative), content));

        Assert.Equal(200, reply.Status);
        Assert.Equal(errcode, reply.ErrCode());
    }

    [Fact]
    public async Task Missing_access_token_is_40035()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await SendAsync(emulator, "/dingtalk/robot/send", Shape("text"));

        Assert.Equal(40035, reply.ErrCode());
        Assert.Equal("缺少参数 access_token", reply.ErrMsg());
    }

    [Fact]
    public async Task Unknown_access_token_is_300005()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await SendAsync(emulator, "/dingtalk/robot/send?access_token=nope", Shape("text"));

        Assert.Equal(300005, reply.ErrCode());
        Assert.Equal("token is not exist", reply.ErrMsg());
    }

    [Theory]
    [InlineData("{\"msgtype\":\"text\",\"text\":{\"content\":\"deploy done\"}}", 0)]
    [InlineData("{\"msgtype\":\"text\",\"text\":{\"content\":\"hello\"}}", 310000)]
    [InlineData("{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"alert: disk\",\"text\":\"full\"}}", 0)]
    [InlineData("{\"msgtype\":\"feedCard\",\"feedCard\":{\"links\":[{\"title\":\"nightly deploy\",\"messageURL\":\"https://x\",\"picURL\":\"https://y\"}]}}", 0)]
    public async Task Keywords_must_appear_in_the_message(string body, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var robot = await CreateRobotAsync(emulator, new { name = "kw", keywords = new[] { "deploy", "alert" } });

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, robot, body);

        Assert.Equal(errcode, reply.ErrCode());
        if (errcode != 0)
        {
            Assert.Equal("keywords not in content", reply.ErrMsg());
        }
    }

    [Theory]
    [InlineData("127.0.0.1", 0)]
    [InlineData("127.0.0.0/8", 0)]
    [InlineData("10.1.2.3", 310000)]
    [InlineData("192.168.0.0/16", 310000)]
    public async Task Ip_whitelist_is_checked(string entry, int errcode)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var robot = await CreateRobotAsync(emulator, new { name = "ip", ipWhitelist = new[] { entry } });

        using var reply = await SendAsync(emulator, robot, Shape("text"));

        Assert.Equal(errcode, reply.ErrCode());
        if (errcode != 0)
        {
            Assert.Equal("ip 127.0.0.1 not in whitelist", reply.ErrMsg());
        }
    }

    [Fact]
    public async Task The_21st_message_within_a_minute_is_refused_and_the_robot_stays_throttled_for_ten_minutes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        const string robot = "/dingtalk/robot/send?access_token=dev-robot";
        for (var i = 0; i < 20; i++)
        {
            using var ok = await SendAsync(emulator, robot, Shape("text"));
            Assert.Equal(0, ok.ErrCode());
            emulator.Clock.Advance(TimeSpan.FromSeconds(2));
        }

        using var tooFast = await SendAsync(emulator, robot, Shape("text"));
        emulator.Clock.Advance(TimeSpan.FromMinutes(9));
        using var stillThrottled = await SendAsync(emulator, robot, Shape("text"));
        emulator.Clock.Advance(TimeSpan.FromMinutes(1));
        using var again = await SendAsync(emulator, robot, Shape("text"));

        Assert.Equal(130101, tooFast.ErrCode());
        Assert.Equal("send too fast, exceed 20 times per minute", tooFast.ErrMsg());
        Assert.Equal(130101, stillThrottled.ErrCode());
        Assert.Equal(0, again.ErrCode());
        Assert.Equal(21, (await MessagesAsync(emulator, robot)).Count);
    }

    [Fact]
    public async Task Twenty_messages_per_sliding_minute_pass_without_throttling()
    {
        await using var emulator = await TestEmulator.StartAsync();
        const string robot = "/dingtalk/robot/send?access_token=dev-robot";
        for (var i = 0; i < 40; i++)
        {
            using var ok = await SendAsync(emulator, robot, Shape("text"));
            Assert.Equal(0, ok.ErrCode());
            emulator.Clock.Advance(TimeSpan.FromSeconds(3));
        }
    }

    [Fact]
    public async Task Throttle_duration_comes_from_the_options_and_the_limit_honours_enforce_rate_limits()
    {
        await using var shortThrottle = await TestEmulator.StartAsync(o => o.DingTalkRobotThrottle = TimeSpan.FromMinutes(2));
        await using var unlimited = await TestEmulator.StartAsync(o => o.EnforceRateLimits = false);
        const string robot = "/dingtalk/robot/send?access_token=dev-robot";
        for (var i = 0; i < 21; i++)
        {
            (await SendAsync(shortThrottle, robot, Shape("text"))).Dispose();
            using var free = await SendAsync(unlimited, robot, Shape("text"));
            Assert.Equal(0, free.ErrCode());
        }

        shortThrottle.Clock.Advance(TimeSpan.FromMinutes(2));
        using var after = await SendAsync(shortThrottle, robot, Shape("text"));

        Assert.Equal(0, after.ErrCode());
        Assert.Equal(20, (await MessagesAsync(shortThrottle, robot)).Count - 1);
    }

    [Fact]
    public async Task Robots_with_the_same_conversation_title_post_into_one_group()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var first = await emulator.PostDingTalkAsync("/_emulator/dingtalk/robots", new { name = "a", conversationTitle = "Ops" });
        using var second = await emulator.PostDingTalkAsync("/_emulator/dingtalk/robots", new { name = "b", conversationTitle = "Ops" });
        using var other = await emulator.PostDingTalkAsync("/_emulator/dingtalk/robots", new { name = "c" });

        Assert.Equal(first.Json.GetProperty("conversationId").GetString(), second.Json.GetProperty("conversationId").GetString());
        Assert.NotEqual(first.Json.GetProperty("conversationId").GetString(), other.Json.GetProperty("conversationId").GetString());
        Assert.Equal(JsonValueKind.Null, first.Json.TryGetProperty("secret", out var secret) ? secret.ValueKind : JsonValueKind.Null);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"x\",\"keywords\":\"deploy\"}")]
    [InlineData("{\"name\":\"x\",\"ipWhitelist\":[\"not-an-ip\"]}")]
    [InlineData("{\"name\":\"x\",\"keywords\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}")]
    [InlineData("{\"name\":\"x\",\"accessToken\":\"dev-robot\"}")]
    [InlineData("nonsense")]
    public async Task Bad_robot_definitions_are_refused_by_the_control_api(string body)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Post, "/_emulator/dingtalk/robots", body);

        Assert.Equal(400, reply.Status);
        Assert.Equal("InvalidParameter", reply.ApiCode());
    }

    [Fact]
    public async Task Messages_of_an_unknown_robot_is_404()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, "/_emulator/dingtalk/robots/nope/messages", null);

        Assert.Equal(404, reply.Status);
    }

    private static async Task<TestEmulator> StartAtAsync(string timestampMs) =>
        await TestEmulator.StartAsync(clock: new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(timestampMs, CultureInfo.InvariantCulture))));

    /// <summary>Creates a robot through the control API and returns its webhook's path and query.</summary>
    private static async Task<string> CreateRobotAsync(TestEmulator emulator, object definition)
    {
        using var reply = await emulator.PostDingTalkAsync("/_emulator/dingtalk/robots", definition);
        Assert.Equal(200, reply.Status);
        return new Uri(reply.Json.GetProperty("webhook").GetString()!).PathAndQuery;
    }

    private static Task<Reply> SendAsync(TestEmulator emulator, string pathAndQuery, object body) =>
        emulator.SendDingTalkAsync(HttpMethod.Post, pathAndQuery, body is JsonElement element ? element.GetRawText() : JsonSerializer.Serialize(body));

    private static async Task<List<JsonElement>> MessagesAsync(TestEmulator emulator, string webhookPathAndQuery)
    {
        var token = webhookPathAndQuery.Split("access_token=")[1].Split('&')[0];
        using var reply = await emulator.SendDingTalkAsync(HttpMethod.Get, $"/_emulator/dingtalk/robots/{token}/messages", null);
        return [.. reply.Json.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }
}
