using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Authen;

/// <summary>OAuth settings come from the seed, and settings and user tokens survive a restart through the state file.</summary>
public sealed class SignInStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("larkway-emulator-signin-").FullName;

    [Fact]
    public async Task Settings_and_a_signed_in_users_tokens_survive_a_restart()
    {
        var clock = new ManualClock();
        var file = Path.Combine(_folder, "state.json");
        string access, refresh;
        await using (var first = await TestEmulator.StartAsync(o => o.StateFile = file, clock))
        {
            using var signIn = new SignIn(first);
            using (await first.SendAsync(HttpMethod.Put, $"/_emulator/apps/{signIn.AppId}/oauth", """{"redirect_urls":["https://app.example.com/cb"],"user_info_field_scopes":[]}""", null))
            {
            }

            var tokens = await signIn.ExchangeCodeAsync(await signIn.CodeAsync("offline_access", redirectUri: "https://app.example.com/cb"), redirectUri: "https://app.example.com/cb");
            access = tokens.Json.GetProperty("access_token").GetString()!;
            refresh = tokens.Json.GetProperty("refresh_token").GetString()!;
            tokens.Dispose();
        }

        await using var second = await TestEmulator.StartAsync(o => o.StateFile = file, clock);
        using (var me = await second.GetAsync("/open-apis/authen/v1/user_info", access))
        {
            Assert.True(me.Code == 0, me.Text);
            Assert.False(me.Data.TryGetProperty("email", out _));
        }

        using (var settings = await second.GetAsync($"/_emulator/apps/{second.Options.AppId}/oauth", null))
        {
            Assert.Equal("https://app.example.com/cb", settings.Data.GetProperty("redirect_urls")[0].GetString());
        }

        using var signInAgain = new SignIn(second);
        using var rotated = await signInAgain.RefreshAsync(refresh);
        Assert.True(rotated.Code == 0, rotated.Text);
    }

    [Fact]
    public async Task A_seeded_apps_oauth_section_sets_its_allow_list_and_scopes()
    {
        var seed = Path.Combine(_folder, "seed.json");
        await File.WriteAllTextAsync(seed, """
            {"users":[{"name":"Eve","email":"eve@acme.test"}],
             "apps":[{"app_id":"cli_0123456789abcdef","app_secret":"seeded-secret",
                      "oauth":{"redirect_urls":["https://hub.acme.test/signin-feishu"],"scopes":["offline_access"]}}]}
            """);
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.SeedFile = seed;
            o.AppId = "cli_0123456789abcdef";
            o.AppSecret = "seeded-secret";
        });

        using var allowed = await emulator.PostJsonAsync("/_emulator/authen/authorize", new { client_id = "cli_0123456789abcdef", redirect_uri = "https://hub.acme.test/signin-feishu", scope = "offline_access", user = "eve@acme.test" });
        Assert.True(allowed.Code == 0, allowed.Text);
        using var loopback = await emulator.PostJsonAsync("/_emulator/authen/authorize", new { client_id = "cli_0123456789abcdef", redirect_uri = SignIn.Callback, user = "eve@acme.test" });
        Assert.Equal(20029, loopback.Code);
        using var unapplied = await emulator.PostJsonAsync("/_emulator/authen/authorize", new { client_id = "cli_0123456789abcdef", redirect_uri = "https://hub.acme.test/signin-feishu", scope = "contact:contact", user = "eve@acme.test" });
        Assert.Equal(20027, unapplied.Code);
    }

    [Fact]
    public async Task A_seed_with_a_relative_redirect_url_fails_the_start()
    {
        var seed = Path.Combine(_folder, "bad-seed.json");
        await File.WriteAllTextAsync(seed, """{"apps":[{"app_id":"cli_0123456789abcdef","app_secret":"s","oauth":{"redirect_urls":["/callback"]}}]}""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, SeedFile = seed }));
        Assert.Contains("/callback", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
