namespace Larkway.Channels.Masking;

/// <summary>
/// Masks a text that is still being written — an answer streamed to a platform — so that no value ever shows in full, nor
/// any piece of one: <see cref="Visible"/> returns the part of the text so far that is safe to show, masked; a tail that
/// could still grow into a value (a trailing run of digits and separators such as <c>…call 138 12</c>, a local part
/// waiting for its <c>@</c>) is held back until what follows it decides, then shown masked; so is a link still being
/// written, from its first character that writing it masked and not clickable would change (the <c>:</c> of
/// <c>https://</c>), since a value may still turn up in it. <see cref="Complete"/> masks
/// the finished text whole. Stateless and thread-safe: each call takes the whole text so far.
/// </summary>
/// <remarks>
/// The held tail starts after the last character no value can end on, so every value before it is decided by characters
/// already written: what is shown is always the start of what the finished text masks to. A
/// <see cref="ReplacementLiteral"/> (a platform's markdown escape) keeps that: it writes each replacement whole, and a
/// replacement is only written once its value is decided, so an escape sequence is never cut between two updates.
/// </remarks>
public sealed class PiiStreamMasker
{
    private readonly PiiMasker _masker;
    private readonly MaskingDirection _direction;
    private readonly ReplacementLiteral? _literal;

    /// <summary>Creates a stream masker using <paramref name="masker"/>'s rule set for <paramref name="direction"/>.</summary>
    /// <param name="masker">The masker.</param>
    /// <param name="direction">Where the text goes (usually <see cref="MaskingDirection.ToPlatform"/>).</param>
    /// <param name="literal">
    /// How the destination shows a replacement literally (a platform's markdown escape for the stars of <c>159****4321</c>);
    /// null writes replacements as they are.
    /// </param>
    public PiiStreamMasker(PiiMasker masker, MaskingDirection direction, ReplacementLiteral? literal = null)
    {
        ArgumentNullException.ThrowIfNull(masker);
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown masking direction.");
        }

        _masker = masker;
        _direction = direction;
        _literal = literal;
    }

    /// <summary>The part of <paramref name="textSoFar"/> that can be shown now, masked (possibly empty).</summary>
    /// <param name="textSoFar">The whole text written so far.</param>
    public string Visible(string textSoFar)
    {
        ArgumentNullException.ThrowIfNull(textSoFar);
        var safe = _masker.PendingStart(textSoFar, _direction);
        return Complete(safe == textSoFar.Length ? textSoFar : textSoFar[..safe]);
    }

    /// <summary>The finished <paramref name="text"/>, masked whole: nothing is held back.</summary>
    /// <param name="text">The whole text.</param>
    public string Complete(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _masker.Mask(text, _direction, _literal).Text;
    }
}
