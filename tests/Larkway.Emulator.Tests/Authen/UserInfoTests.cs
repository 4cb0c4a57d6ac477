using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class UserInfoTests
{
    private const string UserInfo = "/open-apis/authen/v1/user_info";

    [Fact]
    public async Task By_default_user_info_has_every_field_of_the_signed_in_user()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var token = (await signIn.TokensAsync()).GetProperty("access_token").GetString();
        using var reply = await emulator.GetAsync(UserInfo, token);

        Assert.Equal(0, reply.Code);
        var alice = emulator.User("alice@example.com");
        var data = reply.Data;
        Assert.Equal(alice.Name, data.GetProperty("name").GetString());
        Assert.Equal(alice.OpenId, data.GetProperty("open_id").GetString());
        Assert.Equal(alice.UnionId, data.GetProperty("union_id").GetString());
        Assert.Equal("alice@example.com", data.GetProperty("email").GetString());
        Assert.Equal("alice@example.com", data.GetProperty("enterprise_email").GetString());
        Assert.Equal(alice.UserId, data.GetProperty("user_id").GetString());
        Assert.Equal("+8613800000001", data.GetProperty("mobile").GetString());
        Assert.Equal(emulator.State.Tenant.TenantKey, data.GetProperty("tenant_key").GetString());
        foreach (var avatar in new[] { "avatar_url", "avatar_thumb", "avatar_middle", "avatar_big" })
        {
            Assert.StartsWith(emulator.Server.BaseUrl.AbsoluteUri, data.GetProperty(avatar).GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Contact_fields_appear_only_with_their_field_permission()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        using (var set = await emulator.SendAsync(HttpMethod.Put, $"/_emulator/apps/{signIn.AppId}/oauth", """{"user_info_field_scopes":["contact:user.employee_id:readonly"]}""", null))
        {
            Assert.Equal(0, set.Code);
        }

        var token = (await signIn.TokensAsync()).GetProperty("access_token").GetString();
        using var reply = await emulator.GetAsync(UserInfo, token);

        Assert.Equal("alice", reply.Data.GetProperty("user_id").GetString());
        foreach (var hidden in new[] { "email", "enterprise_email", "mobile" })
        {
            Assert.False(reply.Data.TryGetProperty(hidden, out _), hidden);
        }

        Assert.True(reply.Data.TryGetProperty("open_id", out _));
    }

    [Fact]
    public async Task User_info_takes_user_tokens_only_and_tenant_endpoints_refuse_them()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var userToken = (await signIn.TokensAsync()).GetProperty("access_token").GetString();

        using (var tenant = await emulator.GetAsync(UserInfo, await emulator.TenantTokenAsync()))
        {
            Assert.Equal(400, tenant.Status);
            Assert.Equal(99991663, tenant.Code);
        }

        using (var unknown = await emulator.GetAsync(UserInfo, "u-notatoken"))
        {
            Assert.Equal(99991668, unknown.Code);
        }

        using (var missing = await emulator.GetAsync(UserInfo, null))
        {
            Assert.Equal(99991661, missing.Code);
        }

        using var chats = await emulator.GetAsync("/open-apis/im/v1/chats", userToken);
        Assert.Equal(400, chats.Status);
        Assert.Equal(99991668, chats.Code);
    }

    [Fact]
    public async Task A_user_token_lives_two_hours()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var token = (await signIn.TokensAsync("")).GetProperty("access_token").GetString();

        emulator.Clock.Advance(TimeSpan.FromSeconds(7199));
        using (var alive = await emulator.GetAsync(UserInfo, token))
        {
            Assert.Equal(0, alive.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await emulator.GetAsync(UserInfo, token);
        Assert.Equal(99991677, expired.Code);
    }
}
