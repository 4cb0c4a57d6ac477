using Larkway.Channels.Masking;
using Larkway.Channels.Rendering;

namespace Larkway.Channels.Tests.Masking;

public sealed class PiiStreamMaskerTests
{
    public static TheoryData<string, string> Answers => new()
    {
        { "客户手机 15987654321，请回电。", "15987654321" },
        { "客户手机 159 8765 4321，请回电。", "159 8765 4321" },
        { "Call +86-159-8765-4321 today.", "159-8765-4321" },
        { "手机：１５９８７６５４３２１。", "１５９８７６５４３２１" },
        { "身份证 440305199001060234 已核验", "440305199001060234" },
        { "身份证 11010519491231002X。", "11010519491231002X" },
        { "卡号 6212261000012343\n户名张三", "6212261000012343" },
        { "卡号 6222 0212 3456 7890 128 已绑定", "6222 0212 3456 7890 128" },
        { "见 https://crm.example.com/c?phone=15987654321&tab=1 查看", "15987654321" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void A_value_cut_at_any_position_never_shows_in_any_update(string answer, string value)
    {
        var stream = Stream();
        var final = stream.Complete(answer);
        final.ShouldNotContain(value);
        for (var cut = 0; cut <= answer.Length; cut++)
        {
            // Two chunks cut at every position, and every prefix a delta-by-delta stream shows on the way.
            var shown = stream.Visible(answer[..cut]);
            shown.ShouldNotContain(value, customMessage: $"cut at {cut}");
            final.ShouldStartWith(shown, customMessage: $"cut at {cut}: an update must be the start of the final text");
        }
    }

    [Fact]
    public void A_trailing_number_is_held_back_until_what_follows_decides()
    {
        var stream = Stream();
        stream.Visible("客户手机 159876").ShouldBe("客户手机");
        stream.Visible("客户手机 15987654321").ShouldBe("客户手机");
        stream.Visible("客户手机 15987654321，").ShouldBe("客户手机 159****4321，");
        stream.Visible("金额 15987654321 元").ShouldBe("金额 15987654321 元");
    }

    [Fact]
    public void The_final_text_is_released_whole_and_masked()
    {
        var stream = Stream();
        stream.Visible("身份证 440305199001060234").ShouldBe("身份证");
        stream.Complete("身份证 440305199001060234").ShouldBe("身份证 4403**********0234");
        stream.Complete("卡号 6212261000077890").ShouldBe("卡号 ****7890");
    }

    [Fact]
    public void Text_without_numbers_is_shown_as_it_comes()
    {
        var stream = Stream();
        stream.Visible("您好，我来查一下").ShouldBe("您好，我来查一下");
        stream.Visible("Version 2 is out").ShouldBe("Version 2 is out");
    }

    [Fact]
    public void With_emails_masked_a_word_waiting_for_its_at_sign_is_held_back()
    {
        var masker = MaskingTestKit.Masker(o => o.ToPlatform = MaskingRuleSet.AllBuiltIn(MaskingMode.Display));
        var stream = new PiiStreamMasker(masker, MaskingDirection.ToPlatform);
        stream.Visible("Write to alice").ShouldBe("Write to ");
        stream.Visible("Write to alice@example.com now!").ShouldBe("Write to a***@example.com now!");
    }

    [Fact]
    public void With_masking_off_nothing_is_held_back()
    {
        var masker = MaskingTestKit.Masker(o => o.ToPlatform = MaskingRuleSet.Off());
        new PiiStreamMasker(masker, MaskingDirection.ToPlatform).Visible("手机 159876").ShouldBe("手机 159876");
    }

    [Fact]
    public void With_a_markdown_literal_only_the_inserted_stars_are_escaped_and_the_backends_markdown_stays()
    {
        var stream = new PiiStreamMasker(MaskingTestKit.Masker(), MaskingDirection.ToPlatform, MarkdownLiteral.MaskedValue);
        stream.Complete("**客户** 15987654321 *已核验*，卡号 6212261000077890")
            .ShouldBe("**客户** 159&#42;&#42;&#42;&#42;4321 *已核验*，卡号 &#42;&#42;&#42;&#42;7890");
        stream.Complete("`15987654321` 见代码").ShouldBe("`159****4321` 见代码", "inside a code span the stars are literal already");
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void With_a_markdown_literal_every_update_is_the_start_of_the_final_text_and_no_escape_is_cut(string answer, string value)
    {
        var stream = new PiiStreamMasker(MaskingTestKit.Masker(), MaskingDirection.ToPlatform, MarkdownLiteral.MaskedValue);
        var text = "**答复** " + answer + " 15987654321。";
        var final = stream.Complete(text);
        final.ShouldNotContain("*" + "*" + "*", customMessage: "no star of a display form goes unescaped");
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var shown = stream.Visible(text[..cut]);
            shown.ShouldNotContain(value, customMessage: $"cut at {cut}");
            final.ShouldStartWith(shown, customMessage: $"cut at {cut}: an update must be the start of the final text");
            var escape = shown.LastIndexOf("&#", StringComparison.Ordinal);
            (escape < 0 || shown.IndexOf(';', escape) > escape).ShouldBeTrue($"cut at {cut}: an update ends inside an escape: {shown}");
        }
    }

    private static PiiStreamMasker Stream() => new(MaskingTestKit.Masker(), MaskingDirection.ToPlatform);
}
