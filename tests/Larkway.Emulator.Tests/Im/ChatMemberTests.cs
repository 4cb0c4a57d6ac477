using Larkway.Emulator.State;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Im;

public sealed class ChatMemberTests
{
    private static string MembersPath(TestEmulator emulator, string query = "") => $"/open-apis/im/v1/chats/{emulator.EngineeringChat.ChatId}/members{query}";

    [Fact]
    public async Task Succeed_type_1_adds_valid_ids_and_reports_the_rest()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var carol = emulator.User("carol@example.com");

        using var reply = await emulator.PostJsonAsync(MembersPath(emulator, "?succeed_type=1"), new { id_list = new[] { carol.OpenId, "ou_ffffffffffffffffffffffffffffffff", "not-an-open-id" } }, token);

        Assert.Equal(0, reply.Code);
        Assert.Equal(["ou_ffffffffffffffffffffffffffffffff"], reply.Data.GetProperty("not_existed_id_list").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["not-an-open-id"], reply.Data.GetProperty("invalid_id_list").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(carol.OpenId, emulator.EngineeringChat.MemberOpenIds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Succeed_types_0_and_2_fail_on_unknown_ids_and_add_nobody(int succeedType)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var carol = emulator.User("carol@example.com");

        using var reply = await emulator.PostJsonAsync(MembersPath(emulator, $"?succeed_type={succeedType}"), new { id_list = new[] { carol.OpenId, "ou_ffffffffffffffffffffffffffffffff" } }, token);

        Assert.Equal(400, reply.Status);
        Assert.Equal(232001, reply.Code);
        Assert.DoesNotContain(carol.OpenId, emulator.EngineeringChat.MemberOpenIds);
    }

    [Fact]
    public async Task Succeed_type_0_skips_resigned_users_but_type_2_fails()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var carol = emulator.User("carol@example.com");
        var gone = emulator.State.AddUser(new EmulatorUser("ou_resigned000000000000000000000000", "on_resigned", "gone", "Gone", null, [], IsResigned: true));

        using (var strict = await emulator.PostJsonAsync(MembersPath(emulator, "?succeed_type=2"), new { id_list = new[] { carol.OpenId, gone.OpenId } }, token))
        {
            Assert.Equal(232001, strict.Code);
        }

        using var lenient = await emulator.PostJsonAsync(MembersPath(emulator), new { id_list = new[] { carol.OpenId, gone.OpenId } }, token);
        Assert.Equal(0, lenient.Code);
        Assert.Equal([gone.OpenId], lenient.Data.GetProperty("invalid_id_list").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(carol.OpenId, emulator.EngineeringChat.MemberOpenIds);
        Assert.DoesNotContain(gone.OpenId, emulator.EngineeringChat.MemberOpenIds);
    }

    [Fact]
    public async Task List_pages_users_with_member_total_and_never_lists_bots()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var path = $"/open-apis/im/v1/chats/{emulator.GeneralChat.ChatId}/members?page_size=3&member_id_type=user_id";

        using var first = await emulator.GetAsync(path, token);
        using var second = await emulator.GetAsync(path + "&page_token=" + Uri.EscapeDataString(first.Data.GetProperty("page_token").GetString()!), token);

        Assert.Equal(4, first.Data.GetProperty("member_total").GetInt32());
        var ids = new[] { first, second }.SelectMany(p => p.Data.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("member_id").GetString()).Order().ToList();
        Assert.Equal(["alice", "bob", "carol", "dave"], ids);
        Assert.False(second.Data.GetProperty("has_more").GetBoolean());

        using var tooBig = await emulator.GetAsync(path.Replace("page_size=3", "page_size=101", StringComparison.Ordinal), token);
        Assert.Equal(232001, tooBig.Code);
    }

    [Fact]
    public async Task Remove_takes_a_json_body_and_removing_the_bot_ends_membership()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        var bob = emulator.User("bob@example.com");

        using (var removed = await emulator.SendAsync(HttpMethod.Delete, MembersPath(emulator), $"{{\"id_list\":[\"{bob.OpenId}\",\"ou_notmember\"]}}", token))
        {
            Assert.Equal(0, removed.Code);
            Assert.Equal(["ou_notmember"], removed.Data.GetProperty("invalid_id_list").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.DoesNotContain(bob.OpenId, emulator.EngineeringChat.MemberOpenIds);
        using (var inChat = await emulator.GetAsync(MembersPath(emulator, "/is_in_chat"), token))
        {
            Assert.True(inChat.Data.GetProperty("is_in_chat").GetBoolean());
        }

        using (var removeBot = await emulator.SendAsync(HttpMethod.Delete, MembersPath(emulator, "?member_id_type=app_id"), $"{{\"id_list\":[\"{emulator.Options.AppId}\"]}}", token))
        {
            Assert.Equal(0, removeBot.Code);
        }

        using var after = await emulator.GetAsync(MembersPath(emulator, "/is_in_chat"), token);
        Assert.False(after.Data.GetProperty("is_in_chat").GetBoolean());
    }

    [Fact]
    public async Task Empty_id_list_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.TenantTokenAsync();
        using var reply = await emulator.PostJsonAsync(MembersPath(emulator), new { id_list = Array.Empty<string>() }, token);

        Assert.Equal(232001, reply.Code);
    }
}
