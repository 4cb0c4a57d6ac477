using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Integration.Tests.Infrastructure;
using F = Larkway.Integration.Tests.Infrastructure.SeededEmulatorFixture;

namespace Larkway.Integration.Tests.Hosting;

/// <summary>Two apps, two clients: separate tokens, separate identities, separate uploads.</summary>
public sealed class MultiAppTests(SeededEmulatorFixture fx) : IClassFixture<SeededEmulatorFixture>
{
    [Fact]
    public async Task Two_apps_keep_separate_tokens_and_send_as_their_own_bots()
    {
        using var recorderA = new RecordingHandler();
        using var recorderB = new RecordingHandler();
        using var first = fx.CreateClient(recorderA);
        using var second = fx.CreateClient(recorderB, F.SecondAppId, F.SecondAppSecret);

        var fromFirst = await first.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Text("from the first app"));
        var fromSecond = await second.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Text("from the second app"));
        await first.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Text("again"));
        await second.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Text("again"));

        Assert.Equal(fx.AppId, fromFirst.Sender?.Id);
        Assert.Equal(F.SecondAppId, fromSecond.Sender?.Id);
        Assert.Equal(1, recorderA.TokenRequests);
        Assert.Equal(1, recorderB.TokenRequests);
        var tokenA = Assert.Single(recorderA.To("POST", "/open-apis/im/v1/messages").Select(c => c.Bearer).Distinct());
        var tokenB = Assert.Single(recorderB.To("POST", "/open-apis/im/v1/messages").Select(c => c.Bearer).Distinct());
        Assert.NotEqual(tokenA, tokenB);
        Assert.Contains(F.SecondAppId, recorderB.To("POST", "/open-apis/auth/v3/tenant_access_token/internal")[0].Body!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_app_sees_only_the_chats_its_bot_is_in()
    {
        using var recorderA = new RecordingHandler();
        using var recorderB = new RecordingHandler();
        using var first = fx.CreateClient(recorderA);
        using var second = fx.CreateClient(recorderB, F.SecondAppId, F.SecondAppSecret);
        var secondOnly = fx.Chat(F.SecondOnlyRoom).ChatId;

        await second.Im.Messages.SendAsync(ReceiveId.Chat(secondOnly), MessageContent.Text("only the second bot is here"));
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => first.Im.Messages.SendAsync(ReceiveId.Chat(secondOnly), MessageContent.Text("not here")));

        Assert.Equal(FeishuErrorCodes.BotNotInChat, error.Code);
        Assert.True(await second.Im.ChatMembers.IsInChatAsync(secondOnly));
    }

    [Fact]
    public async Task One_apps_upload_cannot_be_sent_by_the_other()
    {
        using var recorderA = new RecordingHandler();
        using var recorderB = new RecordingHandler();
        using var first = fx.CreateClient(recorderA);
        using var second = fx.CreateClient(recorderB, F.SecondAppId, F.SecondAppSecret);
        var imageKey = await first.Im.Images.UploadAsync(TestImages.Png, "mine.png");

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => second.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Image(imageKey)));

        Assert.Equal(230017, error.Code);
        await first.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Image(imageKey));
    }

    [Fact]
    public async Task An_app_cannot_edit_recall_update_or_download_what_the_other_app_owns()
    {
        using var recorderA = new RecordingHandler();
        using var recorderB = new RecordingHandler();
        using var first = fx.CreateClient(recorderA);
        using var second = fx.CreateClient(recorderB, F.SecondAppId, F.SecondAppSecret);
        var text = await first.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Text("first app's words"));
        var card = await first.Im.Messages.SendAsync(ReceiveId.Chat(fx.Ops.ChatId), MessageContent.Card(Larkway.Feishu.Cards.Card.V2().Header("first app's card").Markdown("x").Build()));
        var imageKey = await first.Im.Images.UploadAsync(TestImages.Png, "private.png");

        var edit = await Assert.ThrowsAsync<FeishuApiException>(() => second.Im.Messages.EditAsync(text.MessageId, MessageContent.Text("hijacked")));
        var recall = await Assert.ThrowsAsync<FeishuApiException>(() => second.Im.Messages.RecallAsync(text.MessageId));
        var update = await Assert.ThrowsAsync<FeishuApiException>(() => second.Im.Messages.UpdateCardAsync(card.MessageId, MessageContent.Card(Larkway.Feishu.Cards.Card.V2().Header("hijacked").Markdown("y").Build())));
        var download = await Assert.ThrowsAsync<FeishuApiException>(() => second.Im.Images.DownloadAsync(imageKey));

        Assert.Equal(FeishuErrorCodes.OperatorNotSender, edit.Code);
        Assert.Equal(FeishuErrorCodes.NoPermissionToRecall, recall.Code);
        Assert.Equal(230027, update.Code);
        Assert.Equal(234001, download.Code);
        Assert.False(fx.State.FindMessage(text.MessageId)!.Deleted);
        Assert.False(fx.State.FindMessage(text.MessageId)!.Updated);
    }
}
