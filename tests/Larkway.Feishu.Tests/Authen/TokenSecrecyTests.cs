using System.Net;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Authen;

/// <summary>No token, secret, code or session key shows in a ToString, a log line or an exception message.</summary>
public sealed class TokenSecrecyTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Token_carrying_types_mask_their_secrets_in_ToString()
    {
        var texts = new object[]
        {
            new FeishuUserToken("u-secret-access", Noon, "ur-secret-refresh", Noon.AddDays(7), "offline_access"),
            new MiniProgramSession("ou_1", "e1", "sk-secret-session", "tk", "u-secret-access", Noon, "ur-secret-refresh"),
            new FeishuRequestOptions { UserAccessToken = "u-secret-access" },
            new JsapiTicket("secret-ticket", Noon),
        }.Select(o => o.ToString()!).ToArray();

        Assert.All(texts, t => Assert.Contains("***", t, StringComparison.Ordinal));
        foreach (var secret in new[] { "u-secret-access", "ur-secret-refresh", "sk-secret-session", "secret-ticket" })
        {
            Assert.All(texts, t => Assert.DoesNotContain(secret, t, StringComparison.Ordinal));
        }

        // What is not secret stays readable.
        Assert.Contains("offline_access", texts[0], StringComparison.Ordinal);
        Assert.Contains("ou_1", texts[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_secret_or_code_appears_in_any_log_line_or_exception_message()
    {
        var logs = new TestLoggerProvider();
        var stub = new StubHandler((r, _) => r.Path switch
        {
            "/open-apis/authen/v2/oauth/token" when r.Body!.Contains("code-fails", StringComparison.Ordinal) =>
                OAuthResponses.Error("20003", "invalid_grant", "The authorization code is not found.", HttpStatusCode.BadRequest),
            "/open-apis/authen/v2/oauth/token" => OAuthResponses.Token("u-secret-access", "ur-secret-refresh"),
            "/open-apis/authen/v1/user_info" => Responses.Ok("""{"open_id":"ou_1","name":"Z"}"""),
            "/open-apis/mina/v2/tokenLoginValidate" => Responses.Ok(
                """{"open_id":"ou_1","session_key":"sk-secret-session","access_token":"u-secret-mina","expires_in":1565512680,"refresh_token":"ur-secret-mina"}"""),
            _ => Responses.Error(FeishuErrorCodes.InvalidParameter, "unexpected", HttpStatusCode.NotFound),
        });
        stub.TokenResponder = n => Responses.Token($"t-secret-tenant-{n}", 7200);
        using var client = TestClients.Create(stub, loggerFactory: logs);
        var store = new InMemoryFeishuUserTokenStore();
        var provider = new FeishuUserTokenProvider(client, store);

        var token = await client.Authen.ExchangeCodeAsync("code-secret-1", codeVerifier: "TxYmzM4PHLBlqm5NtnCmwxMH8mFlRWl_ipie3O0aVzo");
        await client.Authen.GetUserInfoAsync(token.AccessToken);
        await client.Authen.RefreshUserTokenAsync(token.RefreshToken!);
        await client.Authen.Code2SessionAsync("code-secret-mina");
        await store.SaveAsync(client.AppId, "ou_1", token with { ExpiresAt = DateTimeOffset.MinValue.AddDays(1) });
        await provider.GetAccessTokenAsync("ou_1");
        var failure = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.ExchangeCodeAsync("code-fails-secret"));

        var all = string.Join("\n", logs.Lines) + "\n" + failure.Message + "\n" + failure;
        Assert.Contains("/open-apis/authen/v2/oauth/token", all, StringComparison.Ordinal);
        Assert.Contains("code 20003", all, StringComparison.Ordinal);
        foreach (var secret in new[]
                 {
                     "u-secret-access", "ur-secret-refresh", "u-secret-mina", "ur-secret-mina", "sk-secret-session", "t-secret-tenant",
                     "code-secret", "code-fails-secret", "TxYmzM4PHLBlqm5NtnCmwxMH8mFlRWl", TestClients.AppSecret, "Bearer",
                 })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }
}
