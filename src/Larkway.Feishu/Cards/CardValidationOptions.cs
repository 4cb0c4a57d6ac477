namespace Larkway.Feishu.Cards;

/// <summary>What the caller intends to do with the card, and limits to apply.</summary>
public sealed record CardValidationOptions
{
    /// <summary>
    /// The card will be updated after sending (by message id, callback or CardKit): it must then be a shared card,
    /// i.e. <c>config.update_multi</c> true (JSON 1.0 defaults to false; 2.0 is always shared). Not checkable for
    /// template references, whose config lives in the card builder.
    /// </summary>
    public bool UpdateIntended { get; init; }

    /// <summary>Maximum UTF-8 size of the compact card JSON. Default <see cref="CardLimits.MaxCardBytes"/>.</summary>
    public int MaxBytes { get; init; } = CardLimits.MaxCardBytes;
}
