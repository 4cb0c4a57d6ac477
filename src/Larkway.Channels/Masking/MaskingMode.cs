namespace Larkway.Channels.Masking;

/// <summary>How a detected value is replaced in the text that leaves.</summary>
public enum MaskingMode
{
    /// <summary>
    /// For people: the value keeps enough to be recognised by its owner and no more — <c>138****5678</c>,
    /// <c>1101**********1234</c>, <c>****1234</c>, <c>a***@example.com</c>. Not reversible.
    /// </summary>
    Display = 0,

    /// <summary>
    /// For an AI backend: the value becomes a numbered placeholder such as <c>[PHONE_1]</c>, the same value getting the same
    /// placeholder within one <see cref="PlaceholderMap"/> (one conversation turn), so the backend can still refer to it; the
    /// map restores it in the answer shown to the same user (<see cref="PlaceholderMap.Restore(string)"/>,
    /// <see cref="PlaceholderRestorer"/>).
    /// </summary>
    Placeholder = 1,

    /// <summary>The value becomes its kind only, such as <c>[PHONE]</c>. Nothing of it is kept and nothing can restore it.</summary>
    Redact = 2,
}
