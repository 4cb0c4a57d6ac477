namespace Larkway.Channels.Masking;

/// <summary>The outcome of <see cref="PiiMasker.Mask(string, MaskingDirection, PlaceholderMap?)"/>.</summary>
public sealed class MaskResult
{
    internal MaskResult(string text, PlaceholderMap? placeholders, IReadOnlyList<PiiAuditEntry> audit)
    {
        Text = text;
        Placeholders = placeholders;
        Audit = audit;
    }

    /// <summary>The masked text (the original string itself when nothing was found).</summary>
    public string Text { get; }

    /// <summary>
    /// In <see cref="MaskingMode.Placeholder"/> mode, the turn's placeholders (the map given to the call, or a new one): keep
    /// it for the answer (<see cref="PlaceholderMap.Restore(string)"/>, <see cref="PlaceholderMap.CreateRestorer"/>); otherwise null.
    /// </summary>
    public PlaceholderMap? Placeholders { get; }

    /// <summary>One entry per masked field, in the order of the text.</summary>
    public IReadOnlyList<PiiAuditEntry> Audit { get; }

    /// <summary>Whether anything was masked.</summary>
    public bool Masked => Audit.Count > 0;
}
