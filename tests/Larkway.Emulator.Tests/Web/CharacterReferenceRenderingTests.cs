using Larkway.Emulator.DingTalk.Web;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.WeCom.State;
using Larkway.Emulator.WeCom.Web;
using Larkway.Emulator.Web;

namespace Larkway.Emulator.Tests.Web;

/// <summary>
/// HTML character references in markdown, as the clients show them: <c>&amp;#42;</c> is a star that is never read as
/// emphasis (Feishu's card markdown documents these escapes; DingTalk's and WeCom's markdown show them the same way),
/// and inside code a reference shows as written. A masked value <c>159&amp;#42;&amp;#42;&amp;#42;&amp;#42;4321</c> shows
/// as <c>159****4321</c>, where bare stars turn into bold or italic marks.
/// </summary>
public sealed class CharacterReferenceRenderingTests
{
    private const string Escaped = "电话 159&#42;&#42;&#42;&#42;4321，身份证 4403&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;0234，卡号 &#42;&#42;&#42;&#42;7890 **已核验**";
    private const string Shown = "电话 159****4321，身份证 4403**********0234，卡号 ****7890 <strong>已核验</strong>";

    public static TheoryData<string> Platforms => ["feishu", "dingtalk", "wecom"];

    [Theory]
    [MemberData(nameof(Platforms))]
    public void A_reference_shows_as_its_character_and_never_as_markdown(string platform)
    {
        var html = Render(platform, Escaped);
        Assert.Contains(Shown, html, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;#42;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<em>", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Bare_stars_of_masked_values_are_read_as_markdown(string platform)
    {
        // What the platforms make of the display forms unescaped: the reason the Hub escapes them.
        var html = Render(platform, "电话 159****4321，卡号 ****7890");
        Assert.DoesNotContain("159****4321，卡号 ****7890", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void In_code_a_reference_shows_as_written(string platform) =>
        Assert.Contains("见 <code>&amp;#42;</code> 和 *", Render(platform, "见 `&#42;` 和 &#42;"), StringComparison.Ordinal);

    private static string Render(string platform, string markdown) => platform switch
    {
        "feishu" => Html.Markdown(markdown),
        "dingtalk" => RobotMessageHtml.Markdown(markdown),
        _ => WeComMessageHtml.Markdown(markdown, new WeComOrg(new EmulatorOptions())),
    };
}
