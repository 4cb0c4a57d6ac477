using System.Text;
using Larkway.Channels.Rendering;

namespace Larkway.Channels.Tests.Rendering;

public class TextSplitterTests
{
    [Fact]
    public void Text_within_the_limit_is_one_part()
    {
        var parts = TextSplitter.Split("hello\n\nworld", 64, TextMeasure.Utf8Bytes);

        parts.Count.ShouldBe(1);
        parts[0].Text.ShouldBe("hello\n\nworld");
    }

    [Fact]
    public void A_character_reference_is_never_cut()
    {
        // A masked value's star goes as "&#42;"; cut inside it, neither part would show the star.
        var text = new string('a', 38) + "&#42;" + new string('b', 30);

        var parts = TextSplitter.Split(text, 40, TextMeasure.Utf16);

        parts[0].Body.ShouldBe(new string('a', 38));
        parts[1].Body.ShouldStartWith("&#42;");
        string.Concat(parts.Select(p => p.Body)).ShouldBe(text);
    }

    [Fact]
    public void A_paragraph_break_is_preferred_to_a_line_break_or_a_space()
    {
        var first = string.Join(' ', Enumerable.Repeat("word", 10)); // 49 chars
        var text = first + "\n\n" + "second paragraph\nwith lines and more words to push it past the limit";

        var parts = TextSplitter.Split(text, 80, TextMeasure.Utf16);

        parts[0].Text.ShouldBe(first + "\n\n");
        string.Concat(parts.Select(p => p.Body)).ShouldBe(text);
    }

    [Fact]
    public void A_line_break_is_preferred_to_a_space_when_no_paragraph_break_fits()
    {
        var text = "alpha beta gamma delta epsilon\nzeta eta theta iota kappa lambda mu nu xi omicron pi rho";

        var parts = TextSplitter.Split(text, 60, TextMeasure.Utf16);

        parts[0].Text.ShouldBe("alpha beta gamma delta epsilon\n");
    }

    [Fact]
    public void A_code_block_cut_in_two_is_closed_and_reopened_with_its_language()
    {
        var code = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"var x{i} = {i};"));
        var text = "Intro\n\n```csharp\n" + code + "\n```\nAfter";

        var parts = TextSplitter.Split(text, 200, TextMeasure.Utf8Bytes);

        parts.Count.ShouldBeGreaterThan(2);
        parts[0].Suffix.ShouldBe("```");
        parts[1].Prefix.ShouldBe("```csharp\n");
        parts[1].Text.ShouldStartWith("```csharp\nvar x");
        foreach (var part in parts)
        {
            FencesBalanced(part.Text).ShouldBeTrue(part.Text);
            Encoding.UTF8.GetByteCount(part.Text).ShouldBeLessThanOrEqualTo(200);
        }

        string.Concat(parts.Select(p => p.Body)).ShouldBe(text);
    }

    [Fact]
    public void A_code_block_that_fits_whole_is_not_cut_when_a_boundary_before_it_keeps_the_part_half_full()
    {
        var prose = string.Join(' ', Enumerable.Repeat("prose", 12)) + "\n\n";
        var block = "```js\nconsole.log(1);\nconsole.log(2);\n```\n";
        var text = prose + block + "tail";

        var parts = TextSplitter.Split(text, prose.Length + 20, TextMeasure.Utf16);

        parts[0].Text.ShouldBe(prose);
        parts[1].Text.ShouldStartWith("```js\nconsole.log(1);");
        parts.ShouldAllBe(p => p.Prefix == "" || p.Prefix.StartsWith("```js"));
    }

    [Fact]
    public void A_fence_line_too_long_to_repeat_is_reopened_with_its_marker_only()
    {
        var text = "```" + new string('l', 60) + "\n" + string.Join('\n', Enumerable.Range(0, 40).Select(i => $"line {i}")) + "\n```\n";

        var parts = TextSplitter.Split(text, 120, TextMeasure.Utf16);

        parts.Skip(1).ShouldAllBe(p => p.Prefix == "```\n");
        parts.ShouldAllBe(p => p.Text.Length <= 120 && FencesBalanced(p.Text));
        string.Concat(parts.Select(p => p.Body)).ShouldBe(text);
    }

    [Fact]
    public void A_surrogate_pair_is_never_cut()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 100)); // no spaces, no lines: only character boundaries

        foreach (var limit in new[] { 33, 34, 35, 61 })
        {
            var parts = TextSplitter.Split(text, limit, TextMeasure.Utf8Bytes);
            foreach (var part in parts)
            {
                char.IsLowSurrogate(part.Body[0]).ShouldBeFalse();
                char.IsHighSurrogate(part.Body[^1]).ShouldBeFalse();
                Encoding.UTF8.GetByteCount(part.Text).ShouldBeLessThanOrEqualTo(limit);
            }

            string.Concat(parts.Select(p => p.Body)).ShouldBe(text);
        }
    }

    [Fact]
    public void A_crlf_line_break_is_never_cut_between_its_two_characters()
    {
        var text = string.Concat(Enumerable.Repeat("abcdefghij\r\n", 20));

        var parts = TextSplitter.Split(text, 37, TextMeasure.Utf16);

        parts.ShouldAllBe(p => !p.Body.StartsWith('\n'));
        string.Concat(parts.Select(p => p.Body)).ShouldBe(text);
    }

    [Fact]
    public void A_limit_below_the_minimum_is_refused_with_the_minimum_named()
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => TextSplitter.Split("abc", 10, TextMeasure.Utf16));
        ex.Message.ShouldContain(TextSplitter.MinimumLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Json_measures_count_escapes_as_the_serializers_write_them()
    {
        TextMeasurer.Measure("a\"b\n", TextMeasure.JsonRelaxedUtf8Bytes).ShouldBe(6);
        TextMeasurer.Measure("中", TextMeasure.JsonRelaxedUtf8Bytes).ShouldBe(3);
        TextMeasurer.Measure("中", TextMeasure.JsonEscapedBytes).ShouldBe(6);
        TextMeasurer.Measure("😀", TextMeasure.JsonEscapedBytes).ShouldBe(12);
        TextMeasurer.Measure("<", TextMeasure.JsonEscapedBytes).ShouldBe(6);
        TextMeasurer.Measure("😀", TextMeasure.Utf8Bytes).ShouldBe(4);
        TextMeasurer.Measure("😀", TextMeasure.Utf16).ShouldBe(2);
    }

    [Theory]
    [InlineData(TextMeasure.Utf16)]
    [InlineData(TextMeasure.Utf8Bytes)]
    [InlineData(TextMeasure.JsonRelaxedUtf8Bytes)]
    [InlineData(TextMeasure.JsonEscapedBytes)]
    public void Random_texts_split_into_parts_that_rebuild_the_text_fit_the_limit_and_balance_their_fences(TextMeasure measure)
    {
        var split = 0;
        var reopened = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed * 31 + (int)measure);
            var text = RandomText(random);
            var limit = random.Next(TextSplitter.MinimumLimit + 32, 600);

            var parts = TextSplitter.Split(text, limit, measure);

            var context = $"seed {seed}, limit {limit}";
            split += parts.Count > 1 ? 1 : 0;
            reopened += parts.Count(p => p.Prefix.Length > 0);
            string.Concat(parts.Select(p => p.Body)).ShouldBe(text, context);
            foreach (var part in parts)
            {
                part.Body.ShouldNotBeEmpty(context);
                part.Text.ShouldBe(part.Prefix + part.Body + part.Suffix, context);
                TextMeasurer.Measure(part.Text, measure).ShouldBeLessThanOrEqualTo(limit, context);
                char.IsLowSurrogate(part.Body[0]).ShouldBeFalse(context);
                char.IsHighSurrogate(part.Body[^1]).ShouldBeFalse(context);
                FencesBalanced(part.Text).ShouldBeTrue($"{context}: {part.Text}");
            }
        }

        // The inputs exercised what they are meant to: most texts split, and many cut a code block in two.
        split.ShouldBeGreaterThan(200);
        reopened.ShouldBeGreaterThan(50);
    }

    /// <summary>Words, CJK, emoji, line and paragraph breaks, CRLF, long unbroken runs and fenced code blocks (``` and ~~~~, with languages).</summary>
    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        var pieces = random.Next(5, 120);
        for (var i = 0; i < pieces; i++)
        {
            switch (random.Next(12))
            {
                case 0:
                    text.Append("\n\n");
                    break;
                case 1:
                    text.Append('\n');
                    break;
                case 2:
                    text.Append("\r\n");
                    break;
                case 3:
                    text.Append("你好世界，这是一个测试。");
                    break;
                case 4:
                    text.Append("😀👍🏽");
                    break;
                case 5:
                    text.Append(new string('x', random.Next(50, 400)));
                    break;
                case 6:
                    text.Append("\"quoted\" <tag> & back\\slash ");
                    break;
                case 7:
                    if (text.Length > 0 && text[^1] != '\n')
                    {
                        text.Append('\n');
                    }

                    var tilde = random.Next(3) == 0;
                    var fence = tilde ? "~~~~" : "```";
                    text.Append(fence).Append(random.Next(2) == 0 ? "python" : "").Append('\n');
                    var lines = random.Next(0, 25);
                    for (var l = 0; l < lines; l++)
                    {
                        text.Append(tilde && l == 1 ? "```not a close" : $"print({l} * \"中文\")  # 😀").Append('\n');
                    }

                    text.Append(fence).Append('\n');
                    break;
                default:
                    text.Append("lorem ipsum dolor sit amet ");
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>An independent check: every fence opened (``` or ~~~, 3 or more) is closed by a line of the same character, at least as long.</summary>
    internal static bool FencesBalanced(string text)
    {
        char? marker = null;
        var length = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var run = line.Length - line.TrimStart(line.Length > 0 ? line[0] : ' ').Length;
            if (marker is null)
            {
                if (line.Length >= 3 && line[0] is '`' or '~' && run >= 3 && !(line[0] == '`' && line[run..].Contains('`')))
                {
                    marker = line[0];
                    length = run;
                }
            }
            else if (line.Length > 0 && line[0] == marker && run >= length && line[run..].Trim().Length == 0)
            {
                marker = null;
            }
        }

        return marker is null;
    }
}
