using System.Net;
using System.Text;
using Larkway.Feishu.Events.LongConnection;

namespace Larkway.Feishu.Events.Tests.LongConnection;

/// <summary>The discovery answer, parsed on its own and through a stub handler.</summary>
public sealed class EndpointDiscoveryTests
{
    [Fact]
    public void A_good_answer_gives_the_url_ids_and_config()
    {
        var endpoint = EndpointDiscovery.Parse("""
            {"code":0,"msg":"ok","data":{"URL":"wss://msg-frontier.feishu.cn/ws/v2?fpid=493&aid=552564&device_id=7361&access_key=a%2Bb&service_id=33554678&ticket=t",
             "ClientConfig":{"ReconnectCount":-1,"ReconnectInterval":120,"ReconnectNonce":30,"PingInterval":120}}}
            """u8);

        endpoint.Url.Host.ShouldBe("msg-frontier.feishu.cn");
        endpoint.ConnectionId.ShouldBe("7361");
        endpoint.ServiceId.ShouldBe(33554678);
        endpoint.ClientConfig.ShouldNotBeNull().GetProperty("PingInterval").GetInt32().ShouldBe(120);
    }

    [Theory]
    [InlineData("""{"code":1,"msg":"system busy"}""", 1)]
    [InlineData("""{"code":1000040343,"msg":"internal error"}""", 1000040343)]
    [InlineData("""not json""", null)]
    [InlineData("""{"msg":"no code"}""", null)]
    [InlineData("""{"code":0,"data":{}}""", null)]
    [InlineData("""{"code":0,"data":{"URL":"https://example.com/?service_id=1"}}""", null)]
    [InlineData("""{"code":0,"data":{"URL":"wss://example.com/ws?device_id=d"}}""", null)]
    public void Unusable_or_busy_answers_are_retryable(string body, int? code)
    {
        var error = Should.Throw<FeishuLongConnectionException>(() => EndpointDiscovery.Parse(Encoding.UTF8.GetBytes(body)));

        error.Reason.ShouldBe(FeishuLongConnectionErrorReason.DiscoveryFailed);
        error.IsFatal.ShouldBeFalse();
        error.Code.ShouldBe(code);
    }

    [Fact]
    public void Any_other_code_is_fatal()
    {
        var error = Should.Throw<FeishuLongConnectionException>(() => EndpointDiscovery.Parse("""{"code":10014,"msg":"app secret invalid"}"""u8));

        error.Reason.ShouldBe(FeishuLongConnectionErrorReason.DiscoveryRejected);
        error.IsFatal.ShouldBeTrue();
        error.Code.ShouldBe(10014);
    }

    [Fact]
    public async Task The_discovery_goes_through_the_configured_handler()
    {
        using var handler = new StubHandler("""{"code":10014,"msg":"app secret invalid"}""");
        await using var client = new FeishuLongConnectionClient(
            new FeishuLongConnectionOptions
            {
                AppId = LongConnectionHarness.AppId,
                AppSecret = LongConnectionHarness.AppSecret,
                BaseUrl = new Uri("https://open.example.test/prefix"),
                HttpMessageHandler = handler,
            },
            new RecordingSink());

        var error = await Should.ThrowAsync<FeishuLongConnectionException>(client.RunAsync().WaitAsync(TestTimeouts.HangGuard));

        error.Code.ShouldBe(10014);
        handler.Requests.ShouldBe(["POST https://open.example.test/prefix/callback/ws/endpoint locale=zh"]);
    }

    private sealed class StubHandler(string body) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add($"{request.Method} {request.RequestUri} locale={string.Join(',', request.Headers.GetValues("locale"))}");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
