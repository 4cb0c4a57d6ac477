using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

public sealed class RefreshTests
{
    private const string UserInfo = "/open-apis/authen/v1/user_info";

    [Fact]
    public async Task A_refresh_rotates_the_old_refresh_token_dies_and_the_old_access_token_has_a_minute()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var first = await signIn.TokensAsync();
        var oldAccess = first.GetProperty("access_token").GetString()!;
        var oldRefresh = first.GetProperty("refresh_token").GetString()!;

        using var rotated = await signIn.RefreshAsync(oldRefresh);
        Assert.True(rotated.Code == 0, rotated.Text);
        var newAccess = rotated.Json.GetProperty("access_token").GetString()!;
        var newRefresh = rotated.Json.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(oldAccess, newAccess);
        Assert.NotEqual(oldRefresh, newRefresh);
        Assert.Equal("offline_access", rotated.Json.GetProperty("scope").GetString());

        using (var reused = await signIn.RefreshAsync(oldRefresh))
        {
            SignIn.AssertOAuthError(reused, 20064);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(59));
        using (var grace = await emulator.GetAsync(UserInfo, oldAccess))
        {
            Assert.Equal(0, grace.Code);
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var lapsed = await emulator.GetAsync(UserInfo, oldAccess))
        {
            Assert.Equal(99991677, lapsed.Code);
        }

        using var current = await emulator.GetAsync(UserInfo, newAccess);
        Assert.Equal(0, current.Code);
        using var again = await signIn.RefreshAsync(newRefresh);
        Assert.Equal(0, again.Code);
    }

    [Fact]
    public async Task Refreshing_stops_365_days_after_the_user_authorized()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var refresh = (await signIn.TokensAsync()).GetProperty("refresh_token").GetString()!;

        // Every six days, inside each refresh token's seven: the chain holds until the authorization is a year old.
        for (var day = 6; day <= 360; day += 6)
        {
            emulator.Clock.Advance(TimeSpan.FromDays(6));
            using var rotated = await signIn.RefreshAsync(refresh);
            Assert.True(rotated.Code == 0, $"day {day}: {rotated.Text}");
            refresh = rotated.Json.GetProperty("refresh_token").GetString()!;
        }

        // Issued on day 360, this token would live to day 367 but for the cap.
        emulator.Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromHours(1));
        using var capped = await signIn.RefreshAsync(refresh);
        SignIn.AssertOAuthError(capped, 20037);
    }

    [Fact]
    public async Task A_refresh_token_lapses_after_seven_days()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var refresh = (await signIn.TokensAsync()).GetProperty("refresh_token").GetString()!;

        emulator.Clock.Advance(TimeSpan.FromSeconds(604800));
        using var reply = await signIn.RefreshAsync(refresh);
        SignIn.AssertOAuthError(reply, 20037);
    }

    [Fact]
    public async Task The_refresh_token_of_another_app_is_20024_and_a_wider_scope_20068()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var refresh = (await signIn.TokensAsync("offline_access task:task:read")).GetProperty("refresh_token").GetString()!;
        emulator.State.AddApp(new EmulatorApp("cli_b000000000000002", "other-secret", "Other", "ou_otherbot"));

        using (var other = await signIn.ExchangeAsync(new { grant_type = "refresh_token", client_id = "cli_b000000000000002", client_secret = "other-secret", refresh_token = refresh }))
        {
            SignIn.AssertOAuthError(other, 20024);
        }

        using (var wider = await signIn.RefreshAsync(refresh, "offline_access task:task:write"))
        {
            SignIn.AssertOAuthError(wider, 20068);
        }

        using var narrower = await signIn.RefreshAsync(refresh, "offline_access");
        Assert.Equal("offline_access", narrower.Json.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_v1_refresh_token_is_not_a_v2_refresh_token_20026()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var signIn = new SignIn(emulator);
        var appToken = await LegacyTests.AppTokenAsync(emulator);
        using var v1 = await emulator.PostJsonAsync("/open-apis/authen/v1/oidc/access_token", new { grant_type = "authorization_code", code = await signIn.CodeAsync() }, appToken);
        Assert.Equal(0, v1.Code);

        using var reply = await signIn.RefreshAsync(v1.Data.GetProperty("refresh_token").GetString()!);
        SignIn.AssertOAuthError(reply, 20026);
    }
}
