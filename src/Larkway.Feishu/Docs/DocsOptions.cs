namespace Larkway.Feishu.Docs;

/// <summary>How docs, wiki and drive calls are paced (<c>Feishu:Docs</c>).</summary>
public sealed class DocsOptions
{
    /// <summary>
    /// Whether calls are held to the documented rates before they leave (default true): docx edits 3 a second per app,
    /// reads 5, drive permission calls 50. Off, Feishu's refusals (99991400) are retried after the wait it names.
    /// </summary>
    public bool PaceRequests { get; set; } = true;

    /// <summary>
    /// Edits a second to one document (default 3, Feishu's limit per document, 1–3). A document's edits also go one at a
    /// time, so each sees the revision the previous one made.
    /// </summary>
    public int EditsPerSecondPerDocument { get; set; } = DocxLimits.EditsPerSecond;

    internal DocsOptions Clone() => (DocsOptions)MemberwiseClone();

    internal IEnumerable<string> Problems()
    {
        if (EditsPerSecondPerDocument is < 1 or > DocxLimits.EditsPerSecond)
        {
            yield return $"Docs.EditsPerSecondPerDocument must be between 1 and {DocxLimits.EditsPerSecond} (Feishu allows {DocxLimits.EditsPerSecond} edits a second per document); it is {EditsPerSecondPerDocument}.";
        }
    }
}
