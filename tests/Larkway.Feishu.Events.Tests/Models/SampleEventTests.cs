using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Models;

/// <summary>Every sample in tests/fixtures/vectors/feishu-events parsed into its typed model.</summary>
public sealed class SampleEventTests
{
    private static readonly string[] CoveredFiles =
    [
        "_envelopes_v1_v2.json",
        "im.message.receive_v1.content_examples.json",
        "im.message.receive_v1.image.json",
        "im.message.receive_v1.p2p_text.json",
        "im.message.receive_v1.post.json",
        "url_verification.plain.json",
    ];

    private static MessageReceivedEvent ParseMessage(string file)
    {
        var env = FeishuEventEnvelope.Parse(Samples.PayloadBytes(file));
        return Assert.IsType<MessageReceivedEvent>(FeishuEventParser.Parse(env));
    }

    [Fact]
    public void Every_sample_file_is_covered_by_a_test() =>
        Assert.Equal(CoveredFiles, Samples.EventFiles().ToArray());

    [Fact]
    public void P2p_text_message()
    {
        var e = ParseMessage("im.message.receive_v1.p2p_text.json");

        Assert.Equal("im.message.receive_v1", e.EventType);
        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", e.Sender.SenderId?.OpenId);
        Assert.Equal("on_8ed6aa67826108097d9ee143816345", e.Sender.SenderId?.UnionId);
        Assert.Equal("e33ggbyz", e.Sender.SenderId?.UserId);
        Assert.Equal("user", e.Sender.SenderType);
        Assert.Equal("736588c9260f175e", e.Sender.TenantKey);
        Assert.Equal("om_5ce6d572455d361153b7cb51da133945", e.Message.MessageId);
        Assert.Equal("oc_5ce6d572455d361153b7xx51da133945", e.Message.ChatId);
        Assert.Equal("p2p", e.Message.ChatType);
        Assert.Equal("text", e.Message.MessageType);
        Assert.Equal("1609073151345", e.Message.CreateTime);
        Assert.Equal("1687343654666", e.Message.UpdateTime);
        Assert.Null(e.Message.RootId);
        Assert.Null(e.Message.ParentId);
        Assert.Null(e.Message.ThreadId);
        Assert.Null(e.Message.Mentions);
        Assert.StartsWith("Mozilla/5.0", e.Message.UserAgent, StringComparison.Ordinal);
        Assert.Equal("你好，帮我查一下今天的会议", Assert.IsType<TextContent>(e.Message.ParseContent()).Text);
    }

    [Fact]
    public void Image_message()
    {
        var e = ParseMessage("im.message.receive_v1.image.json");

        Assert.Equal("group", e.Message.ChatType);
        Assert.Equal("omt_d4be107c616", e.Message.ThreadId);
        Assert.Equal("om_5ce6d572455d361153b7cb5xxfsdfsdfdsf", e.Message.RootId);
        Assert.Equal("om_5ce6d572455d361153b7cb5xxfsdfsdfdsf", e.Message.ParentId);
        Assert.Equal("img_4adb3cc3-902b-4187-b0f1-842f67fd017g", Assert.IsType<ImageContent>(e.Message.ParseContent()).ImageKey);
    }

    [Fact]
    public void Post_message_with_mentions()
    {
        var e = ParseMessage("im.message.receive_v1.post.json");

        var mention = Assert.Single(e.Message.Mentions!);
        Assert.Equal("@_user_1", mention.Key);
        Assert.Equal("Tom", mention.Name);
        Assert.Equal("ou_84aad35d084aa403a838cf73ee18467", mention.Id?.OpenId);
        Assert.Equal("736588c9260f175e", mention.TenantKey);

        var post = Assert.IsType<PostContent>(e.Message.ParseContent());
        Assert.Equal("我是一个标题", post.Title);
        Assert.Equal(8, post.Content.Count);
        Assert.Equal(["bold", "underline"], post.Content[0][0].Style!);
        Assert.Equal("http://www.feishu.cn", post.Content[0][1].Href);
        Assert.Equal("@_user_1", post.Content[0][2].UserId);
        Assert.Equal("img_47354fbc-a159-40ed-86ab-2ad0f1acb42g", post.Content[1][0].ImageKey);
        Assert.Equal("file_v2_0dcdd7d9-fib0-4432-a519-41d25aca542j", post.Content[4][0].FileKey);
        Assert.Equal("SMILE", post.Content[5][0].EmojiType);
        Assert.Equal("hr", post.Content[6][0].Tag);
        Assert.Equal("GO", post.Content[7][0].Language);
        Assert.Equal("func main() int64 {\n    return 0\n}", post.Content[7][0].Text);
    }

    [Fact]
    public void Envelope_samples_with_unmodelled_types_are_unknown_events_with_raw_data()
    {
        var payload = Samples.Payload("_envelopes_v1_v2.json");

        var v1 = Assert.IsType<UnknownEvent>(FeishuEventParser.Parse(FeishuEventEnvelope.Parse(Samples.Bytes(payload.GetProperty("v1")))));
        Assert.Equal("p2p_chat_create", v1.EventType);
        Assert.Equal("ou_7dede290d6a27698b969a7fd70ca53da", v1.Raw.GetProperty("user").GetProperty("open_id").GetString());

        var v2 = Assert.IsType<UnknownEvent>(FeishuEventParser.Parse(FeishuEventEnvelope.Parse(Samples.Bytes(payload.GetProperty("v2")))));
        Assert.Equal("contact.user_group.created_v3", v2.EventType);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, v2.Raw.ValueKind);
    }

    [Fact]
    public void Url_verification_sample_is_not_an_event()
    {
        var env = FeishuEventEnvelope.Parse(Samples.PayloadBytes("url_verification.plain.json"));
        Assert.True(env.IsUrlVerification);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("image")]
    [InlineData("post")]
    [InlineData("file")]
    [InlineData("audio")]
    [InlineData("media")]
    [InlineData("sticker")]
    public void Content_examples_parse_into_their_records(string messageType)
    {
        var content = Samples.Payload("im.message.receive_v1.content_examples.json").GetProperty(messageType).GetRawText();
        var parsed = MessageContent.Parse(messageType, content);

        switch (parsed)
        {
            case TextContent t:
                Assert.Equal("text", messageType);
                Assert.Equal("@_user_1 文本消息", t.Text);
                break;
            case ImageContent i:
                Assert.Equal("image", messageType);
                Assert.Equal("img_4adb3cc3-902b-4187-b0f1-842f67fd017g", i.ImageKey);
                break;
            case PostContent p:
                Assert.Equal("post", messageType);
                Assert.Equal("我是一个标题", p.Title);
                Assert.Equal("第二行:", p.Content[2][0].Text);
                break;
            case FileContent f:
                Assert.Equal("file", messageType);
                Assert.Equal("75235e0c-4f92-430a-a99b-8446610223cg", f.FileKey);
                Assert.Equal("test.txt", f.FileName);
                break;
            case AudioContent a:
                Assert.Equal("audio", messageType);
                Assert.Equal(2000, a.Duration);
                break;
            case MediaContent m:
                Assert.Equal("media", messageType);
                Assert.Equal("img_xxxxxx", m.ImageKey);
                Assert.Equal("测试视频.mp4", m.FileName);
                Assert.Equal(2000, m.Duration);
                break;
            case StickerContent s:
                Assert.Equal("sticker", messageType);
                Assert.Equal("75235e0c-4f92-430a-a99b-8446610223cg", s.FileKey);
                break;
            default:
                Assert.Fail($"{messageType} parsed as {parsed.GetType().Name}");
                break;
        }
    }

    [Fact]
    public void Content_examples_file_has_no_unchecked_type()
    {
        var names = Samples.Payload("im.message.receive_v1.content_examples.json").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["audio", "file", "image", "media", "post", "sticker", "text"], names);
    }

    [Fact]
    public void Encrypted_chinese_vector_parses_into_a_message()
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", "gen-chinese-im-event");
        var env = FeishuEventEnvelope.Parse(new Larkway.Feishu.Events.Crypto.FeishuEventDecryptor(v.Str("encrypt_key")).Decrypt(v.Str("encrypt")));
        var e = Assert.IsType<MessageReceivedEvent>(FeishuEventParser.Parse(env));

        Assert.Equal("你好，飞书！请帮我查一下明天的日程。", Assert.IsType<TextContent>(e.Message.ParseContent()).Text);
    }

    [Fact]
    public void Multiblock_vector_parses_into_a_contact_user_update()
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", "gen-multiblock-1kb");
        var env = FeishuEventEnvelope.Parse(new Larkway.Feishu.Events.Crypto.FeishuEventDecryptor(v.Str("encrypt_key")).Decrypt(v.Str("encrypt")));
        var e = Assert.IsType<Larkway.Feishu.Events.Models.Contact.ContactUserUpdatedEvent>(FeishuEventParser.Parse(env));

        Assert.Equal("张三", e.Object.Name);
        Assert.Equal(20, e.Object.DepartmentIds!.Count);
        Assert.Equal("李四", e.OldObject?.Name);
    }
}
