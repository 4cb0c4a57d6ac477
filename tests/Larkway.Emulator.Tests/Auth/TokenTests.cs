using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Auth;

public sealed class TokenTests
{
    private const string TenantPath = "/open-apis/auth/v3/tenant_access_token/internal";

    [Fact]
    public async Task Tenant_token_is_flat_starts_with_t_and_lives_7200_seconds()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.PostJsonAsync(TenantPath, new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.Code);
        Assert.False(reply.Json.TryGetProperty("data", out _));
        Assert.StartsWith("t-", reply.Json.GetProperty("tenant_access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(7200, reply.Json.GetProperty("expire").GetInt32());
        Assert.Equal("application/json; charset=utf-8", reply.Response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Same_token_with_reduced_expire_while_30_minutes_or_more_remain()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.TenantTokenAsync();

        emulator.Clock.Advance(TimeSpan.FromMinutes(90)); // exactly 30 min left
        using var again = await emulator.PostJsonAsync(TenantPath, new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });

        Assert.Equal(first, again.Json.GetProperty("tenant_access_token").GetString());
        Assert.Equal(1800, again.Json.GetProperty("expire").GetInt32());
    }

    [Fact]
    public async Task New_token_when_less_than_30_minutes_remain_and_old_token_stays_valid_until_expiry()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = await emulator.TenantTokenAsync();

        emulator.Clock.Advance(TimeSpan.FromMinutes(90) + TimeSpan.FromSeconds(1));
        using var renewed = await emulator.PostJsonAsync(TenantPath, new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });
        var second = renewed.Json.GetProperty("tenant_access_token").GetString()!;

        Assert.NotEqual(first, second);
        Assert.Equal(7200, renewed.Json.GetProperty("expire").GetInt32());
        using (var withOld = await emulator.GetAsync("/open-apis/im/v1/chats", first))
        {
            Assert.Equal(0, withOld.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromMinutes(30));
        using var expired = await emulator.GetAsync("/open-apis/im/v1/chats", first);
        Assert.Equal(99991663, expired.Code);
        using var stillGood = await emulator.GetAsync("/open-apis/im/v1/chats", second);
        Assert.Equal(0, stillGood.Code);
    }

    [Fact]
    public async Task App_access_token_starts_with_a_and_carries_a_tenant_token()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.PostJsonAsync("/open-apis/auth/v3/app_access_token/internal", new { app_id = emulator.Options.AppId, app_secret = emulator.Options.AppSecret });

        Assert.Equal(0, reply.Code);
        var appToken = reply.Json.GetProperty("app_access_token").GetString()!;
        Assert.StartsWith("a-", appToken, StringComparison.Ordinal);
        Assert.StartsWith("t-", reply.Json.GetProperty("tenant_access_token").GetString(), StringComparison.Ordinal);

        // Tenant-token endpoints refuse an app token.
        using var refused = await emulator.GetAsync("/open-apis/im/v1/chats", appToken);
        Assert.Equal(99991663, refused.Code);
    }

    [Theory]
    [InlineData("cli_a1b2c3d4e5f60001", "wrong-secret", 10015)]
    [InlineData("cli_0000000000000000", "whatever", 99991543)]
    public async Task Bad_credentials_are_refused_with_documented_codes(string appId, string secret, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.PostJsonAsync(TenantPath, new { app_id = appId, app_secret = secret });

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
        Assert.False(reply.Json.TryGetProperty("tenant_access_token", out _));
    }

    [Fact]
    public async Task Missing_secret_is_an_invalid_parameter()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var reply = await emulator.PostJsonAsync(TenantPath, new { app_id = emulator.Options.AppId });

        Assert.Equal(400, reply.Status);
        Assert.Equal(10003, reply.Code);
    }

    [Theory]
    [InlineData(null, 99991661)]
    [InlineData("Bearer ", 99991661)]
    [InlineData("Bearer x-123", 99991671)]
    [InlineData("Bearer t-doesnotexist", 99991663)]
    public async Task Authorization_errors(string? header, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/open-apis/im/v1/chats");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        using var reply = await Reply.ReadAsync(await emulator.Http.SendAsync(request));

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
        Assert.Equal(reply.Header("X-Tt-Logid"), reply.Json.GetProperty("error").GetProperty("log_id").GetString());
    }

    [Fact]
    public async Task Control_endpoint_expires_every_token()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using (var expire = await emulator.PostJsonAsync("/_emulator/tokens/expire", new { }))
        {
            Assert.Equal(0, expire.Code);
        }

        using var reply = await emulator.GetAsync("/open-apis/im/v1/chats", token);
        Assert.Equal(99991663, reply.Code);
        Assert.NotEqual(token, await emulator.TenantTokenAsync());
    }
}
