using Larkway.Emulator.Hosting;
using Larkway.Emulator.Seed;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Seed;

public sealed class SeedTests
{
    [Fact]
    public async Task Default_seed_has_users_departments_chats_with_the_bot_and_a_webhook()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var state = emulator.State;

        Assert.Equal(4, state.Users.Count);
        Assert.Equal(2, state.Departments.Count);
        Assert.NotNull(state.FindUser("email", "alice@example.com"));
        Assert.All(state.Chats, chat => Assert.Contains(EmulatorOptions.DefaultAppId, chat.BotAppIds));
        Assert.Equal(DefaultSeed.WebhookToken, Assert.Single(state.Webhooks).Token);
        Assert.Equal(EmulatorOptions.DefaultAppId, Assert.Single(state.Apps).AppId);
    }

    [Fact]
    public async Task Default_seed_ids_are_stable_across_runs()
    {
        await using var first = await TestEmulator.StartAsync();
        await using var second = await TestEmulator.StartAsync();

        Assert.Equal(first.User("alice@example.com").OpenId, second.User("alice@example.com").OpenId);
        Assert.Equal(first.GeneralChat.ChatId, second.GeneralChat.ChatId);
    }

    [Fact]
    public async Task Seed_file_defines_tenant_users_chats_apps_and_webhooks()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {
              "tenant": {"tenant_key": "t_acme", "name": "ACME"},
              "departments": [{"name": "Ops", "department_id": "ops"}],
              "users": [
                {"name": "Eve", "email": "eve@acme.test", "user_id": "eve", "open_id": "ou_eve", "departments": ["ops"]},
                {"name": "Mallory", "email": "mallory@acme.test"}
              ],
              "apps": [{"app_id": "cli_0123456789abcdef", "app_secret": "seeded-secret", "bot_name": "Ops Bot"}],
              "chats": [{"name": "Ops Room", "chat_id": "oc_ops", "owner": "eve@acme.test", "members": ["mallory@acme.test"], "bots": ["cli_0123456789abcdef"]}],
              "webhooks": [{"token": "ops-hook", "chat": "Ops Room", "secret": "s3", "keywords": ["alert"]}]
            }
            """);
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o =>
            {
                o.SeedFile = path;
                o.AppId = "cli_0123456789abcdef";
                o.AppSecret = "seeded-secret";
            });

            Assert.Equal("t_acme", emulator.State.Tenant.TenantKey);
            var chat = emulator.State.FindChat("oc_ops")!;
            Assert.Equal("ou_eve", chat.OwnerOpenId);
            Assert.Equal(2, chat.MemberOpenIds.Count);
            Assert.Equal("ops-hook", Assert.Single(emulator.State.Webhooks).Token);
            Assert.Equal("Ops Bot", Assert.Single(emulator.State.Apps).BotName);

            var token = await emulator.TenantTokenAsync();
            using var sent = await emulator.SendMessageAsync(token, "email", "eve@acme.test", "text", new { text = "hi Eve" });
            Assert.Equal(0, sent.Code);
            Assert.Equal("t_acme", sent.Data.GetProperty("sender").GetProperty("tenant_key").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Seed_with_an_unknown_member_fails_clearly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"chats":[{"name":"x","members":["ghost@example.com"]}]}""");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => EmulatorServer.StartAsync(new EmulatorOptions { SeedFile = path }));
            Assert.Contains("ghost@example.com", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Seed_apps_may_configure_card_callbacks()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {"apps": [{"app_id": "cli_0123456789abcdef", "app_secret": "seeded-secret",
                       "callback": {"url": "http://127.0.0.1:5000/feishu/callbacks", "card_request_url": "http://127.0.0.1:5000/feishu/cards", "verification_token": "vt"}}]}
            """);
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o => o.SeedFile = path);

            var callback = emulator.State.CardCallbackOf("cli_0123456789abcdef")!;
            Assert.Equal("http://127.0.0.1:5000/feishu/callbacks", callback.Url);
            Assert.Equal("http://127.0.0.1:5000/feishu/cards", callback.CardRequestUrl);
            Assert.Equal("vt", callback.VerificationToken);
            Assert.Null(callback.EncryptKey);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Seed_with_a_bad_callback_url_fails_clearly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"apps": [{"app_id": "cli_x", "app_secret": "s", "callback": {"url": "ftp://nope"}}]}""");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => EmulatorServer.StartAsync(new EmulatorOptions { SeedFile = path }));
            Assert.Contains("callback.url", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Seed_users_carry_mobiles_and_contact_status()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-seed-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"users": [
              {"name": "Eve", "email": "eve@acme.test", "mobile": "138 0000 1111", "is_frozen": true},
              {"name": "Trent", "mobile": "+1 (212) 555-0100", "is_activated": false},
              {"name": "Mallory"}
            ]}
            """);
        try
        {
            var state = SeedLoader.Apply(SeedLoader.Read(path), new EmulatorOptions());

            var eve = state.FindUser("email", "eve@acme.test")!;
            Assert.Equal("+8613800001111", eve.Mobile);
            Assert.True(eve.IsFrozen);
            Assert.True(eve.IsActivated);
            var trent = state.FindUser("mobile", "+12125550100")!;
            Assert.Equal("Trent", trent.Name);
            Assert.False(trent.IsActivated);
            Assert.Null(state.Users.Single(u => u.Name == "Mallory").Mobile);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"users": [{"name": "Eve", "mobile": "call me"}]}""", "invalid mobile 'call me'")]
    [InlineData("""{"users": [{"name": "Eve", "mobile": "13800001111"}, {"name": "Eve Twin", "mobile": "+86 138 0000 1111"}]}""", "same mobile '+8613800001111'")]
    public void Seed_with_a_bad_or_shared_mobile_fails_clearly(string json, string message)
    {
        var seed = System.Text.Json.JsonSerializer.Deserialize<SeedDocument>(json, Larkway.Emulator.Platform.EmulatorJson.Options)!;

        var error = Assert.Throws<InvalidDataException>(() => SeedLoader.Apply(seed, new EmulatorOptions()));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_seed_gives_every_user_an_email_and_a_mobile()
    {
        var state = SeedLoader.Apply(DefaultSeed.Create(), new EmulatorOptions());

        Assert.All(state.Users, u => Assert.NotNull(u.Email));
        Assert.Equal(state.Users.Count, state.Users.Select(u => u.Mobile).OfType<string>().Distinct().Count());
        Assert.Equal("Alice Chen", state.FindUser("mobile", "13800000001")!.Name);
    }
}
