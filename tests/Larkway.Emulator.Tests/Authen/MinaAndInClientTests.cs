using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class MinaAndInClientTests
{
    private const string Validate = "/open-apis/mina/v2/tokenLoginValidate";

    private static async Task<string> MinaCodeAsync(TestEmulator emulator, string user = "alice@example.com", string? appId = null)
    {
        using var reply = await emulator.PostJsonAsync("/_emulator/authen/mina-codes", new { app_id = appId ?? emulator.Options.AppId, user });
        Assert.True(reply.Code == 0, reply.Text);
        Assert.Equal(180, reply.Data.GetProperty("expires_in").GetInt32());
        return reply.Data.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task Code2session_answers_the_users_session_with_an_absolute_expiry()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var appToken = await LegacyTests.AppTokenAsync(emulator);
        using var reply = await emulator.PostJsonAsync(Validate, new { code = await MinaCodeAsync(emulator) }, appToken);

        Assert.True(reply.Code == 0, reply.Text);
        var alice = emulator.User("alice@example.com");
        var data = reply.Data;
        Assert.Equal(alice.OpenId, data.GetProperty("open_id").GetString());
        Assert.Equal(alice.UserId, data.GetProperty("employee_id").GetString());
        Assert.Equal(emulator.State.Tenant.TenantKey, data.GetProperty("tenant_key").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("session_key").GetString()));
        Assert.StartsWith("ur-", data.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(emulator.Clock.GetUtcNow().AddSeconds(7200).ToUnixTimeSeconds(), data.GetProperty("expires_in").GetInt64());

        // The session's token is a user token the Open API takes.
        using var me = await emulator.GetAsync("/open-apis/authen/v1/user_info", data.GetProperty("access_token").GetString());
        Assert.Equal(alice.OpenId, me.Data.GetProperty("open_id").GetString());
    }

    [Fact]
    public async Task Code2session_errors_have_their_documented_codes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var appToken = await LegacyTests.AppTokenAsync(emulator);
        var code = await MinaCodeAsync(emulator);

        using (var tenant = await emulator.PostJsonAsync(Validate, new { code }, await emulator.TenantTokenAsync()))
        {
            Assert.Equal(10202, tenant.Code);
            Assert.Equal(200, tenant.Status);
        }

        using (var unknown = await emulator.PostJsonAsync(Validate, new { code = "nonsense" }, appToken))
        {
            Assert.Equal(10226, unknown.Code);
            Assert.Equal(200, unknown.Status);
        }

        using (var first = await emulator.PostJsonAsync(Validate, new { code }, appToken))
        {
            Assert.Equal(0, first.Code);
        }

        using (var reused = await emulator.PostJsonAsync(Validate, new { code }, appToken))
        {
            Assert.Equal(10213, reused.Code);
            Assert.Equal(200, reused.Status);
        }

        var late = await MinaCodeAsync(emulator);
        emulator.Clock.Advance(TimeSpan.FromMinutes(3));
        using (var expired = await emulator.PostJsonAsync(Validate, new { code = late }, appToken))
        {
            Assert.Equal(10213, expired.Code);
            Assert.Equal(200, expired.Status);
        }

        using (await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{emulator.Options.AppId}/oauth", """{"available_to":["bob@example.com"]}""", null))
        {
        }

        using var hidden = await emulator.PostJsonAsync(Validate, new { code = await MinaCodeAsync(emulator) }, await LegacyTests.AppTokenAsync(emulator));
        Assert.Equal(10228, hidden.Code);

        // The page's error table gives every code with HTTP 200.
        Assert.Equal(200, hidden.Status);
    }

    [Fact]
    public async Task A_web_code_is_not_a_mini_program_code_and_the_other_way_round()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using (var web = await emulator.PostJsonAsync(Validate, new { code = await signIn.CodeAsync() }, await LegacyTests.AppTokenAsync(emulator)))
        {
            Assert.Equal(10226, web.Code);
        }

        using var mina = await signIn.ExchangeCodeAsync(await MinaCodeAsync(emulator));
        SignIn.AssertOAuthError(mina, 20007);
    }

    [Fact]
    public async Task An_in_client_code_is_exchanged_at_the_v2_endpoint_within_three_minutes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);

        async Task<string> InClientCodeAsync()
        {
            using var minted = await emulator.PostJsonAsync("/_emulator/authen/in-client-codes", new { app_id = signIn.AppId, user = "bob@example.com", scope = "offline_access" });
            Assert.True(minted.Code == 0, minted.Text);
            return minted.Data.GetProperty("code").GetString()!;
        }

        var code = await InClientCodeAsync();
        using (var reply = await signIn.ExchangeAsync(new { grant_type = "authorization_code", client_id = signIn.AppId, client_secret = signIn.Secret, code }))
        {
            Assert.True(reply.Code == 0, reply.Text);
            Assert.True(reply.Json.TryGetProperty("refresh_token", out _));
            using var me = await emulator.GetAsync("/open-apis/authen/v1/user_info", reply.Json.GetProperty("access_token").GetString());
            Assert.Equal(emulator.User("bob@example.com").OpenId, me.Data.GetProperty("open_id").GetString());
        }

        var late = await InClientCodeAsync();
        emulator.Clock.Advance(TimeSpan.FromMinutes(3));
        using var expired = await signIn.ExchangeAsync(new { grant_type = "authorization_code", client_id = signIn.AppId, client_secret = signIn.Secret, code = late });
        SignIn.AssertOAuthError(expired, 20004);
    }
}
