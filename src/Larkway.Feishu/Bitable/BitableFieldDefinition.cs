namespace Larkway.Feishu.Bitable;

/// <summary>
/// A field to create or the new settings of one to update: its name, type and the type's <see cref="Property"/>. The
/// factories build each documented kind with its typed settings (<c>BitableFieldDefinition.Currency("Amount", "CNY")</c>);
/// what Feishu would refuse (a lookup, which the API cannot create; a link without its table; a rating outside 0/1–10;
/// an option colour outside 0–54) is refused before sending.
/// </summary>
/// <param name="FieldName">The name (records are keyed by it).</param>
/// <param name="Type">The type.</param>
public sealed record BitableFieldDefinition(string FieldName, BitableFieldType Type)
{
    private static readonly string[] RatingSymbols = ["star", "heart", "thumbsup", "fire", "smile", "lightning", "flower", "number"];

    /// <summary>The interface kind within the type (<see cref="BitableUiTypes"/>).</summary>
    public string? UiType { get; init; }

    /// <summary>The type's settings.</summary>
    public BitableFieldProperty? Property { get; init; }

    /// <summary>The description shown with the field.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the description stays out of forms (<c>disable_sync</c>).</summary>
    public bool? DescriptionDisableSync { get; init; }

    /// <summary>Multi-line text.</summary>
    public static BitableFieldDefinition Text(string name) => new(name, BitableFieldType.Text) { UiType = BitableUiTypes.Text };

    /// <summary>An email address (a text field that links with <c>mailto:</c>).</summary>
    public static BitableFieldDefinition Email(string name) => new(name, BitableFieldType.Text) { UiType = BitableUiTypes.Email };

    /// <summary>A barcode, typed in and/or scanned.</summary>
    public static BitableFieldDefinition Barcode(string name, bool manual = true, bool scan = true) => new(name, BitableFieldType.Text)
    {
        UiType = BitableUiTypes.Barcode,
        Property = new BitableFieldProperty { AllowedEditModes = new BitableEditModes(manual, scan) },
    };

    /// <summary>A number shown with <paramref name="formatter"/> (<c>"0"</c>, <c>"0.0"</c> (default), <c>"0.00"</c>, <c>"1,000"</c>, <c>"%"</c>, …).</summary>
    public static BitableFieldDefinition Number(string name, string? formatter = null) => new(name, BitableFieldType.Number)
    {
        UiType = BitableUiTypes.Number,
        Property = formatter is null ? null : new BitableFieldProperty { Formatter = formatter },
    };

    /// <summary>A currency amount in <paramref name="currencyCode"/> (<c>CNY</c>, <c>USD</c>, …) with <paramref name="formatter"/> decimals (<c>"0"</c>…<c>"0.0000"</c>).</summary>
    public static BitableFieldDefinition Currency(string name, string currencyCode, string formatter = "0.00") => new(name, BitableFieldType.Number)
    {
        UiType = BitableUiTypes.Currency,
        Property = new BitableFieldProperty { CurrencyCode = currencyCode, Formatter = formatter },
    };

    /// <summary>A progress bar (<paramref name="formatter"/> e.g. <c>"0%"</c>); with <paramref name="min"/> and <paramref name="max"/> a custom range.</summary>
    public static BitableFieldDefinition Progress(string name, string formatter = "0%", decimal? min = null, decimal? max = null) => new(name, BitableFieldType.Number)
    {
        UiType = BitableUiTypes.Progress,
        Property = new BitableFieldProperty { Formatter = formatter, Min = min, Max = max, RangeCustomize = min is not null || max is not null ? true : null },
    };

    /// <summary>A rating from <paramref name="min"/> (0 or 1) to <paramref name="max"/> (1–10) shown as <paramref name="symbol"/>.</summary>
    public static BitableFieldDefinition Rating(string name, int min = 1, int max = 5, string symbol = "star") => new(name, BitableFieldType.Number)
    {
        UiType = BitableUiTypes.Rating,
        Property = new BitableFieldProperty { Formatter = "0", Min = min, Max = max, Rating = new BitableRating(symbol) },
    };

    /// <summary>One option of <paramref name="options"/> (names; more can be created by writing new names).</summary>
    public static BitableFieldDefinition SingleSelect(string name, params IEnumerable<string> options) => new(name, BitableFieldType.SingleSelect)
    {
        UiType = BitableUiTypes.SingleSelect,
        Property = new BitableFieldProperty { Options = options.Select(o => new BitableSelectOption(o)).ToArray() },
    };

    /// <summary>Several options of <paramref name="options"/>.</summary>
    public static BitableFieldDefinition MultiSelect(string name, params IEnumerable<string> options) => new(name, BitableFieldType.MultiSelect)
    {
        UiType = BitableUiTypes.MultiSelect,
        Property = new BitableFieldProperty { Options = options.Select(o => new BitableSelectOption(o)).ToArray() },
    };

    /// <summary>A date shown as <paramref name="dateFormatter"/> (default <c>"yyyy/MM/dd"</c>); <paramref name="autoFill"/> fills new records with their creation time.</summary>
    public static BitableFieldDefinition DateTime(string name, string? dateFormatter = null, bool? autoFill = null) => new(name, BitableFieldType.DateTime)
    {
        UiType = BitableUiTypes.DateTime,
        Property = dateFormatter is null && autoFill is null ? null : new BitableFieldProperty { DateFormatter = dateFormatter, AutoFill = autoFill },
    };

    /// <summary>A checkbox.</summary>
    public static BitableFieldDefinition Checkbox(string name) => new(name, BitableFieldType.Checkbox) { UiType = BitableUiTypes.Checkbox };

    /// <summary>People; <paramref name="multiple"/> false allows one per cell.</summary>
    public static BitableFieldDefinition User(string name, bool multiple = true) => new(name, BitableFieldType.User)
    {
        UiType = BitableUiTypes.User,
        Property = new BitableFieldProperty { Multiple = multiple },
    };

    /// <summary>A phone number.</summary>
    public static BitableFieldDefinition Phone(string name) => new(name, BitableFieldType.Phone) { UiType = BitableUiTypes.Phone };

    /// <summary>A link with its text.</summary>
    public static BitableFieldDefinition Url(string name) => new(name, BitableFieldType.Url) { UiType = BitableUiTypes.Url };

    /// <summary>Attachments.</summary>
    public static BitableFieldDefinition Attachment(string name) => new(name, BitableFieldType.Attachment) { UiType = BitableUiTypes.Attachment };

    /// <summary>A one-way link to records of <paramref name="tableId"/>.</summary>
    public static BitableFieldDefinition SingleLink(string name, string tableId, bool multiple = true) => new(name, BitableFieldType.SingleLink)
    {
        UiType = BitableUiTypes.SingleLink,
        Property = new BitableFieldProperty { TableId = tableId, Multiple = multiple },
    };

    /// <summary>A two-way link to records of <paramref name="tableId"/>; <paramref name="backFieldName"/> names the field created there.</summary>
    public static BitableFieldDefinition DuplexLink(string name, string tableId, string? backFieldName = null, bool multiple = true) => new(name, BitableFieldType.DuplexLink)
    {
        UiType = BitableUiTypes.DuplexLink,
        Property = new BitableFieldProperty { TableId = tableId, BackFieldName = backFieldName, Multiple = multiple },
    };

    /// <summary>A formula (<c>bitable::$table[tbl…].$field[fld…]*2</c>).</summary>
    public static BitableFieldDefinition Formula(string name, string expression, string? formatter = null) => new(name, BitableFieldType.Formula)
    {
        UiType = BitableUiTypes.Formula,
        Property = new BitableFieldProperty { FormulaExpression = expression, Formatter = formatter },
    };

    /// <summary>A place; <paramref name="inputType"/> <c>only_mobile</c> takes the phone's current position only.</summary>
    public static BitableFieldDefinition Location(string name, string inputType = "not_limit") => new(name, BitableFieldType.Location)
    {
        UiType = BitableUiTypes.Location,
        Property = new BitableFieldProperty { Location = new BitableLocationInput(inputType) },
    };

    /// <summary>Group chats.</summary>
    public static BitableFieldDefinition GroupChat(string name, bool multiple = true) => new(name, BitableFieldType.GroupChat)
    {
        UiType = BitableUiTypes.GroupChat,
        Property = new BitableFieldProperty { Multiple = multiple },
    };

    /// <summary>The record's creation time.</summary>
    public static BitableFieldDefinition CreatedTime(string name, string? dateFormatter = null) => new(name, BitableFieldType.CreatedTime)
    {
        UiType = BitableUiTypes.CreatedTime,
        Property = dateFormatter is null ? null : new BitableFieldProperty { DateFormatter = dateFormatter },
    };

    /// <summary>The record's last modification time.</summary>
    public static BitableFieldDefinition ModifiedTime(string name, string? dateFormatter = null) => new(name, BitableFieldType.ModifiedTime)
    {
        UiType = BitableUiTypes.ModifiedTime,
        Property = dateFormatter is null ? null : new BitableFieldProperty { DateFormatter = dateFormatter },
    };

    /// <summary>Who created the record.</summary>
    public static BitableFieldDefinition CreatedUser(string name) => new(name, BitableFieldType.CreatedUser) { UiType = BitableUiTypes.CreatedUser };

    /// <summary>Who last modified the record.</summary>
    public static BitableFieldDefinition ModifiedUser(string name) => new(name, BitableFieldType.ModifiedUser) { UiType = BitableUiTypes.ModifiedUser };

    /// <summary>An automatic serial number: plain (1, 2, 3, …) without <paramref name="parts"/>, else built from them.</summary>
    public static BitableFieldDefinition AutoNumber(string name, params IEnumerable<BitableAutoSerialPart> parts)
    {
        var list = parts.ToArray();
        return new(name, BitableFieldType.AutoNumber)
        {
            UiType = BitableUiTypes.AutoNumber,
            Property = new BitableFieldProperty
            {
                AutoSerial = list.Length == 0 ? new BitableAutoSerial("auto_increment_number") : new BitableAutoSerial("custom") { Options = list },
            },
        };
    }

    /// <summary>What Feishu would refuse in this definition.</summary>
    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(FieldName))
        {
            yield return "the field has no name";
        }

        if (Type == BitableFieldType.Lookup)
        {
            yield return "a lookup field cannot be created or changed through the API";
        }

        var p = Property;
        switch (Type)
        {
            case BitableFieldType.SingleSelect or BitableFieldType.MultiSelect when p?.Options is { } options:
                for (var i = 0; i < options.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(options[i].Name))
                    {
                        yield return $"option [{i}] has no name";
                    }

                    if (options[i].Color is < 0 or > 54)
                    {
                        yield return $"option '{options[i].Name}' has colour {options[i].Color}; give 0–54";
                    }
                }

                break;
            case BitableFieldType.SingleLink or BitableFieldType.DuplexLink when string.IsNullOrWhiteSpace(p?.TableId):
                yield return "a link needs the linked table's id (property.table_id)";
                break;
            case BitableFieldType.Formula when string.IsNullOrWhiteSpace(p?.FormulaExpression):
                yield return "a formula needs its expression (property.formula_expression)";
                break;
            case BitableFieldType.Number when UiType == BitableUiTypes.Currency && string.IsNullOrWhiteSpace(p?.CurrencyCode):
                yield return "a currency needs its code (property.currency_code), e.g. CNY";
                break;
            case BitableFieldType.Number when UiType == BitableUiTypes.Rating:
                if (p?.Min is not (0 or 1))
                {
                    yield return $"a rating's minimum must be 0 or 1 (it is {p?.Min?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"})";
                }

                if (p?.Max is not { } max || max < 1 || max > 10 || max != decimal.Truncate(max))
                {
                    yield return $"a rating's maximum must be a whole number from 1 to 10 (it is {p?.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"})";
                }

                if (p?.Rating?.Symbol is { } symbol && !RatingSymbols.Contains(symbol, StringComparer.Ordinal))
                {
                    yield return $"a rating's symbol must be one of {string.Join(", ", RatingSymbols)} (it is '{symbol}')";
                }

                break;
            case BitableFieldType.Number when UiType == BitableUiTypes.Progress && p?.RangeCustomize == true && (p.Min is null || p.Max is null || p.Min >= p.Max):
                yield return "a progress bar with a custom range needs a minimum below its maximum";
                break;
            case BitableFieldType.Location when p?.Location?.InputType is { } input && input is not ("only_mobile" or "not_limit"):
                yield return $"a location's input type must be only_mobile or not_limit (it is '{input}')";
                break;
        }
    }

    /// <summary>Throws when Feishu would refuse the definition, listing every problem.</summary>
    internal void ThrowIfInvalid(string paramName)
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Field '{FieldName}': {string.Join("; ", problems)}.", paramName);
        }
    }
}
