using System.Globalization;
using System.Text;

namespace Larkway.Channels.Masking;

/// <summary>
/// The placeholders of one conversation turn and the values they stand for: the same value (however it was written) gets
/// the same placeholder (<c>[PHONE_1]</c>, <c>[ID_1]</c>, <c>[CARD_1]</c>, <c>[EMAIL_1]</c>) across every text of the turn
/// masked with this map, and only these placeholders are restored in the answer. It holds the values themselves: keep it in
/// memory for the turn and never store or log it. Not thread-safe: one turn, one map.
/// </summary>
public sealed class PlaceholderMap
{
    private readonly Dictionary<(string Label, string Normalized), string> _byValue = [];
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _placeholders = [];
    private readonly Dictionary<string, int> _lastNumbers;

    /// <summary>A map for a first turn: numbering starts at 1 for every kind.</summary>
    public PlaceholderMap()
        : this(null)
    {
    }

    /// <summary>
    /// A map whose numbering continues after <paramref name="lastNumbers"/> (a previous turn's <see cref="LastNumbers"/>), so
    /// that a backend that remembers the conversation never sees one placeholder stand for two values. The previous turn's
    /// values are not carried over and are not restored.
    /// </summary>
    /// <param name="lastNumbers">The last number used per label, e.g. <c>PHONE → 2</c>; null to start at 1.</param>
    public PlaceholderMap(IReadOnlyDictionary<string, int>? lastNumbers)
    {
        _lastNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        if (lastNumbers is not null)
        {
            foreach (var (label, number) in lastNumbers)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(number, nameof(lastNumbers));
                _lastNumbers[label] = number;
            }
        }
    }

    /// <summary>The number of placeholders.</summary>
    public int Count => _placeholders.Count;

    /// <summary>The placeholders in the order they were given out.</summary>
    public IReadOnlyList<string> Placeholders => _placeholders;

    /// <summary>The last number given out per label (no values: safe to keep in a session for the next turn's map).</summary>
    public IReadOnlyDictionary<string, int> LastNumbers => _lastNumbers;

    /// <summary>A map for the next turn: numbering continues after this one's, values are not carried over.</summary>
    public PlaceholderMap NextTurn() => new(_lastNumbers);

    /// <summary>The value <paramref name="placeholder"/> (e.g. <c>[PHONE_1]</c>) stands for, when this map gave it out.</summary>
    /// <param name="placeholder">The placeholder, brackets included.</param>
    /// <param name="value">The value as the user wrote it the first time.</param>
    public bool TryGetValue(string placeholder, out string value) => _values.TryGetValue(placeholder, out value!);

    /// <summary>
    /// <paramref name="text"/> with every placeholder of this map replaced by its value; anything else — including
    /// placeholder-shaped text this map did not give out — is left as it is.
    /// </summary>
    /// <param name="text">A whole answer (a blocking reply, or a stream's full text after a replace).</param>
    public string Restore(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_placeholders.Count == 0 || !text.Contains('['))
        {
            return text;
        }

        var output = new StringBuilder(text.Length + 32);
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var open = span[i..].IndexOf('[');
            if (open < 0)
            {
                output.Append(span[i..]);
                break;
            }

            output.Append(span.Slice(i, open));
            i += open;
            if (MatchAt(span[i..], out var placeholder, out var value))
            {
                output.Append(value);
                i += placeholder.Length;
            }
            else
            {
                output.Append('[');
                i++;
            }
        }

        return output.ToString();
    }

    /// <summary>A restorer for a streamed answer: placeholders split across deltas are restored whole.</summary>
    public PlaceholderRestorer CreateRestorer() => new(this);

    /// <summary>The placeholder of a value: the one it already has in this turn, or the next free number of its label.</summary>
    /// <param name="label">The detector's label.</param>
    /// <param name="normalized">The canonical value (its identity).</param>
    /// <param name="original">The value as written (what a restore gives back).</param>
    /// <param name="text">The text being masked: a number whose placeholder it already contains literally is skipped.</param>
    internal string GetOrAdd(string label, string normalized, string original, string text)
    {
        if (_byValue.TryGetValue((label, normalized), out var existing))
        {
            return existing;
        }

        var number = _lastNumbers.GetValueOrDefault(label);
        string placeholder;
        do
        {
            number++;
            placeholder = string.Create(CultureInfo.InvariantCulture, $"[{label}_{number}]");
        }
        while (text.Contains(placeholder, StringComparison.Ordinal) || _values.ContainsKey(placeholder));

        _lastNumbers[label] = number;
        _byValue[(label, normalized)] = placeholder;
        _values[placeholder] = original;
        _placeholders.Add(placeholder);
        return placeholder;
    }

    /// <summary>Whether a placeholder of this map starts <paramref name="text"/>.</summary>
    internal bool MatchAt(ReadOnlySpan<char> text, out string placeholder, out string value)
    {
        foreach (var candidate in _placeholders)
        {
            if (text.StartsWith(candidate, StringComparison.Ordinal))
            {
                placeholder = candidate;
                value = _values[candidate];
                return true;
            }
        }

        placeholder = value = string.Empty;
        return false;
    }

    /// <summary>Whether <paramref name="tail"/> is the beginning, not the whole, of a placeholder of this map.</summary>
    internal bool IsPartialPlaceholder(ReadOnlySpan<char> tail)
    {
        foreach (var candidate in _placeholders)
        {
            if (tail.Length < candidate.Length && candidate.AsSpan().StartsWith(tail, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
