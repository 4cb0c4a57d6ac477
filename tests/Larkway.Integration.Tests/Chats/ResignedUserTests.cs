using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Chats;

/// <summary>A resigned user (seeded): cannot be messaged, is skipped or reported when added to a chat.</summary>
public sealed class ResignedUserTests(SeededEmulatorFixture fx) : IClassFixture<SeededEmulatorFixture>, IDisposable
{
    private readonly RecordingHandler _recorder = new();

    private FeishuClient? _client;

    private FeishuClient Client => _client ??= fx.CreateClient(_recorder);

    public void Dispose()
    {
        _client?.Dispose();
        _recorder.Dispose();
    }

    private async Task<string> NewChatAsync() =>
        (await Client.Im.Chats.CreateAsync(new CreateChatRequest { Name = "resigned " + Guid.NewGuid().ToString("N")[..6], UserIdList = [fx.Erin.OpenId] })).ChatId;

    [Fact]
    public async Task Messaging_a_resigned_user_fails_with_the_availability_code()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Client.Im.Messages.SendAsync(ReceiveId.Email(fx.Gina.Email!), MessageContent.Text("are you there?")));

        Assert.Equal(FeishuErrorCodes.BotUnavailableToUser, error.Code);
    }

    [Fact]
    public async Task The_default_policy_skips_a_resigned_user_and_adds_the_rest()
    {
        var chatId = await NewChatAsync();

        await Client.Im.ChatMembers.AddAsync(chatId, [fx.Frank.OpenId, fx.Gina.OpenId]);

        var members = fx.State.FindChat(chatId)!.MemberOpenIds;
        Assert.Contains(fx.Frank.OpenId, members);
        Assert.DoesNotContain(fx.Gina.OpenId, members);
    }

    [Fact]
    public async Task Add_valid_reports_a_resigned_user_as_invalid()
    {
        var chatId = await NewChatAsync();

        var result = await Client.Im.ChatMembers.AddAsync(chatId, [fx.Frank.OpenId, fx.Gina.OpenId], policy: AddMembersPolicy.AddValid);

        Assert.Equal([fx.Gina.OpenId], result.InvalidIds);
        Assert.Contains(fx.Frank.OpenId, fx.State.FindChat(chatId)!.MemberOpenIds);
    }

    [Fact]
    public async Task All_or_nothing_fails_on_a_resigned_user()
    {
        var chatId = await NewChatAsync();

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => Client.Im.ChatMembers.AddAsync(chatId, [fx.Frank.OpenId, fx.Gina.OpenId], policy: AddMembersPolicy.AllOrNothing));

        Assert.Equal(FeishuErrorCodes.ChatInvalidParameter, error.Code);
        Assert.DoesNotContain(fx.Frank.OpenId, fx.State.FindChat(chatId)!.MemberOpenIds);
    }
}
