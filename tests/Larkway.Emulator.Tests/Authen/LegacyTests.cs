using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class LegacyTests
{
    private const string Oidc = "/open-apis/authen/v1/oidc/access_token";
    private const string OidcRefresh = "/open-apis/authen/v1/oidc/refresh_access_token";

    public static async Task<string> AppTokenAsync(TestEmulator emulator)
    {
        using var reply = await emulator.PostJsonAsync("/open-apis/auth/v3/app_access_token/internal", new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });
        return reply.Json.GetProperty("app_access_token").GetString()!;
    }

    [Fact]
    public async Task Oidc_access_token_answers_the_token_fields_in_data_and_refreshes_once()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var appToken = await AppTokenAsync(emulator);
        using var reply = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code", code = await signIn.CodeAsync("contact:contact") }, appToken);

        Assert.True(reply.Code == 0, reply.Text);
        var data = reply.Data;
        Assert.StartsWith("u-", data.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", data.GetProperty("token_type").GetString());
        Assert.Equal(7200, data.GetProperty("expires_in").GetInt32());
        Assert.Equal(2592000, data.GetProperty("refresh_expires_in").GetInt32());
        Assert.Equal("contact:contact", data.GetProperty("scope").GetString());
        Assert.False(data.TryGetProperty("open_id", out _));

        var refresh = data.GetProperty("refresh_token").GetString();
        using (var rotated = await emulator.PostJsonAsync(OidcRefresh, new { grant_type = "refresh_token", refresh_token = refresh }, appToken))
        {
            Assert.True(rotated.Code == 0, rotated.Text);
            using var me = await emulator.GetAsync("/open-apis/authen/v1/user_info", rotated.Data.GetProperty("access_token").GetString());
            Assert.Equal(signIn.AliceOpenId, me.Data.GetProperty("open_id").GetString());
        }

        using var reused = await emulator.PostJsonAsync(OidcRefresh, new { grant_type = "refresh_token", refresh_token = refresh }, appToken);
        Assert.Equal(400, reused.Status);
        Assert.Equal(20064, reused.Code);
    }

    [Fact]
    public async Task The_older_v1_access_token_adds_the_users_fields()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await emulator.PostJsonAsync("/open-apis/authen/v1/access_token", new { grant_type = "authorization_code", code = await signIn.CodeAsync() }, await AppTokenAsync(emulator));

        Assert.True(reply.Code == 0, reply.Text);
        Assert.Equal(signIn.AliceOpenId, reply.Data.GetProperty("open_id").GetString());
        Assert.Equal("Alice Chen", reply.Data.GetProperty("name").GetString());
        Assert.Equal("alice@example.com", reply.Data.GetProperty("email").GetString());
        Assert.False(string.IsNullOrEmpty(reply.Data.GetProperty("sid").GetString()));
        Assert.StartsWith("ur-", reply.Data.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_v1_endpoints_check_the_token_the_grant_type_and_the_code()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var appToken = await AppTokenAsync(emulator);
        var code = await signIn.CodeAsync();

        using (var noToken = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code", code }))
        {
            Assert.Equal(99991661, noToken.Code);
        }

        using (var wrongGrant = await emulator.PostJsonAsync(Oidc, new { grant_type = "refresh_token", code }, appToken))
        {
            Assert.Equal(20036, wrongGrant.Code);
        }

        using (var noCode = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code" }, appToken))
        {
            Assert.Equal(20001, noCode.Code);
        }

        using (var first = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code", code }, appToken))
        {
            Assert.Equal(0, first.Code);
        }

        using (var reused = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code", code }, appToken))
        {
            Assert.Equal(20065, reused.Code);
        }

        using var pkce = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code", code = await signIn.CodeAsync(challenge: SignIn.RfcChallenge, method: "S256") }, appToken);
        Assert.Equal(20049, pkce.Code);
    }

    [Fact]
    public async Task The_tenant_token_the_official_node_sdk_sends_is_taken_too()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using var reply = await emulator.PostJsonAsync(Oidc, new { grant_type = "authorization_code", code = await signIn.CodeAsync() }, await emulator.TenantTokenAsync());

        Assert.Equal(0, reply.Code);
    }
}
