namespace Larkway.Channels.Masking;

/// <summary>
/// Finds one kind of personal data in text. The built-in detectors are in <see cref="Detectors"/>; a custom one derives
/// from this class and is added to <see cref="MaskingOptions.Detectors"/>. Detectors are stateless and thread-safe.
/// </summary>
public abstract class PiiDetector
{
    /// <summary>Creates a detector.</summary>
    /// <param name="name">Its name in rule sets and audit entries, e.g. <c>china_mobile</c>.</param>
    /// <param name="label">Its kind in placeholders and redactions: upper-case ASCII letters, digits and <c>_</c>, e.g. <c>PHONE</c>.</param>
    protected PiiDetector(string name, string label)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        foreach (var c in label)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                throw new ArgumentException($"A detector label is upper-case ASCII letters, digits and '_' (it goes into placeholders such as [PHONE_1]); '{label}' is not.", nameof(label));
            }
        }

        Name = name;
        Label = label;
    }

    /// <summary>The detector's name in rule sets and audit entries.</summary>
    public string Name { get; }

    /// <summary>The kind in placeholders (<c>[PHONE_1]</c>) and redactions (<c>[PHONE]</c>).</summary>
    public string Label { get; }

    /// <summary>
    /// Whether matches inside a URL (<c>https://…</c>, <c>www.…</c>) are left alone, except in its query string. False for
    /// every built-in detector: a phone, id or card number is masked wherever it appears, a link's host, path and fragment
    /// included (where that breaks the link, a person is shown it masked and not clickable, see <see cref="PiiMasker"/>).
    /// A custom detector whose values in a link are never personal (record ids of its own shape) may return true.
    /// </summary>
    public virtual bool SkipsUrls => false;

    /// <summary>
    /// Where the end of a text still being written (a streamed answer) could be the start of a value of this kind that is not
    /// complete yet: the index from which the text's tail must be held back, or the text's length when nothing at its end
    /// could still grow into a match. Whatever comes after the text, no match may end before the returned index in a way
    /// the rest could change. The default holds back the trailing run of characters other than white space, which is safe
    /// for any shape of value; override it with the shape of your values to hold back less.
    /// </summary>
    /// <param name="text">The text so far.</param>
    public virtual int PendingStart(ReadOnlySpan<char> text)
    {
        var start = text.Length;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        return start;
    }

    /// <summary>Adds every match in <paramref name="text"/> to <paramref name="found"/>, in any order; overlaps are resolved by the masker.</summary>
    /// <param name="text">The text to scan.</param>
    /// <param name="found">Where matches go: start and length in UTF-16 code units of <paramref name="text"/>.</param>
    public abstract void Find(ReadOnlySpan<char> text, List<PiiSpan> found);

    /// <summary>
    /// The canonical form of a matched value (digits in ASCII without separators, an email in lower case…): the same
    /// value written twice in different ways gets one placeholder and one fingerprint.
    /// </summary>
    /// <param name="value">A value this detector matched.</param>
    public abstract string Normalize(ReadOnlySpan<char> value);

    /// <summary>The display form of a matched value (<see cref="MaskingMode.Display"/>).</summary>
    /// <param name="value">A value this detector matched.</param>
    public abstract string DisplayMask(ReadOnlySpan<char> value);
}

/// <summary>Where a detector found a value: start and length in UTF-16 code units.</summary>
/// <param name="Start">The first code unit.</param>
/// <param name="Length">The number of code units.</param>
public readonly record struct PiiSpan(int Start, int Length);
