using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Feishu.Events.Tests.Models;

public sealed class MessageContentTests
{
    [Fact]
    public void Share_chat_and_user() =>
        Assert.Equal("oc_0dd200d32fda15216d2c2ef1ddb32f76", Assert.IsType<ShareChatContent>(MessageContent.Parse("share_chat", """{"chat_id":"oc_0dd200d32fda15216d2c2ef1ddb32f76"}""")).ChatId);

    [Fact]
    public void Share_user() =>
        Assert.Equal("ou_0dd200d32fda15216d2c2ef1ddb32f76", Assert.IsType<ShareUserContent>(MessageContent.Parse("share_user", """{"user_id":"ou_0dd200d32fda15216d2c2ef1ddb32f76"}""")).UserId);

    [Fact]
    public void Merge_forward() =>
        Assert.Equal("Merged and Forwarded Message", Assert.IsType<MergeForwardContent>(MessageContent.Parse("merge_forward", """{"content":"Merged and Forwarded Message"}""")).Content);

    [Fact]
    public void Interactive_is_kept_raw()
    {
        var card = Assert.IsType<InteractiveContent>(MessageContent.Parse("interactive", """{"title":"t","elements":[[{"tag":"text","text":"x"}]]}"""));
        Assert.Equal("t", card.Card.GetProperty("title").GetString());
    }

    [Fact]
    public void System_message_with_template_variables()
    {
        var s = Assert.IsType<SystemContent>(MessageContent.Parse("system", """{"template":"{from_user} invited {to_chatters} to this chat.","from_user":["Alice"],"to_chatters":["Bob","Carol"],"divider_text":{"text":"x"}}"""));

        Assert.Equal("{from_user} invited {to_chatters} to this chat.", s.Template);
        Assert.Equal(["Alice"], s.FromUser!);
        Assert.Equal(["Bob", "Carol"], s.ToChatters!);
        Assert.True(s.Extra!.ContainsKey("divider_text"));
    }

    [Fact]
    public void Location_accepts_string_or_number_coordinates()
    {
        var a = Assert.IsType<LocationContent>(MessageContent.Parse("location", """{"name":"Hangzhou","longitude":"120.1","latitude":30.2}"""));
        Assert.Equal("120.1", a.Longitude);
        Assert.Equal("30.2", a.Latitude);
    }

    [Fact]
    public void Unknown_type_keeps_raw_content()
    {
        var u = Assert.IsType<UnknownContent>(MessageContent.Parse("hongbao", """{"text":"[红包]"}"""));
        Assert.Equal("hongbao", u.MessageType);
        Assert.Equal("""{"text":"[红包]"}""", u.RawContent);
    }

    [Theory]
    [InlineData("text", "{not json")]
    [InlineData("image", "[1]")]
    [InlineData("interactive", "")]
    [InlineData("text", "null")]
    public void Invalid_content_is_unknown_not_an_exception(string type, string content)
    {
        var u = Assert.IsType<UnknownContent>(MessageContent.Parse(type, content));
        Assert.Equal(content, u.RawContent);
    }
}
