using System.Text.RegularExpressions;
using Larkway.Channels.Masking;
using Larkway.Channels.Rendering;

namespace Larkway.Channels.Tests.Masking;

/// <summary>
/// A phone, a resident id and a bank card are masked wherever they are in a link — host, user name, path, query,
/// fragment, a markdown link's text — and where that breaks the link, people are shown it masked and not clickable:
/// defanged (<c>https[:]//crm[.]example[.]com/…</c>), so that no platform's markdown or linkifier makes a link of it.
/// </summary>
public sealed partial class LinkMaskingTests
{
    private const string Phone = "13812345678";
    private const string ResidentId = "440305199001060234";
    private const string Card = "6212261000077890";

    public static TheoryData<string, string> InLinks => new()
    {
        { $"见 https://crm.example.com/u/{Phone} 详情", "见 https[:]//crm[.]example[.]com/u/138****5678 详情" },
        { $"见 https://crm.example.com/p/{ResidentId}/edit。", "见 https[:]//crm[.]example[.]com/p/4403**********0234/edit。" },
        { $"见 https://pay.example.com/c?card={Card}&from=chat", "见 https[:]//pay[.]example[.]com/c?card=****7890&from=chat" },
        { $"见 https://crm.example.com/c#{Phone}", "见 https[:]//crm[.]example[.]com/c#138****5678" },
        { $"见 https://{Phone}@crm.example.com/", "见 https[:]//138****5678@crm[.]example[.]com/" },
        { $"见 http://{Phone}.example.com/a", "见 http[:]//138****5678[.]example[.]com/a" },
        { $"见 www.example.com/u/{Phone}，请查收", "见 www[.]example[.]com/u/138****5678，请查收" },
        { $"打开 [客户页](https://crm.example.com/u/{Phone}) 查看", "打开 [客户页] (https[:]//crm[.]example[.]com/u/138****5678) 查看" },
        { $"附件 ![扫描件](https://files.example.com/id/{ResidentId}.png)", "附件 ![扫描件] (https[:]//files[.]example[.]com/id/4403**********0234[.]png)" },
        { $"见 <https://crm.example.com/u/{Phone}>。", "见 https[:]//crm[.]example[.]com/u/138****5678。" },
        { $"(see https://crm.example.com/u/{Phone}).", "(see https[:]//crm[.]example[.]com/u/138****5678)." },
        { $"见 https://crm.example.com/u/{Phone}/x_y", "见 https[:]//crm[.]example[.]com/u/138****5678/x_y" },
    };

    [Theory]
    [MemberData(nameof(InLinks))]
    public void Toward_a_platform_a_value_in_a_link_is_masked_and_the_link_is_shown_masked_and_not_clickable(string text, string shown)
    {
        var masked = Masker().Mask(text, MaskingDirection.ToPlatform, MarkdownLiteral.MaskedValue).Text;

        masked.ShouldBe(Literal(shown));
        ShouldHoldNoValue(masked);
        ShouldLinkNothing(masked);
    }

    [Fact]
    public void In_storage_a_masked_link_is_not_clickable_either_and_toward_the_backend_it_keeps_its_shape()
    {
        var text = $"见 https://crm.example.com/u/{Phone}?id={ResidentId}#{Card}";
        var masker = Masker();

        masker.Mask(text, MaskingDirection.ToStorage).Text.ShouldBe("见 https[:]//crm[.]example[.]com/u/138****5678?id=4403**********0234#****7890");
        masker.Mask(text, MaskingDirection.ToBackend).Text.ShouldBe("见 https://crm.example.com/u/[PHONE_1]?id=[ID_1]#[CARD_1]");
    }

    [Fact]
    public void A_value_in_a_links_text_is_masked_and_a_link_masking_did_not_touch_stays_a_link()
    {
        var masked = Masker().Mask($"致电 [{Phone}](https://crm.example.com/c/42) 或看 https://example.com/faq", MaskingDirection.ToPlatform, MarkdownLiteral.MaskedValue).Text;

        masked.ShouldBe("致电 [138&#42;&#42;&#42;&#42;5678](https://crm.example.com/c/42) 或看 https://example.com/faq");
    }

    public static TheoryData<string, string> StreamedLinks => new()
    {
        { $"客户页 https://crm.example.com/u/{Phone} 请查看，电话 {Phone}。", Phone },
        { $"打开 [客户 {Phone} 的页面](https://crm.example.com/u/{Phone}?card={Card}) 查看", Card },
        { $"身份证页 <https://gov.example.cn/check/{ResidentId}> 已核验", ResidentId },
        { $"See https://crm.example.com/u/{Phone}. Then www.example.com/c/{Card}!", Card },
    };

    [Theory]
    [MemberData(nameof(StreamedLinks))]
    public void A_streamed_link_never_shows_a_value_nor_a_clickable_start_the_final_text_takes_back(string answer, string value)
    {
        var stream = new PiiStreamMasker(Masker(), MaskingDirection.ToPlatform, MarkdownLiteral.MaskedValue);
        var final = stream.Complete(answer);
        ShouldLinkNothing(final);
        for (var cut = 0; cut <= answer.Length; cut++)
        {
            var shown = stream.Visible(answer[..cut]);
            shown.ShouldNotContain(value, customMessage: $"cut at {cut}");
            shown.ShouldNotContain(Phone, customMessage: $"cut at {cut}");
            final.ShouldStartWith(shown, customMessage: $"cut at {cut}: an update must be the start of the final text");
        }
    }

    [Fact]
    public void A_link_is_held_back_from_its_first_character_inert_writing_changes_until_it_ends()
    {
        var stream = new PiiStreamMasker(Masker(), MaskingDirection.ToPlatform, MarkdownLiteral.MaskedValue);

        stream.Visible("见 https").ShouldBe("见 https", "a scheme's letters are shown: writing it inert keeps them");
        stream.Visible("见 https://crm.example.com/u/1381234").ShouldBe("见 https");
        stream.Visible($"见 https://crm.example.com/u/{Phone} ").ShouldBe("见 https", "a number followed by a space may still grow");
        stream.Visible($"见 https://crm.example.com/u/{Phone} 详").ShouldBe(Literal("见 https[:]//crm[.]example[.]com/u/138****5678 详"));
        stream.Visible("Version 2 is out").ShouldBe("Version 2 is out", "a word shows as it comes");
    }

    /// <summary><paramref name="text"/> as MarkdownLiteral writes what the masker inserts: stars and brackets as references.</summary>
    private static string Literal(string text)
    {
        // Only the inserted link is escaped; a markdown link's own "[text]" and "![" stay markdown.
        var at = text.IndexOf("http", StringComparison.Ordinal) is var h and >= 0 ? h : text.IndexOf("www", StringComparison.Ordinal);
        var inserted = text[at..].Replace("*", "&#42;", StringComparison.Ordinal).Replace("[", "&#91;", StringComparison.Ordinal)
            .Replace("]", "&#93;", StringComparison.Ordinal).Replace("_", "&#95;", StringComparison.Ordinal);
        return text[..at] + inserted;
    }

    private static void ShouldHoldNoValue(string shown)
    {
        foreach (var value in new[] { Phone, ResidentId, Card })
        {
            shown.ShouldNotContain(value);
        }
    }

    /// <summary>
    /// What the platforms' markdown and linkifiers make a link of, after they decode character references: a markdown
    /// link <c>](…)</c>, an autolink <c>&lt;…&gt;</c>, a scheme's <c>://</c>, <c>www.</c>, or a dotted host name.
    /// </summary>
    private static void ShouldLinkNothing(string shown)
    {
        var decoded = Reference().Replace(shown, m => ((char)int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToString());
        decoded.ShouldNotContain("](");
        decoded.ShouldNotContain("://");
        decoded.ShouldNotContain("www.", Case.Insensitive);
        decoded.ShouldNotContain("<http", Case.Insensitive);
        HostName().IsMatch(decoded).ShouldBeFalse($"a host name a linkifier would find: {decoded}");
    }

    private static PiiMasker Masker() => MaskingTestKit.Masker();

    [GeneratedRegex("&#([0-9]+);")]
    private static partial Regex Reference();

    [GeneratedRegex("[A-Za-z0-9-]+\\.(com|cn|net|org|png)\\b")]
    private static partial Regex HostName();
}
