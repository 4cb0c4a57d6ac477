namespace Larkway.Channels.Masking.Detectors;

/// <summary>
/// The runs of digits in a text (ASCII or full-width, single spaces or dashes between digits kept inside a run) that hold
/// at least a given number of digits: the number detectors run their patterns only around these, so that a message full
/// of short numbers (dates, amounts, times) costs one vectorised scan.
/// </summary>
internal ref struct DigitRuns
{
    private readonly ReadOnlySpan<char> _text;
    private readonly int _minDigits;
    private int _position;

    public DigitRuns(ReadOnlySpan<char> text, int minDigits)
    {
        _text = text;
        _minDigits = minDigits;
        _position = 0;
        Current = default;
    }

    /// <summary>The current run: its first digit and the index just after its last digit.</summary>
    public (int Start, int End) Current { get; private set; }

    public readonly DigitRuns GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_position < _text.Length)
        {
            var next = _text[_position..].IndexOfAny(DigitText.Digits);
            if (next < 0)
            {
                _position = _text.Length;
                return false;
            }

            var start = _position + next;
            var i = start;
            var digits = 0;
            while (i < _text.Length)
            {
                if (DigitText.IsDigit(_text[i]))
                {
                    digits++;
                    i++;
                }
                else if (_text[i] is ' ' or '-' && i + 1 < _text.Length && DigitText.IsDigit(_text[i + 1]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            _position = i;
            if (digits >= _minDigits)
            {
                Current = (start, i);
                return true;
            }
        }

        return false;
    }
}
