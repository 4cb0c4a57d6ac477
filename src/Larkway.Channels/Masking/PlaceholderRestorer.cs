using System.Text;

namespace Larkway.Channels.Masking;

/// <summary>
/// Restores a <see cref="PlaceholderMap"/>'s placeholders in an answer that arrives as deltas. A delta that ends with what
/// may be the start of one of the map's placeholders (<c>…call [PHO</c>) has that tail held back until the next delta says
/// whether it is one; nothing else is ever held back. Placeholder-shaped text the map did not give out passes unchanged.
/// Call <see cref="Flush"/> at the end of the stream. Not thread-safe: one stream, one restorer.
/// </summary>
public sealed class PlaceholderRestorer
{
    private readonly PlaceholderMap _map;
    private readonly StringBuilder _output = new();
    private string _held = string.Empty;

    /// <summary>Creates a restorer over <paramref name="map"/> (or call <see cref="PlaceholderMap.CreateRestorer"/>).</summary>
    /// <param name="map">The placeholders of the user's turn.</param>
    public PlaceholderRestorer(PlaceholderMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = map;
    }

    /// <summary>The number of characters held back, waiting for the next delta.</summary>
    public int HeldLength => _held.Length;

    /// <summary>The restored text that can be shown now (possibly empty): <paramref name="delta"/> after what was held back.</summary>
    /// <param name="delta">The next piece of the answer.</param>
    public string Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (_held.Length == 0 && (_map.Count == 0 || !delta.Contains('[')))
        {
            return delta;
        }

        var text = _held.Length == 0 ? delta : string.Concat(_held, delta);
        _held = string.Empty;
        var span = text.AsSpan();
        _output.Clear();
        var i = 0;
        while (i < span.Length)
        {
            var open = span[i..].IndexOf('[');
            if (open < 0)
            {
                _output.Append(span[i..]);
                break;
            }

            _output.Append(span.Slice(i, open));
            i += open;
            if (_map.MatchAt(span[i..], out var placeholder, out var value))
            {
                _output.Append(value);
                i += placeholder.Length;
            }
            else if (_map.IsPartialPlaceholder(span[i..]))
            {
                _held = span[i..].ToString();
                break;
            }
            else
            {
                _output.Append('[');
                i++;
            }
        }

        return _output.ToString();
    }

    /// <summary>What is still held back, as it is (it never became a placeholder); call at the end of the stream.</summary>
    public string Flush()
    {
        var rest = _held;
        _held = string.Empty;
        return rest;
    }

    /// <summary>Drops what is held back: the answer starts over (e.g. Dify's <c>message_replace</c>; restore the new full text with <see cref="PlaceholderMap.Restore(string)"/>).</summary>
    public void Reset() => _held = string.Empty;
}
