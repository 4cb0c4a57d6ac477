using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.WeCom.Messages;
using Larkway.WeCom.Robots;
using Larkway.WeCom.Tests.TestSupport;

namespace Larkway.WeCom.Tests.Robots;

/// <summary>The robot's messages against the official shapes and limits of tests/fixtures/vectors/wecom.json (group_robot_webhook).</summary>
public sealed class RobotMessageTests
{
    private static JsonNode Shape(string name) => JsonNode.Parse(WeComVectors.Robot.GetProperty("shapes_official").GetProperty(name).GetRawText())!;

    private static JsonNode Built(WeComRobotMessage message) => JsonNode.Parse(message.ToJson())!;

    [Fact]
    public void Text_with_mentions_is_the_official_shape()
    {
        var official = Shape("text");
        var text = official["text"]!;

        var built = WeComRobotMessage.Text(text["content"]!.GetValue<string>(), ["wangqing", "@all"], ["13800001111", "@all"]);

        JsonNode.DeepEquals(Built(built), official).ShouldBeTrue(Built(built).ToJsonString());
    }

    [Theory]
    [InlineData("markdown")]
    [InlineData("markdown_v2")]
    public void Markdown_is_the_official_shape(string type)
    {
        var official = Shape(type);
        var content = official[type]!["content"]!.GetValue<string>();

        var built = type == "markdown" ? WeComRobotMessage.Markdown(content) : WeComRobotMessage.MarkdownV2(content);

        JsonNode.DeepEquals(Built(built), official).ShouldBeTrue(Built(built).ToJsonString());
    }

    [Fact]
    public void News_file_voice_and_the_minimal_text_notice_are_the_official_shapes()
    {
        var news = Shape("news");
        var article = news["news"]!["articles"]![0]!;
        JsonNode.DeepEquals(Built(WeComRobotMessage.News(new WeComArticle(article["title"]!.GetValue<string>(), article["description"]!.GetValue<string>(), article["url"]!.GetValue<string>(), article["picurl"]!.GetValue<string>()))), news)
            .ShouldBeTrue();

        JsonNode.DeepEquals(Built(WeComRobotMessage.File("3a8asd892asd8asd")), Shape("file")).ShouldBeTrue();
        JsonNode.DeepEquals(Built(WeComRobotMessage.Voice("MEDIA_ID")), Shape("voice")).ShouldBeTrue();

        var card = Shape("template_card_text_notice_minimal");
        var title = card["template_card"]!["main_title"]!;
        var built = WeComRobotMessage.TemplateCard(WeComTemplateCard.TextNotice(
            new WeComCardTitle(title["title"]!.GetValue<string>(), title["desc"]!.GetValue<string>()),
            WeComCardAction.OpenUrl("https://work.weixin.qq.com/?from=openApi")));
        JsonNode.DeepEquals(Built(built), card).ShouldBeTrue(Built(built).ToJsonString());
    }

    [Fact]
    public void An_image_goes_as_base64_with_the_md5_of_its_bytes()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

        var json = Built(WeComRobotMessage.Image(png));

        json["msgtype"]!.GetValue<string>().ShouldBe("image");
        json["image"]!["base64"]!.GetValue<string>().ShouldBe(Convert.ToBase64String(png));
#pragma warning disable CA5351
        json["image"]!["md5"]!.GetValue<string>().ShouldBe(Convert.ToHexStringLower(MD5.HashData(png)));
#pragma warning restore CA5351
        ((JsonObject)json["image"]!).Select(p => p.Key).ShouldBe(((JsonObject)Shape("image")["image"]!).Select(p => p.Key));
    }

    [Fact]
    public void An_image_over_2_mb_or_not_jpg_or_png_is_refused_before_sending()
    {
        var big = new byte[WeComRobotMessage.MaxImageBytes + 1];
        big[0] = 0xFF;
        big[1] = 0xD8;
        big[2] = 0xFF;
        Should.Throw<WeComApiException>(() => WeComRobotMessage.Image(big)).Message.ShouldContain("2 MB");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.Image("GIF89a..."u8)).Message.ShouldContain("JPG or PNG");
        WeComRobotMessage.Image(big.AsSpan(0, WeComRobotMessage.MaxImageBytes)).MsgType.ShouldBe("image");
    }

    [Fact]
    public void The_documented_byte_limits_hold_at_the_boundary()
    {
        // text.content <= 2048 bytes; markdown and markdown_v2 <= 4096 bytes (the vectors' field_limits_official).
        var limits = WeComVectors.Robot.GetProperty("field_limits_official");
        limits.Str("text.content").ShouldContain("2048");
        limits.Str("markdown.content").ShouldContain("4096");

        WeComRobotMessage.Text(new string('a', 2048)).MsgType.ShouldBe("text");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.Text(new string('a', 2049))).Code.ShouldBe(WeComErrorCodes.InvalidRequest);
        // 683 Chinese characters are 2,049 bytes.
        Should.Throw<WeComApiException>(() => WeComRobotMessage.Text(new string('中', 683))).Message.ShouldContain("2049 bytes");
        WeComRobotMessage.Markdown(new string('a', 4096)).MsgType.ShouldBe("markdown");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.Markdown(new string('a', 4097)));
        Should.Throw<WeComApiException>(() => WeComRobotMessage.MarkdownV2(new string('a', 4097)));
    }

    [Fact]
    public void News_holds_one_to_eight_articles_with_titles_of_at_most_128_bytes()
    {
        var article = new WeComArticle("t", Url: "https://example.com");
        WeComRobotMessage.News([.. Enumerable.Repeat(article, 8)]).MsgType.ShouldBe("news");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.News([.. Enumerable.Repeat(article, 9)])).Message.ShouldContain("1 to 8");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.News([]));
        Should.Throw<WeComApiException>(() => WeComRobotMessage.News(article with { Title = new string('x', 129) })).Message.ShouldContain("128");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.News(new WeComArticle("no url"))).Message.ShouldContain("url");
    }

    [Fact]
    public void The_robot_refuses_interaction_cards_it_cannot_send()
    {
        var card = WeComTemplateCard.ButtonInteraction("task-1", new WeComCardTitle("Approve?"), new WeComCardButton("Yes", "yes"));

        Should.Throw<WeComApiException>(() => WeComRobotMessage.TemplateCard(card)).Message.ShouldContain("text_notice, news_notice");
    }

    [Fact]
    public void A_news_notice_needs_its_image_and_a_text_notice_its_action()
    {
        Should.Throw<WeComApiException>(() => WeComRobotMessage.TemplateCard(new WeComTemplateCard { CardType = "text_notice", MainTitle = new("t") }))
            .Message.ShouldContain("card_action");
        Should.Throw<WeComApiException>(() => WeComRobotMessage.TemplateCard(new WeComTemplateCard { CardType = "news_notice", MainTitle = new("t"), CardAction = WeComCardAction.OpenUrl("https://x") }))
            .Message.ShouldContain("card_image");
    }

    [Fact]
    public void Uploads_are_checked_against_the_documented_sizes()
    {
        WeComVectors.Robot.GetProperty("field_limits_official").Str("upload").ShouldContain("20 MB");
        Should.Throw<WeComApiException>(() => Larkway.WeCom.Media.WeComMediaClient.CheckSize(Larkway.WeCom.Media.WeComMediaType.File, 20L * 1024 * 1024 + 1, "big.zip")).Message.ShouldContain("20 MB");
        Should.Throw<WeComApiException>(() => Larkway.WeCom.Media.WeComMediaClient.CheckSize(Larkway.WeCom.Media.WeComMediaType.Voice, 2L * 1024 * 1024 + 1, "a.amr")).Message.ShouldContain("2 MB");
        Should.Throw<WeComApiException>(() => Larkway.WeCom.Media.WeComMediaClient.CheckSize(Larkway.WeCom.Media.WeComMediaType.File, 5, "tiny.txt")).Message.ShouldContain("more than 5 bytes");
        Larkway.WeCom.Media.WeComMediaClient.CheckSize(Larkway.WeCom.Media.WeComMediaType.File, 20L * 1024 * 1024, "ok.zip");
        Encoding.UTF8.GetByteCount("ok").ShouldBe(2);
    }
}
