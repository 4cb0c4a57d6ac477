namespace Larkway.Feishu.Cards;

/// <summary>One problem found in a card: where (a JSON path such as <c>$.body.elements[2].text</c>) and what to fix.</summary>
/// <param name="Path">JSONPath of the offending value; <c>$</c> is the card itself.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record CardValidationError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The outcome of <see cref="CardValidator.Validate(string, CardValidationOptions?)"/>.</summary>
public sealed class CardValidationResult
{
    internal CardValidationResult(IReadOnlyList<CardValidationError> errors) => Errors = errors;

    /// <summary>True when no error was found.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Every problem found, in the order found.</summary>
    public IReadOnlyList<CardValidationError> Errors { get; }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}
