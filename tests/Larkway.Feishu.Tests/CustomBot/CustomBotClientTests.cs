using System.Net;
using System.Text.Json.Nodes;
using Larkway.Feishu.Cards;
using Larkway.Feishu.CustomBot;

namespace Larkway.Feishu.Tests.CustomBot;

public sealed class CustomBotClientTests : IDisposable
{
    private const string Webhook = "https://open.feishu.cn/open-apis/bot/v2/hook/0f8c0e1e-aaaa-bbbb-cccc-123456789abc";

    // The "gen-typical" vector of tests/fixtures/vectors/feishu-custom-bot.json.
    private const string Secret = "bN3fKq8ZyXw2Lm9PaR4tUv";
    private const long Timestamp = 1718000000;
    private const string ExpectedSign = "/ckypeTUigpD4H60CYlNQbVyLwEfkxgj4sOTJm5lJuw=";

    private readonly WebhookStubHandler _handler = new();
    private readonly ManualTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(Timestamp));

    public void Dispose() => _handler.Dispose();

    [Fact]
    public async Task Text_without_secret_posts_msg_type_and_content_only()
    {
        using var client = Client(secret: null);

        await client.SendTextAsync("新更新提醒");

        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri(Webhook), request.Uri);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        AssertJson("""{"msg_type":"text","content":{"text":"新更新提醒"}}""", request.Body);
    }

    [Fact]
    public async Task Signed_request_carries_timestamp_as_string_and_the_vector_signature()
    {
        using var client = Client(Secret);

        await client.SendTextAsync("hi");

        var body = Body(0);
        Assert.Equal("1718000000", body["timestamp"]!.GetValue<string>());
        Assert.Equal(ExpectedSign, body["sign"]!.GetValue<string>());
        Assert.Equal("text", body["msg_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Text_mentions_everyone_first_then_each_user()
    {
        using var client = Client(secret: null);

        await client.SendTextAsync("deploy done", ["ou_1", "ou_2"], atAll: true);

        Assert.Equal(
            "<at user_id=\"all\">所有人</at> <at user_id=\"ou_1\"></at> <at user_id=\"ou_2\"></at> deploy done",
            Body(0)["content"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Text_can_mention_only_everyone()
    {
        using var client = Client(secret: null);

        await client.SendTextAsync("standup", atUserIds: null, atAll: true);

        Assert.Equal("<at user_id=\"all\">所有人</at> standup", Body(0)["content"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Uri_constructor_and_token_only_overload_send_the_same_request()
    {
        using var http = new HttpClient(_handler, disposeHandler: false);
        using var client = new CustomBotClient(http, new Uri(Webhook), Secret, _time);

        await client.SendTextAsync("hi", CancellationToken.None);

        Assert.Equal(new Uri(Webhook), client.WebhookUrl);
        AssertJson($$$"""{"timestamp":"1718000000","sign":"{{{ExpectedSign}}}","msg_type":"text","content":{"text":"hi"}}""", _handler.Requests[0].Body);
    }

    [Fact]
    public void Mention_formats_an_at_tag_and_rejects_injection()
    {
        Assert.Equal("<at user_id=\"ou_xxx\">Tom</at>", CustomBotClient.Mention("ou_xxx", "Tom"));
        Assert.Throws<ArgumentException>(() => CustomBotClient.Mention("ou_x\"><b>"));
    }

    [Fact]
    public async Task Post_has_the_extra_post_wrapper()
    {
        using var client = Client(secret: null);

        await client.SendPostAsync("项目更新通知",
        [
            [PostElement.Text("项目有更新: "), PostElement.Link("请查看", "http://www.example.com/"), PostElement.At("ou_18ea")],
            [PostElement.AtAll(), PostElement.Text("&lt;ok&gt;", unEscape: true)],
            [PostElement.Image("img_1")],
        ]);

        AssertJson("""
            {"msg_type":"post","content":{"post":{"zh_cn":{"title":"项目更新通知","content":[
              [{"tag":"text","text":"项目有更新: "},{"tag":"a","text":"请查看","href":"http://www.example.com/"},{"tag":"at","user_id":"ou_18ea"}],
              [{"tag":"at","user_id":"all"},{"tag":"text","text":"&lt;ok&gt;","un_escape":true}],
              [{"tag":"img","image_key":"img_1"}]
            ]}}}}
            """, _handler.Requests[0].Body);
    }

    [Fact]
    public async Task Image_share_chat_and_card_use_their_documented_keys()
    {
        using var client = Client(secret: null);
        var card = Card.V2().Header("今日旅游推荐", HeaderTemplate.Blue).Markdown("...").Build();

        await client.SendImageAsync("img_ecffc3b9");
        await client.SendShareChatAsync("oc_f5b1a7eb");
        await client.SendCardAsync(card);

        AssertJson("""{"msg_type":"image","content":{"image_key":"img_ecffc3b9"}}""", _handler.Requests[0].Body);
        AssertJson("""{"msg_type":"share_chat","content":{"share_chat_id":"oc_f5b1a7eb"}}""", _handler.Requests[1].Body);
        AssertJson("""
            {"msg_type":"interactive","card":{"schema":"2.0",
              "header":{"title":{"tag":"plain_text","content":"今日旅游推荐"},"template":"blue"},
              "body":{"elements":[{"tag":"markdown","content":"..."}]}}}
            """, _handler.Requests[2].Body);
    }

    [Fact]
    public async Task An_invalid_card_is_refused_before_sending()
    {
        using var client = Client(secret: null);
        var card = JsonNode.Parse("""{"schema":"2.0","body":{"elements":[{"tag":"markdown"}]}}""")!;

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendCardAsync(card));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, ex.Code);
        Assert.Contains("$.body.elements[0].content", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Card_validation_can_be_turned_off()
    {
        using var client = new CustomBotClient(_handler, Webhook, timeProvider: _time) { ValidateCards = false };

        await client.SendCardAsync(JsonNode.Parse("""{"schema":"2.0","body":{"elements":[{"tag":"markdown"}]}}""")!);

        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Body_over_20_KB_is_refused_locally_counting_UTF8_bytes()
    {
        using var client = Client(Secret);

        // 7,000 CJK characters are 21,000 UTF-8 bytes but only 7,000 chars.
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync(new string('中', 7000)));
        Assert.Equal(FeishuErrorCodes.InvalidRequest, ex.Code);
        Assert.Contains("20480", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);

        await client.SendTextAsync(new string('中', 6700));
        Assert.Single(_handler.Requests);
    }

    [Theory]
    [InlineData("""{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}""", 19021)]
    [InlineData("""{"code":19022,"msg":"Ip Not Allowed"}""", 19022)]
    [InlineData("""{"code":19024,"msg":"Key Words Not Found"}""", 19024)]
    [InlineData("""{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}""", 19001)]
    [InlineData("""{"code":9499,"msg":"Bad Request","data":{}}""", 9499)]
    [InlineData("""{"StatusCode":9499,"StatusMessage":"Bad Request"}""", 9499)]
    public async Task Http_200_with_a_non_zero_code_is_a_failure(string response, int code)
    {
        _handler.Respond(response, HttpStatusCode.OK, ("X-Tt-Logid", "202406101234abcd"));
        using var client = Client(Secret);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Equal(code, ex.Code);
        Assert.Equal(HttpStatusCode.OK, ex.HttpStatus);
        Assert.Equal("202406101234abcd", ex.RequestId);
        Assert.False(string.IsNullOrEmpty(ex.ErrorMessage));
        Assert.Single(_handler.Requests);
    }

    [Theory]
    [InlineData("""{"StatusCode":0,"StatusMessage":"success"}""")]
    [InlineData("""{"code":0,"msg":"success","data":{}}""")]
    [InlineData(WebhookStubHandler.Success)]
    public async Task Zero_code_in_either_shape_is_success(string response)
    {
        _handler.Respond(response);
        using var client = Client(secret: null);

        await client.SendTextAsync("hi");

        Assert.Single(_handler.Requests);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>", HttpStatusCode.BadGateway)]
    [InlineData("{}", HttpStatusCode.OK)]
    public async Task A_response_without_an_envelope_is_malformed(string response, HttpStatusCode status)
    {
        _handler.Respond(response, status);
        using var client = Client(secret: null);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
        Assert.Equal(status, ex.HttpStatus);
    }

    [Fact]
    public async Task Rate_limit_is_retried_with_back_off_and_a_fresh_signature()
    {
        _handler.Respond("""{"code":11232,"msg":"create message service trigger rate limit"}""");
        using var client = Client(Secret);

        await client.SendTextAsync("hi");

        Assert.Equal(2, _handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1)], _time.Delays);
        var retry = Body(1);
        Assert.Equal("1718000001", retry["timestamp"]!.GetValue<string>());
        Assert.Equal(CustomBotSigner.Sign(Secret, 1718000001), retry["sign"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rate_limit_retries_are_bounded_and_back_off_doubles()
    {
        const string limited = """{"code":11232,"msg":"create message service trigger rate limit"}""";
        _handler.Respond(limited).Respond(limited).Respond(limited).Respond(limited);
        using var client = Client(Secret);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Equal(FeishuErrorCodes.MessageServiceRateLimited, ex.Code);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, _handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], _time.Delays);
    }

    [Fact]
    public async Task Retries_are_configurable_and_honour_the_reset_header()
    {
        const string limited = """{"code":99991400,"msg":"request trigger frequency limit"}""";
        _handler.Respond(limited, HttpStatusCode.TooManyRequests, ("x-ogw-ratelimit-reset", "5"))
            .Respond(limited, HttpStatusCode.TooManyRequests, ("x-ogw-ratelimit-reset", "5"));
        using var client = new CustomBotClient(_handler, Webhook, Secret, _time) { MaxRateLimitRetries = 1 };

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Equal(FeishuErrorCodes.RateLimited, ex.Code);
        Assert.Equal(TimeSpan.FromSeconds(5), ex.RetryAfter);
        Assert.Equal(2, _handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(5)], _time.Delays);
    }

    [Fact]
    public async Task Zero_retries_sends_once()
    {
        _handler.Respond("""{"code":11232,"msg":"rate limit"}""");
        using var client = new CustomBotClient(_handler, Webhook, Secret, _time) { MaxRateLimitRetries = 0 };

        await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Single(_handler.Requests);
        Assert.Empty(_time.Delays);
    }

    [Theory]
    [InlineData("""{"code":19024,"msg":"Key Words Not Found"}""", HttpStatusCode.OK)]
    [InlineData("""{"code":9499,"msg":"Bad Request"}""", HttpStatusCode.InternalServerError)]
    public async Task Other_failures_are_not_retried_because_they_might_double_post(string response, HttpStatusCode status)
    {
        _handler.Respond(response, status);
        using var client = Client(Secret);

        await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Transport_failure_becomes_a_network_error()
    {
        _handler.Throw(new HttpRequestException("connection refused"));
        using var client = Client(secret: null);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.SendTextAsync("hi"));

        Assert.Equal(FeishuErrorCodes.NetworkError, ex.Code);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_wrapped()
    {
        using var client = Client(secret: null);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendTextAsync("hi", cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData("https://open.feishu.cn/open-apis/bot/v2/hook/abc")]
    [InlineData("https://open.larksuite.com/open-apis/bot/v2/hook/abc")]
    [InlineData("http://localhost:5080/open-apis/bot/v2/hook/abc")]
    public void Webhook_urls_in_the_documented_shape_are_accepted(string url)
    {
        using var client = new CustomBotClient(_handler, url);

        Assert.Equal(new Uri(url), client.WebhookUrl);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("open.feishu.cn/open-apis/bot/v2/hook/abc")]
    [InlineData("ftp://open.feishu.cn/open-apis/bot/v2/hook/abc")]
    [InlineData("http://open.feishu.cn/open-apis/bot/v2/hook/abc")]
    [InlineData("https://open.feishu.cn/open-apis/bot/v2/hook/")]
    [InlineData("https://open.feishu.cn/open-apis/bot/v2/hook/abc/def")]
    [InlineData("https://open.feishu.cn/open-apis/im/v1/messages")]
    [InlineData("https://open.feishu.cn/open-apis/bot/v2/hook/abc?x=1")]
    [InlineData("")]
    public void Malformed_webhook_urls_are_rejected_with_a_clear_argument_exception(string url)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new CustomBotClient(_handler, url));

        Assert.Equal("webhookUrl", ex.ParamName);
    }

    [Fact]
    public async Task A_caller_owned_HttpClient_is_used_and_not_disposed()
    {
        using var http = new HttpClient(_handler, disposeHandler: false);
        using (var client = new CustomBotClient(http, Webhook, Secret, _time))
        {
            await client.SendImageAsync("img_1");
        }

        await http.PostAsync(new Uri(Webhook), new StringContent("{}"));
        Assert.Equal(2, _handler.Requests.Count);
        Assert.Equal(ExpectedSign, Body(0)["sign"]!.GetValue<string>());
    }

    [Fact]
    public void An_empty_secret_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CustomBotClient(_handler, Webhook, secret: " "));

        Assert.Equal("secret", ex.ParamName);
    }

    private CustomBotClient Client(string? secret) => new(_handler, Webhook, secret, _time);

    private JsonNode Body(int index) => JsonNode.Parse(_handler.Requests[index].Body)!;

    private static void AssertJson(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"Expected {expectedNode?.ToJsonString()}\nActual   {actualNode?.ToJsonString()}");
    }
}
