using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using static Larkway.Integration.Tests.Messages.MessageLifecycleTests;

namespace Larkway.Integration.Tests.Chats;

/// <summary>Members: add (each succeed_type), remove, list (paged), is_in_chat.</summary>
public sealed class ChatMemberTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private const string Unknown = "ou_00000000000000000000000000000000";

    private ChatMembersClient Members => fx.Client.Im.ChatMembers;

    private async Task<string> NewChatAsync(params string[] openIds) =>
        (await fx.Client.Im.Chats.CreateAsync(new CreateChatRequest { Name = "members " + Guid.NewGuid().ToString("N")[..6], UserIdList = openIds })).ChatId;

    private async Task<List<string>> MemberIdsAsync(string chatId) =>
        [.. (await ToListAsync(Members.ListAsync(chatId))).Select(m => m.MemberId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Adding_valid_users_puts_them_in_the_chat()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId);

        var result = await Members.AddAsync(chatId, [fx.Bob.OpenId, fx.Carol.OpenId]);

        Assert.Empty(result.InvalidIds);
        Assert.Empty(result.NotExistedIds);
        Assert.Equal(new[] { fx.Alice.OpenId, fx.Bob.OpenId, fx.Carol.OpenId }.Order(StringComparer.Ordinal), await MemberIdsAsync(chatId));
    }

    [Fact]
    public async Task Adding_by_user_id_resolves_the_ids()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId);

        await Members.AddAsync(chatId, ["dave"], MemberIdType.UserId);

        Assert.Contains(fx.Dave.OpenId, fx.State.FindChat(chatId)!.MemberOpenIds);
    }

    [Fact]
    public async Task The_default_policy_fails_on_an_unknown_id_and_adds_nobody()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Members.AddAsync(chatId, [fx.Bob.OpenId, Unknown]));

        Assert.Equal(FeishuErrorCodes.ChatInvalidParameter, error.Code);
        Assert.DoesNotContain(fx.Bob.OpenId, fx.State.FindChat(chatId)!.MemberOpenIds);
    }

    [Fact]
    public async Task Add_valid_adds_what_it_can_and_reports_the_invalid_and_unknown_ids()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId);

        var result = await Members.AddAsync(chatId, [fx.Bob.OpenId, Unknown, "not-an-open-id"], policy: AddMembersPolicy.AddValid);

        Assert.Contains(fx.Bob.OpenId, fx.State.FindChat(chatId)!.MemberOpenIds);
        Assert.Contains(Unknown, result.NotExistedIds);
        Assert.Contains("not-an-open-id", result.InvalidIds);
        Assert.DoesNotContain(fx.Bob.OpenId, result.InvalidIds.Concat(result.NotExistedIds));
    }

    [Fact]
    public async Task All_or_nothing_fails_on_any_bad_id_and_adds_nobody()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId);

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Members.AddAsync(chatId, [fx.Bob.OpenId, "not-an-open-id"], policy: AddMembersPolicy.AllOrNothing));

        Assert.Equal(FeishuErrorCodes.ChatInvalidParameter, error.Code);
        Assert.DoesNotContain(fx.Bob.OpenId, fx.State.FindChat(chatId)!.MemberOpenIds);
    }

    [Fact]
    public async Task Removing_members_takes_them_out()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId, fx.Bob.OpenId, fx.Carol.OpenId);

        var notRemoved = await Members.RemoveAsync(chatId, [fx.Bob.OpenId]);

        Assert.Empty(notRemoved);
        Assert.Equal(new[] { fx.Alice.OpenId, fx.Carol.OpenId }.Order(StringComparer.Ordinal), await MemberIdsAsync(chatId));
    }

    [Fact]
    public async Task Listing_pages_through_users_only_with_the_total()
    {
        var chatId = fx.GeneralChat.ChatId;
        var before = fx.Recorder.To("GET", $"/open-apis/im/v1/chats/{chatId}/members").Count;

        var pages = await ToListAsync(Members.ListAsync(chatId).AsPages(pageSize: 1));
        var members = pages.SelectMany(p => p.Items).ToList();

        Assert.Equal(4, members.Count);
        Assert.Equal(pages.Count, fx.Recorder.To("GET", $"/open-apis/im/v1/chats/{chatId}/members").Count - before);
        Assert.Equal(4, pages[0].Total);
        Assert.DoesNotContain(members, m => m.MemberId == fx.AppId);
        Assert.Contains(members, m => m.MemberId == fx.Alice.OpenId && m.Name == fx.Alice.Name);

        var byUserId = await ToListAsync(Members.ListAsync(chatId, MemberIdType.UserId));
        Assert.Equal(new[] { "alice", "bob", "carol", "dave" }, byUserId.Select(m => m.MemberId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Is_in_chat_answers_for_the_calling_bot()
    {
        Assert.True(await Members.IsInChatAsync(fx.GeneralChat.ChatId));

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Members.IsInChatAsync("oc_00000000000000000000000000000000"));
        Assert.Equal(FeishuErrorCodes.InvalidChatId, error.Code);
    }

    [Fact]
    public async Task Is_in_chat_is_false_after_the_bot_removes_itself()
    {
        var chatId = await NewChatAsync(fx.Alice.OpenId);

        await Members.RemoveAsync(chatId, [fx.AppId], MemberIdType.AppId);

        var answer = await Record.ExceptionAsync(async () => Assert.False(await Members.IsInChatAsync(chatId)));
        Assert.True(answer is null || answer is FeishuApiException { Code: FeishuErrorCodes.OperatorNotInChat }, answer?.ToString());
        Assert.DoesNotContain(fx.AppId, fx.State.FindChat(chatId)!.BotAppIds);
    }
}
