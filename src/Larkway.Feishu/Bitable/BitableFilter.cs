using System.Globalization;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// A record filter (feishu-api.md §8.6): <see cref="Conjunction"/> over <see cref="Conditions"/> and, one level deep,
/// <see cref="Children"/>. Build conditions with <see cref="BitableWhere"/>, which offers per field type only the
/// operators and values Feishu accepts:
/// <code>
/// BitableFilter.And(
///     BitableWhere.Select("Status").Is("Open"),
///     BitableWhere.Number("Amount").IsGreater(1000),
///     BitableWhere.Date("Due").Is(BitableDateValue.Today));
/// BitableFilter.And(BitableFilter.Or(…), BitableFilter.Or(…));   // children, one level only
/// </code>
/// What Feishu would refuse — a second level of children, more than 50 conditions, a range date with an operator
/// other than <c>is</c>, a value on <c>isEmpty</c> — is refused before sending.
/// </summary>
public sealed record BitableFilter
{
    private BitableFilter(string conjunction, IReadOnlyList<BitableCondition> conditions, IReadOnlyList<BitableFilter> children)
    {
        Conjunction = conjunction;
        Conditions = conditions;
        Children = children;
    }

    /// <summary><c>and</c> (all must hold) or <c>or</c> (any).</summary>
    public string Conjunction { get; }

    /// <summary>The conditions of this level.</summary>
    public IReadOnlyList<BitableCondition> Conditions { get; }

    /// <summary>Nested filters (only on the top level; they hold conditions only).</summary>
    public IReadOnlyList<BitableFilter> Children { get; }

    /// <summary>Records meeting every condition.</summary>
    public static BitableFilter And(params IEnumerable<BitableCondition> conditions) => new("and", List(conditions), []);

    /// <summary>Records meeting any condition.</summary>
    public static BitableFilter Or(params IEnumerable<BitableCondition> conditions) => new("or", List(conditions), []);

    /// <summary>Records meeting every child filter (each a filter of conditions only).</summary>
    public static BitableFilter And(params IEnumerable<BitableFilter> children) => new("and", [], List(children));

    /// <summary>Records meeting any child filter.</summary>
    public static BitableFilter Or(params IEnumerable<BitableFilter> children) => new("or", [], List(children));

    /// <summary>The same filter with these child filters added.</summary>
    public BitableFilter WithChildren(params IEnumerable<BitableFilter> children) => new(Conjunction, Conditions, [.. Children, .. List(children)]);

    /// <inheritdoc/>
    public bool Equals(BitableFilter? other) => other is not null && Conjunction == other.Conjunction
        && Conditions.SequenceEqual(other.Conditions) && Children.SequenceEqual(other.Children);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Conjunction, Conditions.Count, Children.Count);

    /// <summary>What Feishu would refuse in this filter, for a search or (<paramref name="forView"/>) a view's filter.</summary>
    internal IEnumerable<string> Problems(bool forView)
    {
        if (forView && Children.Count > 0)
        {
            yield return "a view's filter has no children; give its conditions only";
        }

        if (forView && Conditions.Count == 0)
        {
            yield return "a view's filter needs at least one condition";
        }

        foreach (var problem in LevelProblems(this, "the filter"))
        {
            yield return problem;
        }

        for (var i = 0; i < Children.Count; i++)
        {
            if (Children[i].Children.Count > 0)
            {
                yield return $"child [{i}] has children of its own; Feishu takes one level of children only";
            }

            foreach (var problem in LevelProblems(Children[i], $"child [{i}]"))
            {
                yield return problem;
            }
        }
    }

    internal void ThrowIfInvalid(string paramName, bool forView = false)
    {
        var problems = Problems(forView).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Feishu would refuse this filter: {string.Join("; ", problems)}.", paramName);
        }
    }

    internal FilterWire ToWire() => new(Conjunction,
        Conditions.Count == 0 && Children.Count > 0 ? null : Conditions.Select(c => c.ToWire()).ToList(),
        Children.Count == 0 ? null : Children.Select(c => new ChildFilterWire(c.Conjunction, c.Conditions.Select(x => x.ToWire()).ToList())).ToList());

    internal ViewFilterWire ToViewWire() => new(Conjunction, Conditions.Select(c => c.ToViewWire()).ToList());

    private static IEnumerable<string> LevelProblems(BitableFilter filter, string where)
    {
        if (filter.Conditions.Count > BitableLimits.MaxFilterConditions)
        {
            yield return $"{where} has {filter.Conditions.Count} conditions; Feishu takes at most {BitableLimits.MaxFilterConditions}";
        }

        for (var i = 0; i < filter.Conditions.Count; i++)
        {
            foreach (var problem in filter.Conditions[i].Problems())
            {
                yield return $"{where}, condition [{i}] on '{filter.Conditions[i].Field}': {problem}";
            }
        }
    }

    private static T[] List<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToArray();
        if (Array.Exists(list, i => i is null))
        {
            throw new ArgumentException("A filter holds no null entries.", nameof(items));
        }

        return list;
    }
}

/// <summary>The operators of a filter condition, as Feishu spells them.</summary>
public static class BitableOperators
{
#pragma warning disable CS1591 // Each constant is the operator it spells.
    public const string Is = "is";
    public const string IsNot = "isNot";
    public const string Contains = "contains";
    public const string DoesNotContain = "doesNotContain";
    public const string IsEmpty = "isEmpty";
    public const string IsNotEmpty = "isNotEmpty";
    public const string IsGreater = "isGreater";
    public const string IsGreaterEqual = "isGreaterEqual";
    public const string IsLess = "isLess";
    public const string IsLessEqual = "isLessEqual";
#pragma warning restore CS1591

    /// <summary>Listed by Feishu but "not yet supported": refused.</summary>
    public static IReadOnlyList<string> Unsupported { get; } = ["like", "in"];

    /// <summary>The supported operators.</summary>
    public static IReadOnlyList<string> All { get; } = [Is, IsNot, Contains, DoesNotContain, IsEmpty, IsNotEmpty, IsGreater, IsGreaterEqual, IsLess, IsLessEqual];
}

/// <summary>
/// One condition: a field (its name in a search; its id in a view's filter), an operator and its values (always a list
/// of strings on the wire). With <see cref="FieldType"/> known the per-type rules of §8.6 are checked; build through
/// <see cref="BitableWhere"/>, or <see cref="Create"/> for a type decided at run time, or <see cref="Unchecked"/> for a
/// type this library does not know.
/// </summary>
public sealed record BitableCondition
{
    private static readonly string[] DayWords = ["Today", "Tomorrow", "Yesterday"];
    private static readonly string[] RangeWords = ["CurrentWeek", "LastWeek", "CurrentMonth", "LastMonth", "TheLastWeek", "TheNextWeek", "TheLastMonth", "TheNextMonth"];

    private BitableCondition(string field, string op, IReadOnlyList<string> values, BitableFieldType? fieldType)
    {
        Field = field;
        Operator = op;
        Values = values;
        FieldType = fieldType;
    }

    /// <summary>The field: its name in a search, its id (<c>fld…</c>) in a view's filter.</summary>
    public string Field { get; }

    /// <summary>The operator (<see cref="BitableOperators"/>).</summary>
    public string Operator { get; }

    /// <summary>The values (empty for <c>isEmpty</c> / <c>isNotEmpty</c>).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The field's type the rules were checked against; null when unchecked.</summary>
    public BitableFieldType? FieldType { get; }

    /// <summary>
    /// A condition on a field of <paramref name="type"/>, checked against that type's rules now.
    /// </summary>
    /// <exception cref="ArgumentException">Feishu would refuse the condition (the message says why).</exception>
    public static BitableCondition Create(string field, BitableFieldType type, string op, params IEnumerable<string> values) =>
        new BitableCondition(field, op, ValueList(values), type).Checked();

    /// <summary>A condition checked only by the rules every type shares (a known operator, at most 10 values, none on isEmpty).</summary>
    /// <exception cref="ArgumentException">Feishu would refuse the condition.</exception>
    public static BitableCondition Unchecked(string field, string op, params IEnumerable<string> values) =>
        new BitableCondition(field, op, ValueList(values), null).Checked();

    /// <inheritdoc/>
    public bool Equals(BitableCondition? other) => other is not null && Field == other.Field && Operator == other.Operator
        && FieldType == other.FieldType && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Field, Operator, FieldType, Values.Count);

    internal BitableCondition Checked()
    {
        var problems = Problems().ToList();
        return problems.Count == 0 ? this
            : throw new ArgumentException($"Feishu would refuse the condition '{Operator}' on '{Field}': {string.Join("; ", problems)}.", nameof(Field));
    }

    internal ConditionWire ToWire() => new(Field, Operator, [.. Values]);

    // A view's condition carries its values as a JSON array in a string.
    internal ViewConditionWire ToViewWire() => new(Field, Operator,
        System.Text.Json.JsonSerializer.Serialize(Values.ToList(), BitableJsonContext.Wire.ListString));

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Field))
        {
            yield return "the field is not named";
        }

        if (BitableOperators.Unsupported.Contains(Operator, StringComparer.Ordinal))
        {
            yield return $"Feishu does not support '{Operator}' yet";
            yield break;
        }

        if (!BitableOperators.All.Contains(Operator, StringComparer.Ordinal))
        {
            yield return $"'{Operator}' is not an operator; use one of {string.Join(", ", BitableOperators.All)} (case-sensitive)";
            yield break;
        }

        if (Values.Count > BitableLimits.MaxConditionValues)
        {
            yield return $"it has {Values.Count} values; a condition takes at most {BitableLimits.MaxConditionValues}";
        }

        var emptiness = Operator is BitableOperators.IsEmpty or BitableOperators.IsNotEmpty;
        if (emptiness)
        {
            if (Values.Count > 0)
            {
                yield return $"'{Operator}' takes no values (Feishu needs \"value\":[])";
            }

            if (FieldType is BitableFieldType.Formula or BitableFieldType.Lookup)
            {
                yield return "formula and lookup fields cannot be filtered";
            }

            yield break;
        }

        if (FieldType is not { } type)
        {
            yield break;
        }

        foreach (var problem in TypeProblems(type))
        {
            yield return problem;
        }
    }

    private IEnumerable<string> TypeProblems(BitableFieldType type)
    {
        switch (type)
        {
            case BitableFieldType.Formula or BitableFieldType.Lookup:
                yield return "formula and lookup fields cannot be filtered";
                break;

            case BitableFieldType.Attachment:
                yield return "attachment fields take isEmpty or isNotEmpty only";
                break;

            case BitableFieldType.Checkbox:
                if (Operator != BitableOperators.Is)
                {
                    yield return "a checkbox takes 'is' only";
                }

                if (Values.Count != 1 || Values[0] is not ("true" or "false"))
                {
                    yield return "a checkbox takes one value, \"true\" or \"false\"";
                }

                break;

            case BitableFieldType.DateTime or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime:
                foreach (var problem in DateProblems())
                {
                    yield return problem;
                }

                break;

            case BitableFieldType.SingleSelect or BitableFieldType.MultiSelect or BitableFieldType.User or BitableFieldType.GroupChat
                or BitableFieldType.SingleLink or BitableFieldType.DuplexLink or BitableFieldType.CreatedUser or BitableFieldType.ModifiedUser:
                if (Operator is BitableOperators.Is or BitableOperators.IsNot && Values.Count != 1)
                {
                    yield return $"'{Operator}' takes exactly one value here ({Values.Count} given); use contains for several";
                }
                else if (Values.Count == 0)
                {
                    yield return $"'{Operator}' needs at least one value";
                }

                if (Values.Any(string.IsNullOrEmpty))
                {
                    yield return "a value is empty";
                }

                break;

            default:
                // Text, barcode, number, currency, progress, rating, phone, URL (its text), location, auto number: one value.
                if (Values.Count != 1)
                {
                    yield return $"'{Operator}' takes exactly one value here ({Values.Count} given)";
                }
                else if (type == BitableFieldType.Number && !decimal.TryParse(Values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    yield return $"'{Values[0]}' is not a number; give it as a string such as \"23.4\"";
                }

                break;
        }
    }

    private IEnumerable<string> DateProblems()
    {
        if (Operator is not (BitableOperators.Is or BitableOperators.IsGreater or BitableOperators.IsLess))
        {
            yield return $"a date takes is, isGreater, isLess, isEmpty or isNotEmpty, not '{Operator}'";
            yield break;
        }

        if (Values.Count == 0)
        {
            yield return "a date needs a value such as [\"Today\"] or [\"ExactDate\",\"<ms>\"]";
        }
        else if (Values[0] == "ExactDate")
        {
            if (Values.Count != 2 || !long.TryParse(Values[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                yield return "ExactDate needs exactly one more value, the time in Unix milliseconds";
            }
        }
        else if (DayWords.Contains(Values[0], StringComparer.Ordinal))
        {
            if (Values.Count != 1)
            {
                yield return $"{Values[0]} takes no further values";
            }
        }
        else if (RangeWords.Contains(Values[0], StringComparer.Ordinal))
        {
            if (Values.Count != 1)
            {
                yield return $"{Values[0]} takes no further values";
            }

            if (Operator != BitableOperators.Is)
            {
                yield return $"the range {Values[0]} takes 'is' only";
            }
        }
        else
        {
            yield return $"'{Values[0]}' is not a date value; use ExactDate, {string.Join(", ", DayWords)} or {string.Join(", ", RangeWords)} (case-sensitive)";
        }
    }

    private static string[] ValueList(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Select(v => v ?? throw new ArgumentException("A condition value is null.", nameof(values))).ToArray();
    }

    internal static BitableCondition Of(string field, BitableFieldType type, string op, params string[] values) => new BitableCondition(field, op, values, type).Checked();
}

/// <summary>
/// A date filter value: an exact day (<see cref="Exact"/>, which Feishu rounds to midnight in the base's time zone —
/// filters are day-granular), a day relative to today, or a range (with <c>is</c> only).
/// </summary>
public sealed record BitableDateValue
{
    private BitableDateValue(IReadOnlyList<string> values, bool isRange)
    {
        Values = values;
        IsRange = isRange;
    }

    /// <summary>The wire values, e.g. <c>["ExactDate","1702449755000"]</c> or <c>["Today"]</c>.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Whether this is a range (this week, the last 30 days, …): those take <c>is</c> only.</summary>
    public bool IsRange { get; }

    /// <summary>Today.</summary>
    public static BitableDateValue Today { get; } = Word("Today");

    /// <summary>Tomorrow.</summary>
    public static BitableDateValue Tomorrow { get; } = Word("Tomorrow");

    /// <summary>Yesterday.</summary>
    public static BitableDateValue Yesterday { get; } = Word("Yesterday");

    /// <summary>This week (is only).</summary>
    public static BitableDateValue CurrentWeek { get; } = Range("CurrentWeek");

    /// <summary>Last week (is only).</summary>
    public static BitableDateValue LastWeek { get; } = Range("LastWeek");

    /// <summary>This month (is only).</summary>
    public static BitableDateValue CurrentMonth { get; } = Range("CurrentMonth");

    /// <summary>Last month (is only).</summary>
    public static BitableDateValue LastMonth { get; } = Range("LastMonth");

    /// <summary>The past seven days (is only).</summary>
    public static BitableDateValue TheLastWeek { get; } = Range("TheLastWeek");

    /// <summary>The next seven days (is only).</summary>
    public static BitableDateValue TheNextWeek { get; } = Range("TheNextWeek");

    /// <summary>The past thirty days (is only).</summary>
    public static BitableDateValue TheLastMonth { get; } = Range("TheLastMonth");

    /// <summary>The next thirty days (is only).</summary>
    public static BitableDateValue TheNextMonth { get; } = Range("TheNextMonth");

    /// <summary>The day of <paramref name="instant"/> (Feishu compares whole days in the base's time zone).</summary>
    public static BitableDateValue Exact(DateTimeOffset instant) =>
        new(["ExactDate", instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)], false);

    /// <inheritdoc/>
    public bool Equals(BitableDateValue? other) => other is not null && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override int GetHashCode() => Values[0].GetHashCode(StringComparison.Ordinal);

    private static BitableDateValue Word(string word) => new([word], false);

    private static BitableDateValue Range(string word) => new([word], true);
}

/// <summary>A sort entry of a search.</summary>
/// <param name="FieldName">The field.</param>
/// <param name="Descending">Largest first.</param>
public sealed record BitableSort(string FieldName, bool Descending = false)
{
    /// <summary>Smallest first.</summary>
    public static BitableSort Ascending(string fieldName) => new(fieldName);

    /// <summary>Largest first.</summary>
    public static BitableSort Descend(string fieldName) => new(fieldName, true);
}
