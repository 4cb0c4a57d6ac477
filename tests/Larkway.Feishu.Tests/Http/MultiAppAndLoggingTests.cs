using System.Net;
using Larkway.Feishu.Im;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Http;

public class MultiAppAndLoggingTests
{
    [Fact]
    public async Task Two_plain_clients_keep_their_own_tokens()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var cn = TestClients.Create(stub, o => o.AppId = "cli_cn");
        using var intl = TestClients.Create(stub, o => (o.AppId, o.BaseUrl) = ("cli_intl", FeishuBaseUrls.Lark));

        await cn.Im.Chats.GetAsync("oc_1");
        await intl.Im.Chats.GetAsync("oc_1");
        await cn.Im.Chats.GetAsync("oc_1");
        await intl.Im.Chats.GetAsync("oc_1");

        Assert.Equal(2, stub.TokenRequests);
        var byHost = stub.ApiCalls.GroupBy(r => r.Uri.Host).ToDictionary(g => g.Key, g => g.Select(r => r.Authorization).Distinct().Single());
        Assert.Equal(2, byHost.Count);
        Assert.NotEqual(byHost["feishu.test"], byHost["open.larksuite.com"]);
    }

    [Fact]
    public async Task Logs_carry_method_path_status_code_and_log_id_but_never_tokens_or_secrets()
    {
        var logs = new TestLoggerProvider();
        var stub = new StubHandler((r, n) => n == 1
            ? Responses.Error(FeishuErrorCodes.TenantAccessTokenInvalid, "Invalid access token", HttpStatusCode.BadRequest, ("X-Tt-Logid", "log-42"))
            : Responses.Ok(Responses.Message(), ("X-Tt-Logid", "log-43")));
        stub.TokenResponder = n => Responses.Token($"t-very-secret-token-{n}", 7200);
        using var client = TestClients.Create(stub, loggerFactory: logs);

        await client.Im.Messages.SendAsync(ReceiveId.Chat("oc_1"), MessageContent.Text("confidential body text"));
        await client.AsUser("u-user-secret").Im.Messages.RecallAsync("om_1");

        var all = string.Join("\n", logs.Lines);
        Assert.Contains("POST /open-apis/im/v1/messages -> HTTP 400 code 99991663 log id log-42", all, StringComparison.Ordinal);
        Assert.Contains("POST /open-apis/im/v1/messages -> HTTP 200 code 0 log id log-43", all, StringComparison.Ordinal);
        Assert.Contains("/open-apis/auth/v3/tenant_access_token/internal", all, StringComparison.Ordinal);
        foreach (var secret in new[] { "t-very-secret-token", "u-user-secret", TestClients.AppSecret, "confidential", "Bearer" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Missing_credentials_fail_at_construction_naming_the_option_and_variable()
    {
        var ex = Assert.Throws<FeishuApiException>(() => new FeishuClient(new FeishuAppOptions { AppSecret = "s" }));

        Assert.Equal(FeishuErrorCodes.MissingCredentials, ex.Code);
        Assert.Contains("FeishuAppOptions.AppId", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("FEISHU_APP_ID", ex.ErrorMessage, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FeishuClient(TestClients.Options(o => o.BaseUrl = new Uri("ftp://x"))));
    }

    [Fact]
    public async Task Base_url_with_a_path_prefix_is_kept()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""{"chat_id":"oc_1"}"""));
        using var client = TestClients.Create(stub, o => o.BaseUrl = new Uri("http://proxy.test/feishu/"));

        await client.Im.Chats.GetAsync("oc_1");

        Assert.All(stub.Requests, r => Assert.StartsWith("http://proxy.test/feishu/open-apis/", r.Uri.ToString(), StringComparison.Ordinal));
    }
}
