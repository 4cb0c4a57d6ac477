using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;
using Larkway.Feishu.Cards;
using Larkway.Feishu.Im;

namespace Larkway.Integration.Tests.Messages;

/// <summary>Every message type, to every kind of receiver, lands as the read side describes it.</summary>
public sealed class SendMessageTests(MessagingFixture fx) : IClassFixture<MessagingFixture>
{
    public static TheoryData<string> ReceiverKinds => new() { "chat_id", "open_id", "union_id", "user_id", "email" };

    private IEnumerable<(string Type, MessageContent Content)> EveryKindOfContent() =>
    [
        ("text", TextContent.Builder().Text("hello ").At(fx.Alice.OpenId, "Alice").Build()),
        ("post", PostContent.Builder().Locale(PostContent.EnUs, "Report", p => p.Paragraph(PostNode.Text("all green"))).Build()),
        ("image", MessageContent.Image(fx.ImageKey)),
        ("file", MessageContent.File(fx.PdfKey)),
        ("audio", MessageContent.Audio(fx.OpusKey)),
        ("media", MessageContent.Media(fx.Mp4Key, fx.ImageKey)),
        ("sticker", MessageContent.Sticker("file_v2_sticker_from_an_event")),
        ("share_chat", MessageContent.ShareChat(fx.GeneralChat.ChatId)),
        ("share_user", MessageContent.ShareUser(fx.Bob.OpenId)),
        ("interactive", MessageContent.Card("""{"config":{"wide_screen_mode":true},"header":{"title":{"tag":"plain_text","content":"Raw"}},"elements":[{"tag":"div","text":{"tag":"lark_md","content":"raw **json**"}}]}""")),
        ("interactive", MessageContent.Card(Card.V1().Header("V1 card", HeaderTemplate.Blue).Markdown("built **v1**").Build())),
        ("interactive", MessageContent.Card(Card.V2().Header("V2 card", HeaderTemplate.Green).Markdown("built **v2**").Build())),
        ("interactive", MessageContent.Template("AAqkTemplate01", "1.0.0", new JsonObject { ["name"] = "Larkway" })),
    ];

    [Theory]
    [MemberData(nameof(ReceiverKinds))]
    public async Task Every_message_type_lands_once_for_each_kind_of_receiver(string kind)
    {
        var to = fx.Receiver(kind);
        var sent = new List<SentMessage>();
        foreach (var (type, content) in EveryKindOfContent())
        {
            var message = await fx.Client.Im.Messages.SendAsync(to, content);
            Assert.Equal(type, message.MessageType);
            Assert.StartsWith("om_", message.MessageId, StringComparison.Ordinal);
            Assert.Equal(fx.AppId, message.Sender?.Id);
            sent.Add(message);
        }

        // All of them went to one chat: the group itself, or the bot's p2p chat with that person.
        var chatId = Assert.Single(sent.Select(m => m.ChatId).Distinct());
        var chat = fx.State.FindChat(chatId!);
        Assert.NotNull(chat);
        if (fx.PersonOf(kind) is { } person)
        {
            Assert.Equal(ChatModes.P2p, chat.ChatMode);
            Assert.Equal([person], chat.MemberOpenIds);
        }
        else
        {
            Assert.Equal(fx.EngineeringChat.ChatId, chatId);
        }

        var stored = fx.State.MessagesIn(chatId!).Select(m => m.MessageId).ToHashSet();
        Assert.All(sent, m => Assert.Contains(m.MessageId, stored));
        Assert.Equal(sent.Count, sent.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Text_mentions_read_back_as_user_placeholders_with_mentions()
    {
        var text = TextContent.Builder().Text("hi ").At(fx.Alice.OpenId, "Alice").Text(" and ").At(fx.Bob.OpenId, "Bob").Text(" ").AtAll().Build();

        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), text);
        var read = await fx.Client.Im.Messages.GetAsync(sent.MessageId);

        Assert.Equal("hi @_user_1 and @_user_2 @_all", ContentString(read.Content, "text"));
        Assert.Collection(
            read.Mentions,
            m =>
            {
                Assert.Equal("@_user_1", m.Key);
                Assert.Equal(fx.Alice.OpenId, m.Id);
                Assert.Equal("open_id", m.IdType);
                Assert.Equal(fx.Alice.Name, m.Name);
            },
            m =>
            {
                Assert.Equal("@_user_2", m.Key);
                Assert.Equal(fx.Bob.OpenId, m.Id);
            });
    }

    [Fact]
    public async Task The_send_response_already_carries_the_read_side_content_and_mentions()
    {
        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), TextContent.Builder().At(fx.Carol.OpenId, "Carol").Text(" ping").Build());

        Assert.Equal("@_user_1 ping", ContentString(sent.Content, "text"));
        Assert.Equal(fx.Carol.OpenId, Assert.Single(sent.Mentions).Id);
        Assert.Equal(fx.GeneralChat.ChatId, sent.ChatId);
    }

    [Fact]
    public async Task Unicode_text_round_trips_and_style_tags_are_dropped_on_the_read_side()
    {
        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), MessageContent.Text("🚀 发布 <b>完成</b> \"quoted\" & <i>done</i>"));

        var read = await fx.Client.Im.Messages.GetAsync(sent.MessageId);

        Assert.Equal("🚀 发布 完成 \"quoted\" & done", ContentString(read.Content, "text"));
    }

    [Fact]
    public async Task Post_markdown_code_and_emotion_nodes_are_accepted_and_markdown_reads_back_as_text()
    {
        var post = PostContent.Builder().Locale(PostContent.ZhCn, "Nodes", p => p
            .Paragraph(PostNode.Markdown("**bold** and `code`"))
            .Paragraph(PostNode.CodeBlock("var x = 1;", "csharp"))
            .Paragraph(PostNode.Text("nice "), PostNode.Emotion("THUMBSUP"))
            .Paragraph(PostNode.Divider())).Build();

        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), post);
        using var json = JsonDocument.Parse((await fx.Client.Im.Messages.GetAsync(sent.MessageId)).Content!);
        var content = json.RootElement.GetProperty("content");

        Assert.Equal("text", content[0][0].GetProperty("tag").GetString());
        Assert.Equal("**bold** and `code`", content[0][0].GetProperty("text").GetString());
        Assert.Equal("code_block", content[1][0].GetProperty("tag").GetString());
        Assert.Equal("emotion", content[2][1].GetProperty("tag").GetString());
    }

    [Fact]
    public async Task A_post_with_several_locales_reads_back_as_one_locale_without_the_wrapper()
    {
        var post = PostContent.Builder()
            .Locale(PostContent.EnUs, "Release notes", p => p.Paragraph(PostNode.Text("shipped "), PostNode.At(fx.Alice.OpenId, "Alice")))
            .Locale(PostContent.ZhCn, "发布说明", p => p.Paragraph(PostNode.Text("已发布 "), PostNode.At(fx.Alice.OpenId, "Alice")).Paragraph(PostNode.Link("详情", "https://example.com/notes")))
            .Locale(PostContent.JaJp, "リリース", p => p.Paragraph(PostNode.Text("出荷")))
            .Build();

        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.GeneralChat.ChatId), post);
        var read = await fx.Client.Im.Messages.GetAsync(sent.MessageId);

        using var json = JsonDocument.Parse(read.Content!);
        var root = json.RootElement;
        Assert.False(root.TryGetProperty("zh_cn", out _), read.Content);
        Assert.Equal("发布说明", root.GetProperty("title").GetString());
        var firstParagraph = root.GetProperty("content")[0];
        Assert.Equal("@_user_1", firstParagraph[1].GetProperty("user_id").GetString());
        Assert.Equal(fx.Alice.OpenId, Assert.Single(read.Mentions).Id);
        Assert.Equal("https://example.com/notes", root.GetProperty("content")[1][0].GetProperty("href").GetString());
    }

    [Fact]
    public async Task Image_file_audio_and_media_read_back_with_their_keys_names_and_durations()
    {
        var to = ReceiveId.Chat(fx.GeneralChat.ChatId);

        var image = await fx.Client.Im.Messages.GetAsync((await fx.Client.Im.Messages.SendAsync(to, MessageContent.Image(fx.ImageKey))).MessageId);
        Assert.Equal(fx.ImageKey, ContentString(image.Content, "image_key"));

        var file = await fx.Client.Im.Messages.GetAsync((await fx.Client.Im.Messages.SendAsync(to, MessageContent.File(fx.PdfKey))).MessageId);
        Assert.Equal(fx.PdfKey, ContentString(file.Content, "file_key"));
        Assert.Equal("report.pdf", ContentString(file.Content, "file_name"));

        var audio = await fx.Client.Im.Messages.GetAsync((await fx.Client.Im.Messages.SendAsync(to, MessageContent.Audio(fx.OpusKey))).MessageId);
        Assert.Equal(fx.OpusKey, ContentString(audio.Content, "file_key"));
        Assert.Equal(3000, ContentInt(audio.Content, "duration"));

        var media = await fx.Client.Im.Messages.GetAsync((await fx.Client.Im.Messages.SendAsync(to, MessageContent.Media(fx.Mp4Key, fx.ImageKey))).MessageId);
        Assert.Equal(fx.Mp4Key, ContentString(media.Content, "file_key"));
        Assert.Equal(fx.ImageKey, ContentString(media.Content, "image_key"));
        Assert.Equal("clip.mp4", ContentString(media.Content, "file_name"));
        Assert.Equal(1500, ContentInt(media.Content, "duration"));
    }

    [Fact]
    public async Task Share_chat_and_share_user_read_back_with_their_ids()
    {
        var to = ReceiveId.Chat(fx.EngineeringChat.ChatId);

        var chat = await fx.Client.Im.Messages.SendAsync(to, MessageContent.ShareChat(fx.GeneralChat.ChatId));
        var user = await fx.Client.Im.Messages.SendAsync(to, MessageContent.ShareUser(fx.Carol.OpenId));

        Assert.Equal(fx.GeneralChat.ChatId, ContentString((await fx.Client.Im.Messages.GetAsync(chat.MessageId)).Content, "chat_id"));
        Assert.Equal(fx.Carol.OpenId, ContentString((await fx.Client.Im.Messages.GetAsync(user.MessageId)).Content, "user_id"));
    }

    [Fact]
    public async Task Cards_from_raw_json_both_builder_versions_and_templates_are_stored_as_sent()
    {
        var to = ReceiveId.Chat(fx.GeneralChat.ChatId);
        var v1 = Card.V1().Header("Deploy", HeaderTemplate.Blue).UpdateMulti().Markdown("**prod** is green").Divider().Note("by larkway").Build();
        var v2 = Card.V2().Header("Deploy v2", HeaderTemplate.Green).Markdown("**prod** is green").Build();

        var sentV1 = await fx.Client.Im.Messages.SendAsync(to, MessageContent.Card(v1));
        var sentV2 = await fx.Client.Im.Messages.SendAsync(to, MessageContent.Card(v2));
        var sentTemplate = await fx.Client.Im.Messages.SendAsync(to, MessageContent.Template("AAqkTemplate01", variables: new JsonObject { ["env"] = "prod" }));

        // The read side simplifies cards to {title, elements}.
        var readV1 = await fx.Client.Im.Messages.GetAsync(sentV1.MessageId);
        Assert.Equal("Deploy", ContentString(readV1.Content, "title"));
        var readV2 = await fx.Client.Im.Messages.GetAsync(sentV2.MessageId);
        Assert.Equal("Deploy v2", ContentString(readV2.Content, "title"));

        // What was stored is exactly what the builder produced.
        Assert.True(JsonNode.DeepEquals(v1, JsonNode.Parse(fx.State.FindMessage(sentV1.MessageId)!.SendContent)));
        Assert.True(JsonNode.DeepEquals(v2, JsonNode.Parse(fx.State.FindMessage(sentV2.MessageId)!.SendContent)));
        var template = JsonNode.Parse(fx.State.FindMessage(sentTemplate.MessageId)!.SendContent)!;
        Assert.Equal("template", template["type"]!.GetValue<string>());
        Assert.Equal("AAqkTemplate01", template["data"]!["template_id"]!.GetValue<string>());
        Assert.Equal("prod", template["data"]!["template_variable"]!["env"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_uuid_twice_returns_the_same_message_and_stores_one()
    {
        var chatId = fx.EngineeringChat.ChatId;
        var uuid = "it-dedup-" + Guid.NewGuid().ToString("N")[..16];
        var before = fx.State.MessagesIn(chatId).Count;

        var first = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("once"), uuid);
        var second = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), MessageContent.Text("once"), uuid);

        Assert.Equal(uuid, first.Uuid);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(before + 1, fx.State.MessagesIn(chatId).Count);
    }

    [Fact]
    public async Task Each_send_carries_a_generated_uuid_that_reaches_the_wire()
    {
        var sent = await fx.Client.Im.Messages.SendAsync(ReceiveId.Chat(fx.EngineeringChat.ChatId), MessageContent.Text("with uuid"));

        Assert.False(string.IsNullOrEmpty(sent.Uuid));
        var body = fx.Recorder.To("POST", "/open-apis/im/v1/messages").Last(c => c.ResponseBody?.Contains(sent.MessageId, StringComparison.Ordinal) == true).Body!;
        using var json = JsonDocument.Parse(body);
        Assert.Equal(sent.Uuid, json.RootElement.GetProperty("uuid").GetString());
        Assert.Equal(fx.EngineeringChat.ChatId, json.RootElement.GetProperty("receive_id").GetString());
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("content").ValueKind);
    }

    internal static string? ContentString(string? content, string property)
    {
        using var json = JsonDocument.Parse(content!);
        return json.RootElement.GetProperty(property).GetString();
    }

    internal static int ContentInt(string? content, string property)
    {
        using var json = JsonDocument.Parse(content!);
        return json.RootElement.GetProperty(property).GetInt32();
    }
}
