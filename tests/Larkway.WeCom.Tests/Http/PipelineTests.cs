using System.Net;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.Http;

public sealed class PipelineTests
{
    private static readonly WeComRetryOptions FastRetry = new() { MaxRetries = 3, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, UseJitter = false };

    private static WeComClient Client(StubHandler stub, TimeProvider? time = null, ListLoggerProvider? logs = null) =>
        new(new WeComAppOptions { CorpId = "wwcorp", CorpSecret = "s3cret-value", AgentId = 1000002, ApiBaseUrl = new Uri("http://wecom.test"), Retry = FastRetry },
            logs, time, stub);

    [Fact]
    public async Task The_token_is_fetched_once_for_many_concurrent_calls_and_sent_as_the_access_token_query()
    {
        var stub = new StubHandler { Fallback = _ => Json("""{"errcode":0,"errmsg":"ok","userid":"zhangsan","name":"Zhang San"}""") };
        stub.Reply("/cgi-bin/gettoken", () =>
        {
            Thread.Sleep(50);
            return Json("""{"errcode":0,"errmsg":"ok","access_token":"tok-1","expires_in":7200}""");
        });
        using var client = Client(stub);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.Users.GetAsync("zhangsan")));

        stub.To("/cgi-bin/gettoken").Count.ShouldBe(1);
        stub.To("/cgi-bin/gettoken")[0].Url.Query.ShouldBe("?corpid=wwcorp&corpsecret=s3cret-value");
        stub.To("/cgi-bin/user/get").ShouldAllBe(r => r.Url.Query == "?userid=zhangsan&access_token=tok-1");
    }

    [Fact]
    public async Task A_token_is_replaced_before_it_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        var stub = new StubHandler().Token("tok-1").Token("tok-2");
        using var client = Client(stub, time);

        (await client.GetAccessTokenAsync()).ShouldBe("tok-1");
        time.Advance(TimeSpan.FromSeconds(7200 - 301));
        (await client.GetAccessTokenAsync()).ShouldBe("tok-1");
        time.Advance(TimeSpan.FromSeconds(2));
        (await client.GetAccessTokenAsync()).ShouldBe("tok-2");
    }

    [Theory]
    [InlineData(42001)]
    [InlineData(40014)]
    [InlineData(40001)]
    public async Task A_refused_token_is_dropped_and_the_call_sent_once_more_with_a_new_one(int errcode)
    {
        var stub = new StubHandler().Token("tok-old").Token("tok-new")
            .Reply("/cgi-bin/user/get", $$"""{"errcode":{{errcode}},"errmsg":"access_token expired, hint: [abc-123]"}""")
            .Reply("/cgi-bin/user/get", """{"errcode":0,"errmsg":"ok","userid":"lisi"}""");
        using var client = Client(stub);

        var user = await client.Users.GetAsync("lisi");

        user.UserId.ShouldBe("lisi");
        stub.To("/cgi-bin/user/get").Select(r => r.Url.Query).ShouldBe(["?userid=lisi&access_token=tok-old", "?userid=lisi&access_token=tok-new"]);
    }

    [Fact]
    public async Task A_token_refused_twice_fails_with_the_hint_instead_of_looping()
    {
        var stub = new StubHandler().Token("a").Token("b")
            .Reply("/cgi-bin/user/get", """{"errcode":42001,"errmsg":"expired"}""")
            .Reply("/cgi-bin/user/get", """{"errcode":42001,"errmsg":"expired"}""");
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Users.GetAsync("lisi"));

        failure.ErrCode.ShouldBe(42001);
        failure.Hint.ShouldNotBeNull().ShouldContain("CorpSecret");
        stub.To("/cgi-bin/user/get").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_refused_secret_says_where_to_find_the_right_one()
    {
        var stub = new StubHandler().Reply("/cgi-bin/gettoken", """{"errcode":40001,"errmsg":"invalid credential, hint: [1700000000_1_abc], from ip: 1.2.3.4"}""");
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.GetAccessTokenAsync());

        failure.Code.ShouldBe(WeComErrorCodes.InvalidSecret);
        failure.RequestId.ShouldBe("1700000000_1_abc");
        failure.Message.ShouldContain("wwcorp");
        failure.Message.ShouldContain("Secret");
        failure.Message.ShouldNotContain("s3cret-value");
    }

    [Theory]
    [InlineData("""{"errcode":-1,"errmsg":"system busy"}""", 200)]
    [InlineData("""{"errcode":45009,"errmsg":"api freq out of limit"}""", 200)]
    [InlineData("bad gateway", 502)]
    public async Task Transient_failures_of_a_call_safe_to_repeat_are_retried(string body, int status)
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/user/get", body, (HttpStatusCode)status)
            .Reply("/cgi-bin/user/get", """{"errcode":0,"errmsg":"ok","userid":"lisi"}""");
        using var client = Client(stub);

        (await client.Users.GetAsync("lisi")).UserId.ShouldBe("lisi");
        stub.To("/cgi-bin/user/get").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_send_without_the_duplicate_check_is_not_repeated_after_a_5xx()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/message/send", "oops", HttpStatusCode.InternalServerError);
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers("a"), WeComAppMessage.Text("hi")));

        failure.Code.ShouldBe("HTTP500");
        failure.IsTransient.ShouldBeTrue();
        stub.To("/cgi-bin/message/send").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_gateway_5xx_whose_body_says_system_busy_is_still_not_repeated_for_a_plain_send()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/message/send", """{"errcode":-1,"errmsg":"bad gateway"}""", HttpStatusCode.BadGateway);
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers("a"), WeComAppMessage.Text("hi")));

        failure.Code.ShouldBe(WeComErrorCodes.SystemBusy);
        failure.HttpStatus.ShouldBe(HttpStatusCode.BadGateway);
        stub.To("/cgi-bin/message/send").Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_send_with_the_duplicate_check_is_repeated_after_a_5xx()
    {
        var stub = new StubHandler().Token()
            .Reply("/cgi-bin/message/send", "oops", HttpStatusCode.BadGateway)
            .Reply("/cgi-bin/message/send", """{"errcode":0,"errmsg":"ok","msgid":"m1"}""");
        using var client = Client(stub);

        var result = await client.Messages.SendAsync(WeComRecipients.ToUsers("a"), WeComAppMessage.Text("hi"), new WeComSendOptions { EnableDuplicateCheck = true });

        result.MsgId.ShouldBe("m1");
        stub.To("/cgi-bin/message/send").Count.ShouldBe(2);
    }

    [Fact]
    public async Task Rate_refusals_are_retried_at_most_max_retries_times_then_fail_as_transient()
    {
        var stub = new StubHandler().Token();
        for (var i = 0; i < 4; i++)
        {
            stub.Reply("/cgi-bin/message/send", """{"errcode":45009,"errmsg":"reach max api daily quota limit"}""");
        }

        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers("a"), WeComAppMessage.Text("hi")));

        failure.ErrCode.ShouldBe(45009);
        failure.IsTransient.ShouldBeTrue();
        failure.Hint.ShouldNotBeNull().ShouldContain("30 messages a minute");
        stub.To("/cgi-bin/message/send").Count.ShouldBe(4);
    }

    [Theory]
    [InlineData(60020, "trusted IP")]
    [InlineData(81013, "visible range")]
    [InlineData(93000, "webhook")]
    public async Task Common_refusals_carry_what_to_fix(int errcode, string hint)
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/message/send", $$"""{"errcode":{{errcode}},"errmsg":"refused, hint: [h-{{errcode}}]","invaliduser":"nobody"}""");
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Messages.SendAsync(WeComRecipients.ToUsers("nobody"), WeComAppMessage.Text("hi")));

        failure.ErrCode.ShouldBe(errcode);
        failure.Hint.ShouldNotBeNull().ShouldContain(hint);
        failure.Message.ShouldContain(hint);
        failure.RequestId.ShouldBe($"h-{errcode}");
        failure.IsTransient.ShouldBeFalse();
        failure.InvalidUser.ShouldBe("nobody");
        stub.To("/cgi-bin/message/send").Count.ShouldBe(1);
    }

    [Fact]
    public async Task Logs_show_paths_and_codes_but_never_the_token_or_the_secret()
    {
        var logs = new ListLoggerProvider();
        var stub = new StubHandler().Token("tok-SECRET-123")
            .Reply("/cgi-bin/user/get", """{"errcode":-1,"errmsg":"busy"}""")
            .Reply("/cgi-bin/user/get", """{"errcode":0,"errmsg":"ok","userid":"lisi"}""");
        using var client = Client(stub, logs: logs);

        await client.Users.GetAsync("lisi");

        logs.Lines.ShouldNotBeEmpty();
        logs.Lines.ShouldContain(l => l.StartsWith("3004 ", StringComparison.Ordinal) && l.Contains("/cgi-bin/user/get", StringComparison.Ordinal));
        logs.Lines.ShouldAllBe(l => !l.Contains("tok-SECRET-123", StringComparison.Ordinal) && !l.Contains("s3cret-value", StringComparison.Ordinal) && !l.Contains("lisi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_that_is_not_json_is_a_malformed_response()
    {
        var stub = new StubHandler().Token().Reply("/cgi-bin/user/get", () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>portal</html>") });
        using var client = Client(stub);

        var failure = await Should.ThrowAsync<WeComApiException>(() => client.Users.GetAsync("lisi"));

        failure.Code.ShouldBe(WeComErrorCodes.MalformedResponse);
    }

    [Fact]
    public void Options_without_credentials_say_where_to_find_them()
    {
        var failure = Should.Throw<WeComApiException>(() => new WeComClient(new WeComAppOptions { CorpId = "ww" }));

        failure.Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        failure.Message.ShouldContain("CorpSecret");
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
}
