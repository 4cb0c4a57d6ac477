using Larkway.Hub.Notifications.Cards;
using Larkway.Hub.DingTalk.Notifications;

namespace Larkway.Hub.Tests.DingTalk.Notifications;

/// <summary>Feishu text becomes DingTalk's markdown subset, and no text becomes a link DingTalk would open unless it is http(s).</summary>
public sealed class LarkMarkdownTests
{
    private static (string Markdown, string Plain, List<CardFallback> Fallbacks) Convert(string text)
    {
        var fallbacks = new List<CardFallback>();
        var (markdown, plain) = LarkMarkdown.Convert(text, "$.t", fallbacks, CardContent.DingTalk, DingTalkCardLinks.Schemes);
        return (markdown, plain, fallbacks);
    }

    [Theory]
    [InlineData("**bold** *it*", "**bold** *it*", "bold *it*")]
    [InlineData("<font color='red'>red</font> text", "red text", "red text")]
    [InlineData("<text_tag color='blue'>tag</text_tag>", "tag", "tag")]
    [InlineData("a<br>b", "a  \nb", "a\nb")]
    [InlineData("[site](https://x.example.com)", "[site](https://x.example.com)", "site (https://x.example.com)")]
    [InlineData("<https://x.example.com>", "[https://x.example.com](https://x.example.com)", "https://x.example.com")]
    [InlineData("[app](dingtalk://dingtalkclient/page/link?url=x)", "[app](dingtalk://dingtalkclient/page/link?url=x)", "app (dingtalk://dingtalkclient/page/link?url=x)")]
    [InlineData("| a | b |\n|---|---|\n| 1 | 2 |", "a · b  \n1 · 2", "a · b\n1 · 2")]
    [InlineData("```\ncode\n```", "code", "code")]
    [InlineData("## Head", "## Head", "Head")]
    public void Feishu_text_becomes_dingtalks_subset(string text, string markdown, string plain)
    {
        var converted = Convert(text);

        converted.Markdown.ShouldBe(markdown);
        converted.Plain.ShouldBe(plain);
    }

    [Fact]
    public void A_scheme_only_the_channels_room_names_survives_and_only_for_that_channel()
    {
        const string Text = "[app](dingtalk://dingtalkclient/page/link?url=x)";
        Convert(Text).Markdown.ShouldBe(Text);

        // WeCom's conversion is not given DingTalk's schemes: the link keeps its text, as any other non-web link.
        var fallbacks = new List<CardFallback>();
        LarkMarkdown.Convert(Text, "$.t", fallbacks, CardContent.WeCom).Markdown.ShouldBe("app");
        fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(CardFallbackKind.UnsafeLinkRemoved);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JavaScript:alert%281%29)")]
    [InlineData("[click](  javascript:alert`1`)")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[click](vbscript:msgbox)")]
    [InlineData("[click](&#106;avascript:alert)")]
    [InlineData("[a [nested] b](javascript:alert)")]
    [InlineData("[x][1]\n[1]: javascript:alert")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("![x](img_v2_key)(javascript:alert)")]
    [InlineData("[click](javascript:alert(1)")]
    public void No_link_but_http_survives(string hostile)
    {
        var (markdown, _, _) = Convert(hostile);

        // A link in DingTalk's markdown is "](" or "]:" — every one left must be followed by a web address.
        var at = 0;
        while ((at = markdown.IndexOf(']', at)) >= 0)
        {
            var rest = markdown[(at + 1)..];
            if (rest.StartsWith('(') || rest.StartsWith(':') || rest.StartsWith('['))
            {
                rest.ShouldStartWith("(http", Case.Insensitive);
            }

            at++;
        }

        markdown.ShouldNotContain("<a", Case.Insensitive);
    }

    [Fact]
    public void An_unsafe_link_keeps_its_text_and_is_reported()
    {
        var (markdown, plain, fallbacks) = Convert("see [the doc](javascript:alert(1)) now");

        markdown.ShouldNotContain("javascript:alert(1))");
        plain.ShouldContain("see the doc");
        fallbacks.ShouldHaveSingleItem().Kind.ShouldBe(CardFallbackKind.UnsafeLinkRemoved);
    }

    [Fact]
    public void A_rule_is_a_separator_with_blank_lines_so_it_never_makes_a_heading() =>
        Convert("text\n---\nmore").Markdown.ShouldBe("text\n\n---\n\nmore");

    [Fact]
    public void Hostile_shapes_take_linear_time()
    {
        var text = string.Concat(Enumerable.Repeat("[[[((<at <font ", 2000)) + new string(']', 5000);

        var (markdown, _, _) = Convert(text);

        markdown.Length.ShouldBeGreaterThan(0);
    }
}
