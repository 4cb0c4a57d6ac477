using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Larkway.Emulator.Web;

/// <summary>
/// HTML character references in the markdown a platform renders (<c>&amp;#42;</c>, <c>&amp;#x2A;</c>, <c>&amp;nbsp;</c>):
/// the clients show each as its character, and never read that character as markdown — Feishu's card markdown documents
/// them as its escapes (<c>&amp;#42;</c> for a literal <c>*</c>), and DingTalk's and WeCom's markdown show them the same
/// way. Inside code they are left as written. Each reference is set aside as one private-use character before the
/// markdown patterns run, so no pattern sees the character it stands for, and put back, encoded, afterwards.
/// </summary>
internal sealed partial class CharacterReferences
{
    private const char First = '\uE000';
    private const char Last = '\uF8FF';

    private readonly List<(string Raw, string Decoded)> _set = [];

    private CharacterReferences()
    {
    }

    /// <summary>The text with its references (and any private-use character it held) set aside.</summary>
    public string Text { get; private set; } = "";

    /// <summary>Sets the references of <paramref name="markdown"/> aside.</summary>
    public static CharacterReferences Protect(string? markdown)
    {
        var references = new CharacterReferences();
        references.Text = Reference().Replace(markdown ?? string.Empty, m =>
        {
            if (references._set.Count > Last - First)
            {
                return m.Value;
            }

            var decoded = m.Value.Length == 1 ? m.Value : WebUtility.HtmlDecode(m.Value);
            references._set.Add((m.Value, decoded));
            return ((char)(First + references._set.Count - 1)).ToString();
        });
        return references;
    }

    /// <summary>The HTML with every reference set aside shown as its character (encoded).</summary>
    public string Restore(string html) => Replace(html, decoded: true);

    /// <summary>The HTML of code with every reference set aside shown as written (encoded): code shows references literally.</summary>
    public string AsWritten(string html) => Replace(html, decoded: false);

    private string Replace(string html, bool decoded)
    {
        if (_set.Count == 0)
        {
            return html;
        }

        var result = new StringBuilder(html.Length);
        foreach (var c in html)
        {
            var index = c - First;
            if (c is >= First and <= Last && index < _set.Count)
            {
                result.Append(Html.Encode(decoded ? _set[index].Decoded : _set[index].Raw));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    // A decimal, hexadecimal or named reference; or a private-use character the text already held (set aside as itself).
    [GeneratedRegex(@"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|[\uE000-\uF8FF]")]
    private static partial Regex Reference();
}
