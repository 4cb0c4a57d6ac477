namespace Larkway.Channels.Masking;

/// <summary>
/// Writes what the masker puts in place of a value (a display form such as <c>159****4321</c>, a placeholder, a
/// redaction) as literal text in the language the text is shown in: a platform that renders markdown reads the stars of
/// <c>159****4321</c> as emphasis unless they are escaped. Only the inserted text passes through it; the rest of the text
/// (the backend's own markdown) is left as written.
/// </summary>
/// <param name="replacement">What replaces the value.</param>
/// <param name="textBefore">The text before the value (as given to the masker), for context such as a code span the value sits in.</param>
/// <returns>The replacement as the destination shows it literally; deterministic, so that a streamed text stays a prefix of the final one.</returns>
public delegate string ReplacementLiteral(string replacement, ReadOnlySpan<char> textBefore);
