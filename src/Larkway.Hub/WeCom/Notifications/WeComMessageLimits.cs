using Larkway.Hub.Notifications;
using System.Text;
using Larkway.Hub.DingTalk.Notifications;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>
/// WeCom's limits on the messages a rendered card becomes, from the app message document (发送应用消息, path/90236) and
/// its template card types (path/90372 for app messages; the same fields and words in path/101032). Where WeCom says
/// "建议不超过N个字" (recommended at most N characters) the client folds or cuts what is longer, so the Hub keeps to it
/// and reports the cut; where it says bytes (task_id, key, markdown, text) WeCom refuses what is longer. A "字" is a
/// Chinese character's width: a wide (CJK, full-width) character counts 1 and any other half (Decision: WeCom does not
/// say how it counts Latin text; by width "Open in ERP" is a button label, by characters it would be cut). Cuts never
/// split a text element.
/// </summary>
internal static class WeComMessageLimits
{
    /// <summary><c>main_title.title</c>: "一级标题，建议不超过36个字" (path/90372).</summary>
    public const int MainTitleChars = 36;

    /// <summary><c>main_title.title</c> in bytes, which the client library refuses beyond (128).</summary>
    public const int MainTitleBytes = 128;

    /// <summary><c>sub_title_text</c>: "二级普通文本，建议不超过160个字" (path/90372).</summary>
    public const int SubTitleChars = 160;

    /// <summary><c>button_list</c>: "按钮列表，列表长度不超过6" (path/90372, button_interaction).</summary>
    public const int MaxButtons = 6;

    /// <summary><c>button_list.text</c>: "按钮文案，建议不超过10个字" (path/90372).</summary>
    public const int ButtonTextChars = 10;

    /// <summary>
    /// <c>button_list.key</c>: "最长支持1024字节，不可重复" — returned as the click's <c>EventKey</c> (path/90372). Each
    /// key also starts with the button's place, so two buttons with the same action still differ.
    /// </summary>
    public const int ButtonKeyBytes = 1024;

    /// <summary><c>jump_list</c>: "列表长度不超过3" (path/90372).</summary>
    public const int MaxJumps = 3;

    /// <summary><c>jump_list.title</c>: "跳转链接样式的文案内容，建议不超过18个字" (path/90372).</summary>
    public const int JumpTitleChars = 18;

    /// <summary>
    /// <c>task_id</c>: "同一个应用任务id不能重复，只能由数字、字母和“_-@”组成，最长128字节" (path/90372). The Hub's is
    /// <c>{notification id}@{delivery id}@{version}</c>: unique per app, and it names the delivery a click belongs to.
    /// </summary>
    public const int TaskIdBytes = 128;

    /// <summary><c>markdown.content</c>: "markdown内容，最长不超过2048个字节，必须是utf8编码" (path/90236).</summary>
    public const int MarkdownBytes = 2048;

    /// <summary>The marker of a cut.</summary>
    public const string Ellipsis = DingTalkMessageLimits.Ellipsis;

    /// <summary>UTF-8 bytes, as WeCom counts them.</summary>
    public static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>The text's width in "字": 1 for each wide character, ½ for any other.</summary>
    public static double Width(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var width = 0.0;
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            width += ElementWidth(elements.GetTextElement());
        }

        return width;
    }

    /// <summary>The text cut to <paramref name="maxWidth"/> "字" with "…" (one 字) marking the cut; unchanged when it fits.</summary>
    public static string Shorten(string text, int maxWidth)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Width(text) <= maxWidth)
        {
            return text;
        }

        var end = 0;
        var width = 0.0;
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            width += ElementWidth(element);
            if (width > maxWidth - 1)
            {
                break;
            }

            end = elements.ElementIndex + element.Length;
        }

        return text[..end].TrimEnd() + Ellipsis;
    }

    /// <summary>Wide: CJK ideographs and symbols, kana, hangul, full-width forms, emoji (the blocks a CJK font draws full width).</summary>
    private static double ElementWidth(string element)
    {
        var rune = System.Text.Rune.GetRuneAt(element, 0).Value;
        var wide = rune is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1FAFF or >= 0x20000 and <= 0x3FFFD;
        return wide ? 1.0 : 0.5;
    }

    /// <summary>The longest start of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, ending between text elements.</summary>
    public static string PrefixBytes(string text, int maxBytes)
    {
        if (Bytes(text) <= maxBytes)
        {
            return text;
        }

        var end = 0;
        var bytes = 0;
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var size = Bytes(element);
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            end = elements.ElementIndex + element.Length;
        }

        return text[..end];
    }
}
