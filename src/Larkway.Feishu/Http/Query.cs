using System.Globalization;
using System.Text;

namespace Larkway.Feishu.Http;

/// <summary>Builds <c>path?a=1&amp;b=2</c> with escaped values; null values are left out.</summary>
internal sealed class Query(string path)
{
    private readonly StringBuilder _text = new(path);
    private bool _first = true;

    public Query Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(_first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _first = false;
        return this;
    }

    /// <summary>One <c>name=value</c> per value: Feishu's form for a list in the query (<c>user_ids=a&amp;user_ids=b</c>).</summary>
    public Query AddEach(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Add(name, value);
        }

        return this;
    }

    public Query Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public Query Add(string name, long? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public Query Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public override string ToString() => _text.ToString();

    /// <summary>One escaped path segment (ids never contain slashes, but a typo might).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
