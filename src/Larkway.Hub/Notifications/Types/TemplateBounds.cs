namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// What one Handlebars string of a template may be, checked by a single scan before the compiler sees it: the compiler
/// recurses per nested sub-expression and block (10,000 levels overflowed the stack and killed the process) and its
/// time grows with the square of the nesting (1,000 levels took 2 s). Real cards stay far inside these limits.
/// </summary>
internal static class TemplateBounds
{
    /// <summary>Longest template string, in characters (a card is at most 30 KB in all).</summary>
    public const int MaxLength = 10_000;

    /// <summary>Most <c>{{…}}</c> expressions in one string.</summary>
    public const int MaxExpressions = 500;

    /// <summary>Deepest nesting of sub-expressions, <c>{{a (b (c x))}}</c> being 2.</summary>
    public const int MaxSubExpressionDepth = 8;

    /// <summary>Deepest nesting of blocks, <c>{{#each}}{{#if}}…{{/if}}{{/each}}</c> being 2.</summary>
    public const int MaxBlockDepth = 8;

    /// <summary>Why <paramref name="text"/> may not be compiled, or null when it may.</summary>
    public static string? Problem(string text)
    {
        if (text.Length > MaxLength)
        {
            return $"the template string is {text.Length:N0} characters long; at most {MaxLength:N0}.";
        }

        int expressions = 0, blockDepth = 0, maxBlockDepth = 0, maxSubDepth = 0;
        for (var at = text.IndexOf("{{", StringComparison.Ordinal); at >= 0; at = text.IndexOf("{{", at, StringComparison.Ordinal))
        {
            if (++expressions > MaxExpressions)
            {
                return $"the template string has more than {MaxExpressions} {{{{…}}}} expressions.";
            }

            if (text.AsSpan(at).StartsWith("{{{{"))
            {
                return "raw blocks ({{{{…}}}}) are not supported in card templates.";
            }

            var start = at + 2;
            while (start < text.Length && text[start] is '{' or '~')
            {
                start++;
            }

            var kind = start < text.Length ? text[start] : '\0';
            if (kind == '!')
            {
                // A comment: nothing in it is compiled.
                var closing = text.AsSpan(start).StartsWith("!--") ? "--}}" : "}}";
                var commentEnd = text.IndexOf(closing, start, StringComparison.Ordinal);
                at = commentEnd < 0 ? text.Length : commentEnd + closing.Length;
                continue;
            }

            if (kind == '>')
            {
                return "partials ({{> …}}) are not supported in card templates.";
            }

            if (kind == '#')
            {
                maxBlockDepth = Math.Max(maxBlockDepth, ++blockDepth);
            }
            else if (kind == '/')
            {
                blockDepth = Math.Max(0, blockDepth - 1);
            }

            // Sub-expressions are parenthesised inside one mustache.
            var depth = 0;
            var end = start;
            for (; end < text.Length && !text.AsSpan(end).StartsWith("}}"); end++)
            {
                switch (text[end])
                {
                    case '(':
                        maxSubDepth = Math.Max(maxSubDepth, ++depth);
                        break;
                    case ')':
                        depth--;
                        break;
                }

                if (maxSubDepth > MaxSubExpressionDepth)
                {
                    return $"sub-expressions are nested more than {MaxSubExpressionDepth} deep.";
                }
            }

            if (maxBlockDepth > MaxBlockDepth)
            {
                return $"blocks ({{{{#…}}}}) are nested more than {MaxBlockDepth} deep.";
            }

            at = end;
        }

        return null;
    }
}
