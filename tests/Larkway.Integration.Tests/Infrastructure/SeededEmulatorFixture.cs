using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Infrastructure;

/// <summary>
/// An Emulator started from a seed file written by the test: a second app, a room both bots are in,
/// a room only the second bot is in, and custom bot webhooks with and without secret, keywords and
/// an IP allowlist.
/// </summary>
public sealed class SeededEmulatorFixture : EmulatorFixture
{
    public const string SecondAppId = "cli_0123456789abcdef";
    public const string SecondAppSecret = "second-app-secret-for-tests-0002";
    public const string OpsRoom = "Ops Room";
    public const string SecondOnlyRoom = "Second Bot Room";
    public const string PlainHook = "plain-hook";
    public const string SignedHook = "signed-hook";
    public const string HookSecret = "hook-signing-secret";
    public const string KeywordHook = "keyword-hook";
    public const string Keyword = "alert";
    public const string FencedHook = "fenced-hook";
    public const string ErinMobile = "13900000001";
    public const string GinaMobile = "+8613900000003";

    private readonly string _seedPath = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");

    protected override EmulatorOptions CreateOptions()
    {
        var defaultApp = new EmulatorOptions();
        var seed = new
        {
            tenant = new { tenant_key = "t_integration", name = "Integration Inc" },
            users = new object[]
            {
                new { name = "Erin Park", email = "erin@integration.test", user_id = "erin", mobile = ErinMobile },
                new { name = "Frank Moss", email = "frank@integration.test", user_id = "frank", mobile = "+1 212 555 0100" },
                new { name = "Gina Gone", email = "gina@integration.test", user_id = "gina", is_resigned = true, mobile = GinaMobile },
            },
            apps = new object[]
            {
                new { app_id = SecondAppId, app_secret = SecondAppSecret, bot_name = "Second Bot" },
            },
            chats = new object[]
            {
                new { name = OpsRoom, owner = "erin@integration.test", members = new[] { "erin@integration.test", "frank@integration.test" }, bots = new[] { defaultApp.AppId, SecondAppId } },
                new { name = SecondOnlyRoom, members = new[] { "frank@integration.test" }, bots = new[] { SecondAppId } },
            },
            webhooks = new object[]
            {
                new { token = PlainHook, chat = OpsRoom, name = "Plain Hook" },
                new { token = SignedHook, chat = OpsRoom, name = "Signed Hook", secret = HookSecret },
                new { token = KeywordHook, chat = OpsRoom, name = "Keyword Hook", keywords = new[] { Keyword } },
                new { token = FencedHook, chat = OpsRoom, name = "Fenced Hook", ip_allowlist = new[] { "10.0.0.0/8" } },
            },
        };
        File.WriteAllText(_seedPath, JsonSerializer.Serialize(seed));
        return new EmulatorOptions { Port = 0, SeedFile = _seedPath };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_seedPath);
    }

    public EmulatorChat Ops => Chat(OpsRoom);

    public EmulatorUser Erin => User("erin@integration.test");

    public EmulatorUser Frank => User("frank@integration.test");

    /// <summary>A resigned user.</summary>
    public EmulatorUser Gina => User("gina@integration.test");

    public string HookUrl(string token) => new Uri(BaseUrl, $"/open-apis/bot/v2/hook/{token}").ToString();
}
