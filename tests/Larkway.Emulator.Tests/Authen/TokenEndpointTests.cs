using System.Text;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class TokenEndpointTests
{
    [Fact]
    public async Task A_json_exchange_answers_the_top_level_token_body()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await signIn.ExchangeCodeAsync(await signIn.CodeAsync("offline_access task:task:read"));

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.Code);
        Assert.False(reply.Json.TryGetProperty("data", out _));
        Assert.StartsWith("u-", reply.Json.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(7200, reply.Json.GetProperty("expires_in").GetInt32());
        Assert.StartsWith("ur-", reply.Json.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(604800, reply.Json.GetProperty("refresh_token_expires_in").GetInt32());
        Assert.Equal("Bearer", reply.Json.GetProperty("token_type").GetString());
        Assert.Equal("offline_access task:task:read", reply.Json.GetProperty("scope").GetString());
        Assert.Equal("no-store", reply.Header("Cache-Control"));
    }

    [Fact]
    public async Task Without_offline_access_there_is_no_refresh_token()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await signIn.ExchangeCodeAsync(await signIn.CodeAsync("task:task:read"));

        Assert.Equal(0, reply.Code);
        Assert.False(reply.Json.TryGetProperty("refresh_token", out _));
        Assert.False(reply.Json.TryGetProperty("refresh_token_expires_in", out _));
    }

    [Fact]
    public async Task A_form_post_with_basic_client_credentials_is_taken()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync("offline_access");
        using var reply = await signIn.ExchangeFormAsync([new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", SignIn.Callback)], (signIn.AppId, signIn.Secret));

        Assert.True(reply.Code == 0, reply.Text);
        Assert.StartsWith("u-", reply.Json.GetProperty("access_token").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_with_the_secret_in_the_body_is_taken()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync();
        using var reply = await signIn.ExchangeFormAsync([new("grant_type", "authorization_code"), new("code", code), new("client_id", signIn.AppId), new("client_secret", signIn.Secret)]);

        Assert.True(reply.Code == 0, reply.Text);
    }

    [Fact]
    public async Task Basic_auth_and_a_body_secret_together_are_20070()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync();
        using var reply = await signIn.ExchangeFormAsync([new("grant_type", "authorization_code"), new("code", code), new("client_secret", signIn.Secret)], (signIn.AppId, signIn.Secret));

        SignIn.AssertOAuthError(reply, 20070);
    }

    [Fact]
    public async Task Pkce_s256_takes_the_rfc_7636_appendix_b_verifier_and_refuses_another()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync(challenge: SignIn.RfcChallenge, method: "S256");

        using (var wrong = await signIn.ExchangeCodeAsync(code, verifier: new string('a', 43)))
        {
            SignIn.AssertOAuthError(wrong, 20049);
        }

        using var right = await signIn.ExchangeCodeAsync(code, verifier: SignIn.RfcVerifier);
        Assert.True(right.Code == 0, right.Text);
    }

    [Fact]
    public async Task Pkce_defaults_to_plain_when_no_method_is_sent()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync(challenge: SignIn.RfcVerifier);

        using (var hashed = await signIn.ExchangeCodeAsync(code, verifier: SignIn.RfcChallenge))
        {
            SignIn.AssertOAuthError(hashed, 20049);
        }

        using var plain = await signIn.ExchangeCodeAsync(code, verifier: SignIn.RfcVerifier);
        Assert.True(plain.Code == 0, plain.Text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+")]
    public async Task A_missing_or_malformed_verifier_for_a_pkce_code_is_20049(string? verifier)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync(challenge: SignIn.RfcChallenge, method: "S256");
        using var reply = await signIn.ExchangeCodeAsync(code, verifier: verifier);

        SignIn.AssertOAuthError(reply, 20049);
    }

    [Fact]
    public async Task A_code_is_single_use_20065()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync();
        using (var first = await signIn.ExchangeCodeAsync(code))
        {
            Assert.Equal(0, first.Code);
        }

        using var again = await signIn.ExchangeCodeAsync(code);
        SignIn.AssertOAuthError(again, 20065);
    }

    [Fact]
    public async Task A_code_lives_five_minutes_20004()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var fresh = await signIn.CodeAsync();
        var stale = await signIn.CodeAsync();

        emulator.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        using (var inTime = await signIn.ExchangeCodeAsync(fresh))
        {
            Assert.Equal(0, inTime.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var late = await signIn.ExchangeCodeAsync(stale);
        SignIn.AssertOAuthError(late, 20004);
    }

    [Fact]
    public async Task The_code_of_another_app_is_20024()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        emulator.State.AddApp(new EmulatorApp("cli_b000000000000002", "other-secret", "Other", "ou_otherbot"));
        var code = await signIn.CodeAsync(clientId: "cli_b000000000000002");
        using var reply = await signIn.ExchangeCodeAsync(code);

        SignIn.AssertOAuthError(reply, 20024);
    }

    [Fact]
    public async Task A_different_redirect_uri_is_20071()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync();
        using var reply = await signIn.ExchangeCodeAsync(code, redirectUri: "http://127.0.0.1:5000/other");

        SignIn.AssertOAuthError(reply, 20071);
    }

    [Fact]
    public async Task Scope_can_only_narrow_the_grant_20067_and_20068()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var code = await signIn.CodeAsync("offline_access task:task:read");

        using (var repeated = await signIn.ExchangeCodeAsync(code, scope: "task:task:read task:task:read"))
        {
            SignIn.AssertOAuthError(repeated, 20067);
        }

        using (var wider = await signIn.ExchangeCodeAsync(code, scope: "task:task:read task:task:write"))
        {
            SignIn.AssertOAuthError(wider, 20068);
        }

        using var narrower = await signIn.ExchangeCodeAsync(code, scope: "task:task:read");
        Assert.Equal("task:task:read", narrower.Json.GetProperty("scope").GetString());
        Assert.False(narrower.Json.TryGetProperty("refresh_token", out _));
    }

    [Theory]
    [InlineData("""{"client_id":"APP","client_secret":"SECRET","code":"x"}""", 20001)]
    [InlineData("""{"grant_type":"authorization_code","client_id":"APP","client_secret":"SECRET"}""", 20001)]
    [InlineData("""{"grant_type":"authorization_code","client_secret":"SECRET","code":"x"}""", 20001)]
    [InlineData("""{"grant_type":"authorization_code","client_id":"APP","client_secret":"wrong","code":"x"}""", 20002)]
    [InlineData("""{"grant_type":"authorization_code","client_id":"APP","client_secret":"SECRET","code":"nosuchcode"}""", 20003)]
    [InlineData("""{"grant_type":"client_credentials","client_id":"APP","client_secret":"SECRET"}""", 20036)]
    [InlineData("""{"grant_type":"authorization_code","client_id":"cli_0000000000000000","client_secret":"SECRET","code":"x"}""", 20048)]
    [InlineData("""{"grant_type":"authorization_code","client_id":"APP","client_secret":"SECRET","code":42}""", 20063)]
    [InlineData("""{"grant_type":"authorization_code",""", 20063)]
    [InlineData("""["authorization_code"]""", 20063)]
    [InlineData("""{"grant_type":"refresh_token","client_id":"APP","client_secret":"SECRET","refresh_token":"ur-nothing"}""", 20026)]
    public async Task Request_errors_have_their_documented_codes(string body, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var json = body.Replace("APP", emulator.Options.AppId, StringComparison.Ordinal).Replace("SECRET", emulator.Options.AppSecret, StringComparison.Ordinal);
        using var reply = await emulator.SendAsync(HttpMethod.Post, SignIn.TokenPath, json, null);

        SignIn.AssertOAuthError(reply, code);
    }

    [Fact]
    public async Task A_body_that_is_neither_json_nor_a_form_is_20063()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var content = new StringContent("grant_type=authorization_code", Encoding.UTF8, "text/plain");
        using var reply = await Reply.ReadAsync(await emulator.Http.PostAsync(SignIn.TokenPath, content));

        SignIn.AssertOAuthError(reply, 20063);
        Assert.Contains("application/x-www-form-urlencoded", reply.Json.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeated_form_parameter_is_20063()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await signIn.ExchangeFormAsync([new("grant_type", "authorization_code"), new("code", "a"), new("code", "b")], (signIn.AppId, signIn.Secret));

        SignIn.AssertOAuthError(reply, 20063);
    }

    [Theory]
    [InlineData("server_error", 500, 20050)]
    [InlineData("unavailable", 503, 20072)]
    public async Task Injected_faults_answer_the_endpoints_own_server_errors(string kind, int status, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var grant = await signIn.CodeAsync();
        using (var arm = await emulator.PostJsonAsync("/_emulator/faults", new { endpoint = "POST " + SignIn.TokenPath, kind }))
        {
            Assert.Equal(0, arm.Code);
        }

        using (var failed = await signIn.ExchangeCodeAsync(grant))
        {
            SignIn.AssertOAuthError(failed, code, status);
        }

        // The fault came before the exchange: the code still works.
        using var retried = await signIn.ExchangeCodeAsync(grant);
        Assert.Equal(0, retried.Code);
    }
}
