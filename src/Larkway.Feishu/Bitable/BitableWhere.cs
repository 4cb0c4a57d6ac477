using System.Globalization;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// Typed filter conditions: one entry point per field kind, offering only the operators Feishu accepts for it, with
/// values in the form it expects (numbers as invariant strings, dates as <see cref="BitableDateValue"/>, people, chats
/// and linked records by id). Name fields by name for a search, by id for a view's filter.
/// </summary>
public static class BitableWhere
{
    /// <summary>A text, email or barcode field.</summary>
    public static TextField Text(string field) => new(field, BitableFieldType.Text);

    /// <summary>A phone field.</summary>
    public static TextField Phone(string field) => new(field, BitableFieldType.Phone);

    /// <summary>A URL field (compared by its display text).</summary>
    public static TextField Url(string field) => new(field, BitableFieldType.Url);

    /// <summary>A location field (compared by its address).</summary>
    public static TextField Location(string field) => new(field, BitableFieldType.Location);

    /// <summary>An auto-number field.</summary>
    public static TextField AutoNumber(string field) => new(field, BitableFieldType.AutoNumber);

    /// <summary>A number, currency, progress or rating field.</summary>
    public static NumberField Number(string field) => new(field);

    /// <summary>A single-select field (by option name).</summary>
    public static ChoiceField SingleSelect(string field) => new(field, BitableFieldType.SingleSelect);

    /// <summary>A multi-select field (by option name).</summary>
    public static ChoiceField MultiSelect(string field) => new(field, BitableFieldType.MultiSelect);

    /// <summary>A user field (by user id of the search's <c>user_id_type</c>).</summary>
    public static ChoiceField User(string field) => new(field, BitableFieldType.User);

    /// <summary>A created-by field (by user id).</summary>
    public static ChoiceField CreatedUser(string field) => new(field, BitableFieldType.CreatedUser);

    /// <summary>A modified-by field (by user id).</summary>
    public static ChoiceField ModifiedUser(string field) => new(field, BitableFieldType.ModifiedUser);

    /// <summary>A group field (by chat id <c>oc_…</c>).</summary>
    public static ChoiceField GroupChat(string field) => new(field, BitableFieldType.GroupChat);

    /// <summary>A one-way link field (by record id).</summary>
    public static ChoiceField SingleLink(string field) => new(field, BitableFieldType.SingleLink);

    /// <summary>A two-way link field (by record id).</summary>
    public static ChoiceField DuplexLink(string field) => new(field, BitableFieldType.DuplexLink);

    /// <summary>A date field.</summary>
    public static DateField Date(string field) => new(field, BitableFieldType.DateTime);

    /// <summary>A created-time field.</summary>
    public static DateField CreatedTime(string field) => new(field, BitableFieldType.CreatedTime);

    /// <summary>A modified-time field.</summary>
    public static DateField ModifiedTime(string field) => new(field, BitableFieldType.ModifiedTime);

    /// <summary>A checkbox field.</summary>
    public static CheckboxField Checkbox(string field) => new(field);

    /// <summary>An attachment field (emptiness only).</summary>
    public static AttachmentField Attachment(string field) => new(field);

    /// <summary>Conditions on a text-like field: one value each.</summary>
    public sealed class TextField
    {
        private readonly string _field;
        private readonly BitableFieldType _type;

        internal TextField(string field, BitableFieldType type) => (_field, _type) = (field, type);

        /// <summary>Equal to <paramref name="value"/>.</summary>
        public BitableCondition Is(string value) => BitableCondition.Of(_field, _type, BitableOperators.Is, value);

        /// <summary>Not equal to <paramref name="value"/>.</summary>
        public BitableCondition IsNot(string value) => BitableCondition.Of(_field, _type, BitableOperators.IsNot, value);

        /// <summary>Containing <paramref name="value"/>.</summary>
        public BitableCondition Contains(string value) => BitableCondition.Of(_field, _type, BitableOperators.Contains, value);

        /// <summary>Not containing <paramref name="value"/>.</summary>
        public BitableCondition DoesNotContain(string value) => BitableCondition.Of(_field, _type, BitableOperators.DoesNotContain, value);

        /// <summary>Empty.</summary>
        public BitableCondition IsEmpty() => BitableCondition.Of(_field, _type, BitableOperators.IsEmpty);

        /// <summary>Not empty.</summary>
        public BitableCondition IsNotEmpty() => BitableCondition.Of(_field, _type, BitableOperators.IsNotEmpty);
    }

    /// <summary>Conditions on a number field: one number each.</summary>
    public sealed class NumberField
    {
        private readonly string _field;

        internal NumberField(string field) => _field = field;

        /// <summary>Equal.</summary>
        public BitableCondition Is(decimal value) => Make(BitableOperators.Is, value);

        /// <summary>Not equal.</summary>
        public BitableCondition IsNot(decimal value) => Make(BitableOperators.IsNot, value);

        /// <summary>Greater.</summary>
        public BitableCondition IsGreater(decimal value) => Make(BitableOperators.IsGreater, value);

        /// <summary>Greater or equal.</summary>
        public BitableCondition IsGreaterEqual(decimal value) => Make(BitableOperators.IsGreaterEqual, value);

        /// <summary>Less.</summary>
        public BitableCondition IsLess(decimal value) => Make(BitableOperators.IsLess, value);

        /// <summary>Less or equal.</summary>
        public BitableCondition IsLessEqual(decimal value) => Make(BitableOperators.IsLessEqual, value);

        /// <summary>Empty.</summary>
        public BitableCondition IsEmpty() => BitableCondition.Of(_field, BitableFieldType.Number, BitableOperators.IsEmpty);

        /// <summary>Not empty.</summary>
        public BitableCondition IsNotEmpty() => BitableCondition.Of(_field, BitableFieldType.Number, BitableOperators.IsNotEmpty);

        private BitableCondition Make(string op, decimal value) =>
            BitableCondition.Of(_field, BitableFieldType.Number, op, value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Conditions on options, people, chats or linked records: one value for is/isNot, several for contains.</summary>
    public sealed class ChoiceField
    {
        private readonly string _field;
        private readonly BitableFieldType _type;

        internal ChoiceField(string field, BitableFieldType type) => (_field, _type) = (field, type);

        /// <summary>Exactly <paramref name="value"/>.</summary>
        public BitableCondition Is(string value) => BitableCondition.Of(_field, _type, BitableOperators.Is, value);

        /// <summary>Not <paramref name="value"/>.</summary>
        public BitableCondition IsNot(string value) => BitableCondition.Of(_field, _type, BitableOperators.IsNot, value);

        /// <summary>Holding any of <paramref name="values"/> (1–10).</summary>
        public BitableCondition Contains(params string[] values) => BitableCondition.Of(_field, _type, BitableOperators.Contains, values);

        /// <summary>Holding none of <paramref name="values"/> (1–10).</summary>
        public BitableCondition DoesNotContain(params string[] values) => BitableCondition.Of(_field, _type, BitableOperators.DoesNotContain, values);

        /// <summary>Empty.</summary>
        public BitableCondition IsEmpty() => BitableCondition.Of(_field, _type, BitableOperators.IsEmpty);

        /// <summary>Not empty.</summary>
        public BitableCondition IsNotEmpty() => BitableCondition.Of(_field, _type, BitableOperators.IsNotEmpty);
    }

    /// <summary>Conditions on a date: is, isGreater, isLess (day-granular), emptiness; ranges with is only.</summary>
    public sealed class DateField
    {
        private readonly string _field;
        private readonly BitableFieldType _type;

        internal DateField(string field, BitableFieldType type) => (_field, _type) = (field, type);

        /// <summary>On the day (or within the range) <paramref name="value"/>.</summary>
        public BitableCondition Is(BitableDateValue value) => Make(BitableOperators.Is, value);

        /// <summary>After the day <paramref name="value"/> (not a range).</summary>
        /// <exception cref="ArgumentException">A range value.</exception>
        public BitableCondition IsGreater(BitableDateValue value) => Make(BitableOperators.IsGreater, value);

        /// <summary>Before the day <paramref name="value"/> (not a range).</summary>
        /// <exception cref="ArgumentException">A range value.</exception>
        public BitableCondition IsLess(BitableDateValue value) => Make(BitableOperators.IsLess, value);

        /// <summary>Empty.</summary>
        public BitableCondition IsEmpty() => BitableCondition.Of(_field, _type, BitableOperators.IsEmpty);

        /// <summary>Not empty.</summary>
        public BitableCondition IsNotEmpty() => BitableCondition.Of(_field, _type, BitableOperators.IsNotEmpty);

        private BitableCondition Make(string op, BitableDateValue value)
        {
            ArgumentNullException.ThrowIfNull(value);
            return BitableCondition.Of(_field, _type, op, [.. value.Values]);
        }
    }

    /// <summary>Conditions on a checkbox: <c>is</c> true or false.</summary>
    public sealed class CheckboxField
    {
        private readonly string _field;

        internal CheckboxField(string field) => _field = field;

        /// <summary>Ticked (true) or not (false).</summary>
        public BitableCondition Is(bool value) => BitableCondition.Of(_field, BitableFieldType.Checkbox, BitableOperators.Is, value ? "true" : "false");
    }

    /// <summary>Conditions on attachments: emptiness only.</summary>
    public sealed class AttachmentField
    {
        private readonly string _field;

        internal AttachmentField(string field) => _field = field;

        /// <summary>No files.</summary>
        public BitableCondition IsEmpty() => BitableCondition.Of(_field, BitableFieldType.Attachment, BitableOperators.IsEmpty);

        /// <summary>Some files.</summary>
        public BitableCondition IsNotEmpty() => BitableCondition.Of(_field, BitableFieldType.Attachment, BitableOperators.IsNotEmpty);
    }
}
