using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using static Larkway.Integration.Tests.Messages.MessageLifecycleTests;

namespace Larkway.Integration.Tests.Chats;

/// <summary>Chats: create, get, update, list (paged), search, disband.</summary>
public sealed class ChatTests(ClientFixture fx) : IClassFixture<ClientFixture>
{
    private ChatsClient Chats => fx.Client.Im.Chats;

    private static string UniqueName(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task A_created_chat_has_the_bot_as_owner_and_the_given_members()
    {
        var name = UniqueName("Incident");

        var created = await Chats.CreateAsync(new CreateChatRequest { Name = name, Description = "war room", UserIdList = [fx.Alice.OpenId, fx.Bob.OpenId] });

        Assert.StartsWith("oc_", created.ChatId, StringComparison.Ordinal);
        var stored = fx.State.FindChat(created.ChatId)!;
        Assert.Equal(name, stored.Name);
        Assert.Equal(fx.AppId, stored.OwnerAppId);
        Assert.Equal(new[] { fx.Alice.OpenId, fx.Bob.OpenId }.Order(StringComparer.Ordinal), stored.MemberOpenIds.Order(StringComparer.Ordinal));
        Assert.Contains(fx.AppId, stored.BotAppIds);

        var read = await Chats.GetAsync(created.ChatId);
        Assert.Equal(name, read.Name);
        Assert.Equal("war room", read.Description);
        Assert.Equal(2, read.UserCount);
        Assert.Equal("normal", read.ChatStatus);
        Assert.Equal("group", read.ChatMode);
        Assert.Equal("private", read.ChatType);
    }

    [Fact]
    public async Task A_chat_created_with_a_user_owner_and_user_id_kind_resolves_the_ids()
    {
        var created = await Chats.CreateAsync(new CreateChatRequest { Name = UniqueName("Owned"), OwnerId = "carol", UserIdList = ["carol", "dave"] }, userIdType: UserIdType.UserId);

        var stored = fx.State.FindChat(created.ChatId)!;
        Assert.Equal(fx.Carol.OpenId, stored.OwnerOpenId);
        Assert.Contains(fx.Dave.OpenId, stored.MemberOpenIds);
    }

    [Fact]
    public async Task Creating_with_an_unknown_user_fails_with_the_chat_code()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() =>
            Chats.CreateAsync(new CreateChatRequest { Name = UniqueName("Bad"), UserIdList = ["ou_00000000000000000000000000000000"] }));

        Assert.Equal(FeishuErrorCodes.ChatInvalidParameter, error.Code);
    }

    [Fact]
    public async Task Update_changes_name_description_and_permissions()
    {
        var created = await Chats.CreateAsync(new CreateChatRequest { Name = UniqueName("Before"), UserIdList = [fx.Alice.OpenId] });
        var newName = UniqueName("After");

        await Chats.UpdateAsync(created.ChatId, new UpdateChatRequest { Name = newName, Description = "updated", AddMemberPermission = "only_owner", ShareCardPermission = "not_allowed" });

        var read = await Chats.GetAsync(created.ChatId);
        Assert.Equal(newName, read.Name);
        Assert.Equal("updated", read.Description);
        Assert.Equal("only_owner", read.AddMemberPermission);
        Assert.Equal("not_allowed", read.ShareCardPermission);
    }

    [Fact]
    public async Task Half_a_permission_pair_is_refused_locally()
    {
        var sent = fx.Recorder.Calls.Count;

        await Assert.ThrowsAsync<ArgumentException>(() => Chats.UpdateAsync(fx.EngineeringChat.ChatId, new UpdateChatRequest { AddMemberPermission = "only_owner" }));

        Assert.Equal(sent, fx.Recorder.Calls.Count);
    }

    [Fact]
    public async Task List_pages_through_every_chat_of_the_bot_one_request_per_page()
    {
        var before = fx.Recorder.To("GET", "/open-apis/im/v1/chats").Count;

        var chats = await ToListAsync(Chats.ListAsync(pageSize: 1));

        var expected = fx.State.Chats.Where(c => c.HasBot(fx.AppId) && c.ChatMode != "p2p" && !c.Dissolved).Select(c => c.ChatId).ToHashSet();
        Assert.Equal(expected.Order(StringComparer.Ordinal), chats.Select(c => c.ChatId).Order(StringComparer.Ordinal));
        Assert.Equal(chats.Count, fx.Recorder.To("GET", "/open-apis/im/v1/chats").Count - before);
        Assert.Contains(chats, c => c.Name == fx.GeneralChat.Name);
    }

    [Fact]
    public async Task Search_finds_chats_by_a_case_insensitive_part_of_the_name()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var created = await Chats.CreateAsync(new CreateChatRequest { Name = $"Quarterly {marker} Review", UserIdList = [fx.Alice.OpenId] });

        var found = await ToListAsync(Chats.SearchAsync(marker.ToUpperInvariant()));
        var none = await ToListAsync(Chats.SearchAsync("no-chat-is-named-like-this"));

        Assert.Equal(created.ChatId, Assert.Single(found).ChatId);
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_disbanded_chat_no_longer_takes_messages()
    {
        var created = await Chats.CreateAsync(new CreateChatRequest { Name = UniqueName("Temporary"), UserIdList = [fx.Alice.OpenId] });

        await Chats.DeleteAsync(created.ChatId);

        Assert.True(fx.State.FindChat(created.ChatId)!.Dissolved);
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(created.ChatId), MessageContent.Text("anyone?")));
        Assert.Equal(FeishuErrorCodes.ChatDissolved, error.Code);
    }

    [Fact]
    public async Task Disbanding_a_chat_the_bot_does_not_own_fails_with_the_owner_code()
    {
        // The general chat is owned by Alice.
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Chats.DeleteAsync(fx.GeneralChat.ChatId));

        Assert.Equal(232017, error.Code);
        Assert.False(fx.State.FindChat(fx.GeneralChat.ChatId)!.Dissolved);
    }

    [Fact]
    public async Task Getting_an_unknown_chat_fails_with_the_invalid_chat_code()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Chats.GetAsync("oc_00000000000000000000000000000000"));

        Assert.Equal(FeishuErrorCodes.InvalidChatId, error.Code);
        Assert.NotNull(error.RequestId);
    }

    [Fact]
    public async Task Listing_by_activity_puts_the_chat_with_the_latest_message_first()
    {
        var quiet = await Chats.CreateAsync(new CreateChatRequest { Name = UniqueName("Quiet"), UserIdList = [fx.Alice.OpenId] });
        await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.EngineeringChat.ChatId), MessageContent.Text("activity"));

        var byActivity = await ToListAsync(Chats.ListAsync(ChatSortOrder.ActiveTimeDescending));
        var byCreation = await ToListAsync(Chats.ListAsync());

        Assert.Equal(fx.EngineeringChat.ChatId, byActivity[0].ChatId);
        Assert.Equal(quiet.ChatId, byCreation[^1].ChatId);
    }
}
