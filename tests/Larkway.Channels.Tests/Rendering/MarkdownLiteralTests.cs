using Larkway.Channels.Rendering;

namespace Larkway.Channels.Tests.Rendering;

public sealed class MarkdownLiteralTests
{
    [Theory]
    [InlineData("159****4321", "159&#42;&#42;&#42;&#42;4321")]
    [InlineData("4403**********0234", "4403&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;0234")]
    [InlineData("****7890", "&#42;&#42;&#42;&#42;7890")]
    [InlineData("[PHONE_1]", "&#91;PHONE&#95;1&#93;")]
    [InlineData("+86-159****4321", "+86-159&#42;&#42;&#42;&#42;4321")]
    [InlineData("a***@example-corp.com", "a&#42;&#42;&#42;@example-corp.com")]
    [InlineData("15987654321", "15987654321")]
    public void What_the_masker_inserts_becomes_character_references_and_what_the_value_kept_stays(string replacement, string literal) =>
        MarkdownLiteral.MaskedValue(replacement, "电话 ").ShouldBe(literal);

    [Theory]
    [InlineData("客户 ", false)]
    [InlineData("**客户** ", false)]
    [InlineData("见 `", true)]
    [InlineData("见 `a` 和 ", false)]
    [InlineData("见 ``a`b` ", true)]
    [InlineData("见 \\`", false)]
    [InlineData("```\nselect ", true)]
    [InlineData("```sql\nselect 1\n```\n电话 ", false)]
    [InlineData("~~~~\n```\n", true)]
    [InlineData("`a`\n", false)]
    public void Code_is_told_from_the_text_before_a_position(string before, bool inCode) =>
        MarkdownLiteral.EndsInCode(before).ShouldBe(inCode);

    [Fact]
    public void Inside_code_a_replacement_is_left_as_written()
    {
        MarkdownLiteral.MaskedValue("159****4321", "```\n").ShouldBe("159****4321");
        MarkdownLiteral.MaskedValue("159****4321", "见 `").ShouldBe("159****4321");
    }
}
