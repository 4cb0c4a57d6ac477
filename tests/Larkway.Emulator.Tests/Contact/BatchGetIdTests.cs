using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Contact;

/// <summary>POST /open-apis/contact/v3/users/batch_get_id on the raw wire.</summary>
public sealed class BatchGetIdTests
{
    private const string Path = "/open-apis/contact/v3/users/batch_get_id";
    private const string UnknownEmail = "nobody@example.com";

    private static JsonElement[] UserList(Reply reply) => [.. reply.Data.GetProperty("user_list").EnumerateArray()];

    private static string? UserId(JsonElement entry) => entry.TryGetProperty("user_id", out var id) ? id.GetString() : null;

    [Fact]
    public async Task Emails_resolve_to_open_ids_by_default_with_one_entry_per_input_in_order()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var alice = emulator.User("alice@example.com");
        var bob = emulator.User("bob@example.com");

        using var reply = await emulator.PostJsonAsync(Path, new { emails = new[] { "bob@example.com", UnknownEmail, "ALICE@example.com" } }, token);

        Assert.Equal(200, reply.Status);
        Assert.Equal(0, reply.Code);
        var list = UserList(reply);
        Assert.Equal(["bob@example.com", UnknownEmail, "ALICE@example.com"], list.Select(e => e.GetProperty("email").GetString()));
        Assert.Equal([bob.OpenId, null, alice.OpenId], list.Select(UserId));
        Assert.All(list, e => Assert.False(e.TryGetProperty("mobile", out _)));

        var status = list[0].GetProperty("status");
        Assert.True(status.GetProperty("is_activated").GetBoolean());
        Assert.False(status.GetProperty("is_resigned").GetBoolean());
        Assert.False(status.GetProperty("is_frozen").GetBoolean());
        Assert.False(status.GetProperty("is_exited").GetBoolean());
        Assert.False(status.GetProperty("is_unjoin").GetBoolean());

        // Not found: the echo only — no user_id, no status.
        Assert.Equal(["email"], list[1].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("open_id")]
    [InlineData("union_id")]
    [InlineData("user_id")]
    public async Task User_id_type_picks_the_id_returned(string idType)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var carol = emulator.User("carol@example.com");

        using var reply = await emulator.PostJsonAsync($"{Path}?user_id_type={idType}", new { emails = new[] { "carol@example.com" } }, token);

        var expected = idType switch { "union_id" => carol.UnionId, "user_id" => carol.UserId, _ => carol.OpenId };
        Assert.Equal(expected, UserId(UserList(reply).Single()));
    }

    [Fact]
    public async Task Mobiles_match_with_or_without_the_country_code_and_are_echoed_as_given()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        string[] mobiles = ["+8613800000002", "13800000003", "+86 138-0000-0004", "+8613899999999"];

        using var reply = await emulator.PostJsonAsync(Path + "?user_id_type=user_id", new { mobiles }, token);

        Assert.Equal(0, reply.Code);
        var list = UserList(reply);
        Assert.Equal(mobiles, list.Select(e => e.GetProperty("mobile").GetString()));
        Assert.Equal(["bob", "carol", "dave", null], list.Select(UserId));
        Assert.All(list, e => Assert.False(e.TryGetProperty("email", out _)));
    }

    [Fact]
    public async Task Emails_come_before_mobiles_and_both_lists_may_hold_50()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var emails = Enumerable.Range(0, 49).Select(i => $"x{i}@example.com").Append("dave@example.com").ToArray();
        var mobiles = Enumerable.Range(0, 49).Select(i => $"+861390000{i:D4}").Prepend("+8613800000001").ToArray();

        using var reply = await emulator.PostJsonAsync(Path, new { mobiles, emails }, token);

        Assert.Equal(0, reply.Code);
        var list = UserList(reply);
        Assert.Equal(100, list.Length);
        Assert.Equal(emulator.User("dave@example.com").OpenId, UserId(list[49]));
        Assert.Equal(emulator.User("alice@example.com").OpenId, UserId(list[50]));
        Assert.Equal("+8613800000001", list[50].GetProperty("mobile").GetString());
    }

    [Fact]
    public async Task A_resigned_user_has_an_id_only_with_include_resigned()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var gone = emulator.State.AddUser(new EmulatorUser("ou_gone0000000000000000000000000000", "on_gone", "gone", "Gone", "gone@example.com", [], IsResigned: true) { Mobile = "+8613700000000" });

        using (var hidden = await emulator.PostJsonAsync(Path, new { emails = new[] { "gone@example.com" }, mobiles = new[] { "13700000000" } }, token))
        {
            Assert.Equal(0, hidden.Code);
            Assert.All(UserList(hidden), e => Assert.Null(UserId(e)));
            Assert.All(UserList(hidden), e => Assert.False(e.TryGetProperty("status", out _)));
        }

        using (var explicitFalse = await emulator.PostJsonAsync(Path, new { emails = new[] { "gone@example.com" }, include_resigned = false }, token))
        {
            Assert.Null(UserId(UserList(explicitFalse).Single()));
        }

        using var shown = await emulator.PostJsonAsync(Path, new { emails = new[] { "gone@example.com" }, mobiles = new[] { "13700000000" }, include_resigned = true }, token);
        Assert.All(UserList(shown), e => Assert.Equal(gone.OpenId, UserId(e)));
        var status = UserList(shown)[0].GetProperty("status");
        Assert.True(status.GetProperty("is_resigned").GetBoolean());
        Assert.False(status.GetProperty("is_activated").GetBoolean());
    }

    [Fact]
    public async Task Status_reports_frozen_and_not_yet_joined_users()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        emulator.State.AddUser(new EmulatorUser("ou_frozen00000000000000000000000000", "on_frozen", "frozen", "Frozen", "frozen@example.com", []) { IsFrozen = true });
        emulator.State.AddUser(new EmulatorUser("ou_invited0000000000000000000000000", "on_invited", "invited", "Invited", "invited@example.com", []) { IsActivated = false });

        using var reply = await emulator.PostJsonAsync(Path, new { emails = new[] { "frozen@example.com", "invited@example.com" } }, token);

        var frozen = UserList(reply)[0].GetProperty("status");
        var invited = UserList(reply)[1].GetProperty("status");
        Assert.True(frozen.GetProperty("is_frozen").GetBoolean());
        Assert.False(invited.GetProperty("is_frozen").GetBoolean());
        Assert.True(invited.GetProperty("is_unjoin").GetBoolean());
        Assert.False(invited.GetProperty("is_activated").GetBoolean());
        Assert.False(frozen.GetProperty("is_unjoin").GetBoolean());
    }

    [Fact]
    public async Task Each_app_gets_the_ids_its_other_calls_accept()
    {
        await using var emulator = await TestEmulator.StartAsync();
        const string secondAppId = "cli_0123456789abcdef";
        emulator.State.AddApp(new EmulatorApp(secondAppId, "second-secret", "Second Bot", "ou_secondbot00000000000000000000000"));
        var first = await emulator.TenantTokenAsync();
        string second;
        using (var tokenReply = await emulator.PostJsonAsync("/open-apis/auth/v3/tenant_access_token/internal", new { app_id = secondAppId, app_secret = "second-secret" }))
        {
            second = tokenReply.Json.GetProperty("tenant_access_token").GetString()!;
        }

        foreach (var token in new[] { first, second })
        {
            using var reply = await emulator.PostJsonAsync(Path, new { emails = new[] { "bob@example.com" } }, token);
            var openId = UserId(UserList(reply).Single())!;

            // The open_id an app is given is the one it can message (open_ids differ per app).
            using var sent = await emulator.SendMessageAsync(token, "open_id", openId, "text", new { text = "hi" });
            Assert.Equal(0, sent.Code);
        }

        using var union = await emulator.PostJsonAsync(Path + "?user_id_type=union_id", new { emails = new[] { "bob@example.com" } }, second);
        Assert.Equal(emulator.User("bob@example.com").UnionId, UserId(UserList(union).Single()));
    }

    public static TheoryData<string, string?, string> BadRequests => new()
    {
        { "{}", null, "emails and mobiles are both empty" },
        { """{"emails":[],"mobiles":[]}""", null, "emails and mobiles are both empty" },
        { """{"emails":null}""", null, "emails and mobiles are both empty" },
        { JsonSerializer.Serialize(new { emails = Enumerable.Range(0, 51).Select(i => $"u{i}@example.com") }), null, "emails has 51 items; at most 50" },
        { JsonSerializer.Serialize(new { mobiles = Enumerable.Range(0, 51).Select(i => $"+86139{i:D8}") }), null, "mobiles has 51 items; at most 50" },
        { """{"emails":"alice@example.com"}""", null, "'emails' must be an array of strings" },
        { """{"mobiles":[13800000001]}""", null, "'mobiles' must be an array of strings" },
        { """{"emails":["alice@example.com",""]}""", null, "emails[1] is empty" },
        { """{"emails":["alice@example.com"],"include_resigned":"yes"}""", null, "'include_resigned' must be a boolean" },
        { """{"emails":["alice@example.com"]}""", "email", "invalid user_id_type 'email'" },
        { "[\"alice@example.com\"]", null, "must be an object" },
        { "{not json", null, "malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_400_with_code_40001_that_says_what_to_fix(string body, string? idType, string message)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.SendAsync(HttpMethod.Post, idType is null ? Path : $"{Path}?user_id_type={idType}", body, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(40001, reply.Code);
        Assert.Contains(message, reply.Msg, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("error").GetProperty("log_id").GetString()));
    }

    [Fact]
    public async Task An_empty_body_is_a_400_not_a_500()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();

        using var reply = await emulator.SendAsync(HttpMethod.Post, Path, null, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(40001, reply.Code);
    }

    [Theory]
    [InlineData(null, 99991661)]
    [InlineData("t-not-a-real-token", 99991663)]
    [InlineData("u-user-token", 99991668)]
    public async Task A_tenant_access_token_is_required(string? token, int code)
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostJsonAsync(Path, new { emails = new[] { "alice@example.com" } }, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task The_api_is_rate_limited_at_50_per_second()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Clock.Set(new DateTimeOffset(2026, 3, 2, 9, 0, 0, 250, TimeSpan.Zero));
        var token = await emulator.TenantTokenAsync();
        for (var i = 0; i < 50; i++)
        {
            using var ok = await emulator.PostJsonAsync(Path, new { emails = new[] { "alice@example.com" } }, token);
            Assert.Equal(0, ok.Code);
        }

        using var limited = await emulator.PostJsonAsync(Path, new { emails = new[] { "alice@example.com" } }, token);
        Assert.Equal(429, limited.Status);
        Assert.Equal(99991400, limited.Code);
        Assert.Equal("50", limited.Header("x-ogw-ratelimit-limit"));
    }
}
