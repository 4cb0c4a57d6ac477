using System.Net;
using Larkway.Feishu.Authen;
using Larkway.Feishu.Tests.Infrastructure;

namespace Larkway.Feishu.Tests.Authen;

/// <summary>Code exchange, user info, the legacy v1 endpoints and code2session over the wire: requests, answers, errors.</summary>
public sealed class UserSignInTests
{
    private const string Verifier = "TxYmzM4PHLBlqm5NtnCmwxMH8mFlRWl_ipie3O0aVzo";

    [Fact]
    public async Task Code_exchange_posts_the_documented_json_without_a_bearer_and_reads_the_top_level_answer()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-access-1", "ur-refresh-1", expiresIn: 7200, refreshExpiresIn: 604800, scope: "auth:user.id:read offline_access"));
        using var client = TestClients.Create(stub, time: time);
        var asked = time.GetUtcNow();

        var token = await client.Authen.ExchangeCodeAsync("code-1", new Uri("https://app.example.com/api/oauth/callback"), Verifier, ["auth:user.id:read", "offline_access"]);

        var call = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Post, call.Method);
        Assert.Equal("http://feishu.test/open-apis/authen/v2/oauth/token", call.Uri.AbsoluteUri);
        Assert.Null(call.Authorization);
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        Assert.Equal(
            $$"""{"grant_type":"authorization_code","client_id":"cli_test","client_secret":"{{TestClients.AppSecret}}","code":"code-1","redirect_uri":"https://app.example.com/api/oauth/callback","code_verifier":"{{Verifier}}","scope":"auth:user.id:read offline_access"}""",
            call.Body);
        Assert.Equal(0, stub.TokenRequests);

        Assert.Equal("u-access-1", token.AccessToken);
        Assert.Equal(asked.AddSeconds(7200), token.ExpiresAt);
        Assert.Equal("ur-refresh-1", token.RefreshToken);
        Assert.Equal(asked.AddSeconds(604800), token.RefreshTokenExpiresAt);
        Assert.Equal(["auth:user.id:read", "offline_access"], token.Scopes);
        Assert.Equal("Bearer", token.TokenType);
    }

    [Fact]
    public async Task A_minimal_exchange_sends_only_the_required_fields_and_without_offline_access_there_is_no_refresh_token()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-access-1", scope: "auth:user.id:read"));
        using var client = TestClients.Create(stub);

        var token = await client.Authen.ExchangeCodeAsync("code-1");

        Assert.Equal($$"""{"grant_type":"authorization_code","client_id":"cli_test","client_secret":"{{TestClients.AppSecret}}","code":"code-1"}""", Assert.Single(stub.Requests).Body);
        Assert.Null(token.RefreshToken);
        Assert.Null(token.RefreshTokenExpiresAt);
        Assert.False(token.CanRefreshAt(DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task A_client_view_that_calls_as_a_user_still_sends_no_token_on_the_exchange()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-access-1"));
        using var client = TestClients.Create(stub);

        await client.AsUser("u-someone-else").Authen.ExchangeCodeAsync("code-1");

        Assert.Null(Assert.Single(stub.Requests).Authorization);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "20003", "invalid_grant", FeishuErrorCodes.OAuthCodeNotFound, false)]
    [InlineData(HttpStatusCode.BadRequest, "\"20065\"", "invalid_grant", FeishuErrorCodes.OAuthCodeAlreadyUsed, false)]
    [InlineData(HttpStatusCode.BadRequest, "\"20049\"", "invalid_grant", FeishuErrorCodes.OAuthPkceFailed, false)]
    [InlineData(HttpStatusCode.InternalServerError, "20050", "server_error", FeishuErrorCodes.OAuthServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "\"20072\"", "temporarily_unavailable", FeishuErrorCodes.OAuthTemporarilyUnavailable, true)]
    public async Task An_oauth_error_becomes_one_exception_with_code_description_and_error_and_is_never_resent(
        HttpStatusCode status, string wireCode, string error, int code, bool transient)
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Error(wireCode, error, "The reason, in words.", status, ("X-Tt-Logid", "log-7")));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.ExchangeCodeAsync("code-1"));

        Assert.Equal(code, ex.Code);
        Assert.Equal("The reason, in words.", ex.ErrorMessage);
        Assert.Equal(error, ex.OAuthError);
        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal("log-7", ex.RequestId);
        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal(1, stub.ApiRequests);
    }

    [Fact]
    public async Task A_refresh_error_is_read_the_same_way_and_not_resent()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Error("20073", "invalid_grant", "The refresh token has been used.", HttpStatusCode.BadRequest));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.RefreshUserTokenAsync("ur-used"));

        Assert.Equal(FeishuErrorCodes.OAuthRefreshTokenAlreadyUsed, ex.Code);
        Assert.True(FeishuErrorCodes.IsRefreshTokenDead(ex.Code));
        Assert.Equal(1, stub.ApiRequests);
    }

    [Fact]
    public async Task A_gateway_page_instead_of_json_is_a_malformed_response_and_a_lost_connection_a_network_error_neither_resent()
    {
        var html = new StubHandler((_, _) => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>", System.Text.Encoding.UTF8, "text/html") });
        using (var client = TestClients.Create(html))
        {
            var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.ExchangeCodeAsync("code-1"));
            Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
            Assert.Equal(HttpStatusCode.BadGateway, ex.HttpStatus);
            Assert.Equal(1, html.ApiRequests);
        }

        var broken = new StubHandler((_, _) => throw new HttpRequestException("connection reset"));
        using (var client = TestClients.Create(broken))
        {
            var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.RefreshUserTokenAsync("ur-1"));
            Assert.Equal(FeishuErrorCodes.NetworkError, ex.Code);
            Assert.Equal(1, broken.ApiRequests);
        }
    }

    [Fact]
    public async Task A_success_without_an_access_token_is_malformed()
    {
        var stub = new StubHandler((_, _) => Responses.Json("""{"code":0,"token_type":"Bearer"}"""));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.ExchangeCodeAsync("code-1"));

        Assert.Equal(FeishuErrorCodes.MalformedResponse, ex.Code);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_sent()
    {
        var stub = new StubHandler((_, _) => OAuthResponses.Token("u-1"));
        using var client = TestClients.Create(stub);

        await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.ExchangeCodeAsync(" "));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.ExchangeCodeAsync("c", new Uri("/cb", UriKind.Relative)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.ExchangeCodeAsync("c", codeVerifier: "too-short"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.ExchangeCodeAsync("c", scopes: ["a", "a"]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.RefreshUserTokenAsync("r", ["a b"]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.Authen.Code2SessionAsync(""));

        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task User_info_is_a_get_with_the_users_token_as_bearer_and_every_field_typed()
    {
        var stub = new StubHandler((_, _) => Responses.Ok("""
            {"name":"Zhang San","en_name":"San Zhang","avatar_url":"https://a.test/o","avatar_thumb":"https://a.test/72","avatar_middle":"https://a.test/240","avatar_big":"https://a.test/640",
             "open_id":"ou_1","union_id":"on_1","email":"zs@example.com","enterprise_email":"zs@corp.example.com","user_id":"5d9b","mobile":"+8613000000000","tenant_key":"tk_1","employee_no":"E-42"}
            """));
        using var client = TestClients.Create(stub);

        var me = await client.Authen.GetUserInfoAsync("u-user-token");

        var call = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Get, call.Method);
        Assert.Equal("/open-apis/authen/v1/user_info", call.Path);
        Assert.Equal("", call.Query);
        Assert.Equal("Bearer u-user-token", call.Authorization);
        Assert.Equal(new UserInfo
        {
            Name = "Zhang San", EnName = "San Zhang", AvatarUrl = "https://a.test/o", AvatarThumb = "https://a.test/72", AvatarMiddle = "https://a.test/240",
            AvatarBig = "https://a.test/640", OpenId = "ou_1", UnionId = "on_1", Email = "zs@example.com", EnterpriseEmail = "zs@corp.example.com",
            UserId = "5d9b", Mobile = "+8613000000000", TenantKey = "tk_1", EmployeeNo = "E-42",
        }, me);
    }

    [Fact]
    public async Task User_info_with_a_bad_user_token_is_the_documented_code()
    {
        var stub = new StubHandler((_, _) => Responses.Error(FeishuErrorCodes.OAuthUserAccessTokenInvalid, "The user access token passed is invalid", HttpStatusCode.OK));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.GetUserInfoAsync("u-stale"));

        Assert.Equal(FeishuErrorCodes.OAuthUserAccessTokenInvalid, ex.Code);
        Assert.Null(ex.OAuthError);
    }

    [Fact]
    public async Task Legacy_exchange_and_refresh_post_with_the_app_token_and_read_data()
    {
        var time = new FakeTimeProvider();
        var stub = new StubHandler((r, _) => Responses.Ok(r.Path.EndsWith("/refresh_access_token", StringComparison.Ordinal)
            ? """{"access_token":"u-v1-2","refresh_token":"ur-v1-2","token_type":"Bearer","expires_in":6900,"refresh_expires_in":2592000,"scope":"contact:user.base:readonly"}"""
            : """{"access_token":"u-v1-1","refresh_token":"ur-v1-1","token_type":"Bearer","expires_in":6900,"refresh_expires_in":2592000,"scope":"contact:user.base:readonly"}"""));
        using var client = TestClients.Create(stub, time: time);
        var asked = time.GetUtcNow();

        var first = await client.Authen.ExchangeCodeLegacyAsync("code-v1");
        var second = await client.Authen.RefreshUserTokenLegacyAsync(first.RefreshToken!);

        var calls = stub.ApiCalls;
        Assert.Equal("/open-apis/authen/v1/oidc/access_token", calls[0].Path);
        Assert.Equal("""{"grant_type":"authorization_code","code":"code-v1"}""", calls[0].Body);
        Assert.Equal("/open-apis/authen/v1/oidc/refresh_access_token", calls[1].Path);
        Assert.Equal("""{"grant_type":"refresh_token","refresh_token":"ur-v1-1"}""", calls[1].Body);
        Assert.All(calls, c => Assert.Equal("Bearer a-t-token-1", c.Authorization));
        Assert.Equal(new FeishuUserToken("u-v1-1", asked.AddSeconds(6900), "ur-v1-1", asked.AddSeconds(2592000), "contact:user.base:readonly"), first);
        Assert.Equal("u-v1-2", second.AccessToken);
    }

    [Fact]
    public async Task Code2session_posts_the_code_with_the_app_token_and_its_expires_in_is_an_absolute_time()
    {
        var time = new FakeTimeProvider();
        time.Advance(TimeSpan.FromDays(400));
        var stub = new StubHandler((_, _) => Responses.Ok("""
            {"open_id":"ou_194f","employee_id":"6c486g","session_key":"sk-secret","tenant_key":"2c59","access_token":"u-mina-1","expires_in":1565512680,"refresh_token":"ur-mina-1","union_id":"deprecated"}
            """));
        using var client = TestClients.Create(stub, time: time);

        var session = await client.Authen.Code2SessionAsync("mina-code");

        var call = Assert.Single(stub.ApiCalls);
        Assert.Equal(HttpMethod.Post, call.Method);
        Assert.Equal("/open-apis/mina/v2/tokenLoginValidate", call.Path);
        Assert.Equal("Bearer a-t-token-1", call.Authorization);
        Assert.Equal("""{"code":"mina-code"}""", call.Body);
        Assert.Equal(new MiniProgramSession("ou_194f", "6c486g", "sk-secret", "2c59", "u-mina-1", DateTimeOffset.FromUnixTimeSeconds(1565512680), "ur-mina-1"), session);
        Assert.Equal(new DateTimeOffset(2019, 8, 11, 8, 38, 0, TimeSpan.Zero), session.ExpiresAt);
    }

    [Theory]
    [InlineData(FeishuErrorCodes.MiniProgramAccessTokenInvalid, HttpStatusCode.OK)]
    [InlineData(FeishuErrorCodes.MiniProgramCodeMismatch, HttpStatusCode.OK)]
    [InlineData(FeishuErrorCodes.MiniProgramInvalidCode, HttpStatusCode.OK)]
    [InlineData(FeishuErrorCodes.MiniProgramUserNotVisible, HttpStatusCode.OK)]
    [InlineData(FeishuErrorCodes.OAuthServerError, HttpStatusCode.InternalServerError)]
    public async Task Code2session_errors_surface_their_code_and_the_single_use_code_is_never_resent(int code, HttpStatusCode status)
    {
        var stub = new StubHandler((_, _) => Responses.Error(code, "refused", status));
        using var client = TestClients.Create(stub);

        var ex = await Assert.ThrowsAsync<FeishuApiException>(() => client.Authen.Code2SessionAsync("mina-code"));

        Assert.Equal(code, ex.Code);
        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(1, stub.ApiRequests);
    }
}
