using System.Net;
using System.Text.Json.Nodes;
using Larkway.Feishu;
using Larkway.Feishu.Cards;
using Larkway.Feishu.Im;

namespace Larkway.Integration.Tests.Messages;

/// <summary>Bad input: refused by the platform with a typed error, or locally with nothing sent.</summary>
public sealed class SendRejectionTests(MessagingFixture fx) : IClassFixture<MessagingFixture>
{
    private const string SendPath = "/open-apis/im/v1/messages";

    [Fact]
    public async Task An_unknown_chat_id_fails_with_the_receive_id_code_and_a_log_id()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() =>
            fx.Client.Im.Messages.SendAsync(ReceiveId.Chat("oc_00000000000000000000000000000000"), MessageContent.Text("to nowhere")));

        Assert.Equal(FeishuErrorCodes.InvalidReceiveId, error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatus);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.False(error.IsTransient);
        Assert.Contains(error.RequestId!, error.Message, StringComparison.Ordinal);
        Assert.Equal(fx.Recorder.To("POST", SendPath)[^1].LogId, error.RequestId);
    }

    [Theory]
    [InlineData("email:nobody@example.com")]
    [InlineData("open_id:ou_00000000000000000000000000000000")]
    [InlineData("user_id:nobody")]
    [InlineData("union_id:on_00000000000000000000000000000000")]
    public async Task An_unknown_person_fails_with_the_receive_id_code(string receiver)
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Messages.SendAsync(ReceiveId.Parse(receiver), MessageContent.Text("hello?")));

        Assert.Equal(FeishuErrorCodes.InvalidReceiveId, error.Code);
        Assert.NotNull(error.RequestId);
    }

    [Fact]
    public async Task A_receiver_of_the_wrong_kind_is_refused_before_anything_is_sent()
    {
        var before = fx.Recorder.To("POST", SendPath).Count;

        Assert.Throws<ArgumentException>(() => ReceiveId.Chat(fx.Alice.OpenId));
        await Assert.ThrowsAsync<ArgumentException>(() => fx.Client.Im.Messages.SendAsync(default, MessageContent.Text("x")));

        Assert.Equal(before, fx.Recorder.To("POST", SendPath).Count);
    }

    [Fact]
    public async Task Oversize_text_is_rejected_locally_and_nothing_reaches_the_emulator()
    {
        var chatId = fx.EngineeringChat.ChatId;
        var before = fx.State.MessagesIn(chatId).Count;
        var sendsBefore = fx.Recorder.To("POST", SendPath).Count;

        var error = await Assert.ThrowsAsync<FeishuApiException>(() =>
            fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text(new string('x', MessageContent.MaxTextBytes + 1))));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, error.Code);
        Assert.Null(error.HttpStatus);
        Assert.Equal(sendsBefore, fx.Recorder.To("POST", SendPath).Count);
        Assert.Equal(before, fx.State.MessagesIn(chatId).Count);
    }

    [Fact]
    public async Task Oversize_card_is_rejected_locally_and_nothing_reaches_the_emulator()
    {
        var chatId = fx.EngineeringChat.ChatId;
        var before = fx.State.MessagesIn(chatId).Count;
        var sendsBefore = fx.Recorder.To("POST", SendPath).Count;
        var card = Card.V2().Header("big");
        for (var i = 0; i < 40; i++)
        {
            card.Markdown(new string('y', 1000));
        }

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Card(card.Build())));

        Assert.Equal(FeishuErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(sendsBefore, fx.Recorder.To("POST", SendPath).Count);
        Assert.Equal(before, fx.State.MessagesIn(chatId).Count);
    }

    [Fact]
    public async Task Text_just_under_the_limit_is_accepted()
    {
        var text = new string('z', MessageContent.MaxTextBytes - 100);

        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.EngineeringChat.ChatId), MessageContent.Text(text));

        Assert.Equal(text, SendMessageTests.ContentString(fx.State.FindMessage(sent.MessageId)!.Content, "text"));
    }

    [Fact]
    public async Task Audio_pointing_at_a_pdf_upload_fails_with_the_type_mismatch_code()
    {
        var error = await Assert.ThrowsAsync<FeishuApiException>(() =>
            fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.EngineeringChat.ChatId), MessageContent.Audio(fx.PdfKey)));

        Assert.Equal(FeishuErrorCodes.UploadTypeMismatch, error.Code);
    }

    [Fact]
    public async Task A_card_with_an_unknown_image_fails_with_the_card_code()
    {
        var card = new JsonObject
        {
            ["header"] = new JsonObject { ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "img" } },
            ["elements"] = new JsonArray(new JsonObject { ["tag"] = "img", ["img_key"] = "img_v3_unknown", ["alt"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "" } }),
        };

        var error = await Assert.ThrowsAsync<FeishuApiException>(() => fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.EngineeringChat.ChatId), MessageContent.Card(card)));

        Assert.Equal(FeishuErrorCodes.CardContentFailed, error.Code);
    }

    [Fact]
    public async Task Sharing_a_p2p_chat_fails_with_the_platforms_code()
    {
        var p2p = await fx.Client.Im.Messages.SendAsync(ReceiveId.OpenId(fx.Alice.OpenId), MessageContent.Text("hi Alice"));

        var error = await Assert.ThrowsAsync<FeishuApiException>(() =>
            fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.EngineeringChat.ChatId), MessageContent.ShareChat(p2p.ChatId!)));

        Assert.Equal(230015, error.Code);
    }
}
