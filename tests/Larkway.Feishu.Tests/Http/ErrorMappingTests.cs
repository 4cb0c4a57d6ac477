using System.Net;
using System.Net.Sockets;
using System.Text;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Http;

public class ErrorMappingTests
{
    [Fact]
    public async Task Success_envelope_returns_data()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1","name":"Ops","user_count":"12"}"""));
        using var client = TestClients.Create(stub);

        var chat = await client.Im.Chats.GetAsync("oc_1");

        Assert.Equal("oc_1", chat.ChatId);
        Assert.Equal("Ops", chat.Name);
        Assert.Equal(12, chat.UserCount);
    }

    [Fact]
    public async Task Nonzero_code_with_http_400_becomes_exception_with_code_msg_status_and_header_log_id()
    {
        var stub = new StubHandler((_, _) => Responses.Error(230002, "Bot is not in the chat", HttpStatusCode.BadRequest, ("X-Tt-Logid", "log-header-1")));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.BotNotInChat, ex.Code);
        Assert.Equal("Bot is not in the chat", ex.ErrorMessage);
        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatus);
        Assert.Equal("log-header-1", ex.RequestId);
        Assert.False(ex.IsTransient);
        Assert.Contains("log-header-1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nonzero_code_with_http_200_is_still_an_exception()
    {
        var stub = new StubHandler((_, _) => Responses.Error(1254000, "WrongRequestBody", HttpStatusCode.OK));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(1254000, ex.Code);
        Assert.Equal(HttpStatusCode.OK, ex.HttpStatus);
    }

    [Fact]
    public async Task Log_id_falls_back_to_x_request_id_then_to_the_body()
    {
        var fromRequestId = new StubHandler((_, _) => Responses.Error(232006, "invalid chat_id", HttpStatusCode.BadRequest, ("X-Request-Id", "req-1")));
        using (var client = TestClients.Create(fromRequestId))
        {
            var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));
            Assert.Equal("req-1", ex.RequestId);
        }

        var fromBody = new StubHandler((_, _) => Responses.Json("""{"code":99991679,"msg":"Unauthorized","error":{"log_id":"body-log-2"}}""", HttpStatusCode.Forbidden));
        using (var client = TestClients.Create(fromBody))
        {
            var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));
            Assert.Equal("body-log-2", ex.RequestId);
            Assert.Equal(HttpStatusCode.Forbidden, ex.HttpStatus);
        }
    }

    [Fact]
    public async Task Violations_and_troubleshooter_are_read_from_the_error_object()
    {
        const string body = """
            {"code":99991679,"msg":"Unauthorized. required one of these privileges: [task:task:read, task:task:write]",
             "error":{"log_id":"202407260711088FB107A76E0100002087",
                      "troubleshooter":"https://open.feishu.cn/search?from=openapi&log_id=x&code=99991679",
                      "permission_violations":[{"subject":"task:task:read","type":"action_privilege_required"},
                                               {"subject":"task:task:write","type":"action_privilege_required"}],
                      "field_violations":[{"field":"receive_id","value":"ou_x","description":"invalid"}]}}
            """;
        var stub = new StubHandler((_, _) => Responses.Json(body, HttpStatusCode.BadRequest));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.UserScopeMissing, ex.Code);
        Assert.Equal("202407260711088FB107A76E0100002087", ex.RequestId);
        Assert.StartsWith("https://open.feishu.cn/search", ex.Troubleshooter, StringComparison.Ordinal);
        Assert.Equal(["task:task:read", "task:task:write"], ex.PermissionViolations.Select(v => v.Subject));
        Assert.Equal("action_privilege_required", ex.PermissionViolations[0].Type);
        var field = Assert.Single(ex.FieldViolations);
        Assert.Equal(new FeishuFieldViolation("receive_id", "ou_x", "invalid"), field);
    }

    [Fact]
    public async Task Non_json_response_is_malformed_naming_status_and_content_type()
    {
        var stub = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html>bad gateway</html>", Encoding.UTF8, "text/html"),
        });
        using var client = TestClients.Create(stub, o => o.Retry.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
        Assert.Equal(HttpStatusCode.BadGateway, ex.HttpStatus);
        Assert.Contains("text/html", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("502", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Json_content_type_with_a_broken_body_is_malformed()
    {
        var stub = new StubHandler((_, _) => Responses.Json("{\"code\":0,\"data\":", HttpStatusCode.OK));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
        Assert.Contains("not valid JSON", ex.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"code\":0,\"data\":{\"chat_id\":", HttpStatusCode.OK)]
    [InlineData("{\"code\":232006,\"msg\":\"bad", HttpStatusCode.BadRequest)]
    public async Task A_broken_body_after_the_code_is_malformed_when_the_log_id_came_in_a_header(string body, HttpStatusCode status)
    {
        // With X-Tt-Logid in the headers the probe reads no further than the code; the rest is still checked.
        var stub = new StubHandler((_, _) => Responses.Json(body, status, ("X-Tt-Logid", "header-log-1")));
        using var client = TestClients.Create(stub, o => o.Retry.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
        Assert.Contains("not valid JSON", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("header-log-1", ex.RequestId);
    }

    [Fact]
    public async Task Unreachable_base_url_is_a_network_error_naming_the_url()
    {
        var port = ClosedPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        using var client = new FeishuClient(TestClients.Options(o =>
        {
            o.BaseUrl = baseUrl;
            o.Retry.MaxRetries = 1;
        }));

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.NetworkError, ex.Code);
        Assert.Contains(baseUrl.ToString(), ex.ErrorMessage, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_timeout_error()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Responses.Ok();
        });
        using var client = TestClients.Create(stub, o =>
        {
            o.Timeout = TimeSpan.FromSeconds(5);
            o.Retry.MaxRetries = 0;
        }, time);
        stub.TokenResponder = _ => Responses.Token("t-1", 7200);

        var call = client.Im.Chats.GetAsync("oc_1");

        // The token request's own timeout timer comes first, then the call's.
        Assert.Equal(TimeSpan.FromSeconds(5), await time.WaitForTimerAsync());
        Assert.Equal(TimeSpan.FromSeconds(5), await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromSeconds(6));
        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => call);

        Assert.Equal(FeishuErrorCodes.Timeout, ex.Code);
        Assert.Contains(TestClients.BaseUrl.ToString(), ex.ErrorMessage, StringComparison.Ordinal);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Caller_cancellation_stays_an_OperationCanceledException()
    {
        var stub = new StubHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Responses.Ok();
        });
        using var client = TestClients.Create(stub);
        using var cts = new CancellationTokenSource();

        var call = client.Im.Chats.GetAsync("oc_1", cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task Token_endpoint_failure_surfaces_its_code()
    {
        var stub = new StubHandler((_, _) => Responses.Ok()) { TokenResponder = _ => Responses.Error(FeishuErrorCodes.WrongAppSecret, "app secret invalid") };
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Im.Chats.GetAsync("oc_1"));

        Assert.Equal(FeishuErrorCodes.WrongAppSecret, ex.Code);
        Assert.Equal(0, stub.ApiRequests);
    }

    private static int ClosedPort()
    {
        // Bind and release: nothing listens there afterwards.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
