using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Larkway.Feishu.Bitable;

/// <summary>A value type that can be read from the JSON Feishu returns for a cell of its field type.</summary>
/// <typeparam name="TSelf">The value type.</typeparam>
public interface IBitableValue<TSelf>
    where TSelf : BitableValue, IBitableValue<TSelf>
{
    /// <summary>Reads the value from a cell's JSON (the shape Feishu returns; the shape it accepts reads too).</summary>
    /// <exception cref="FormatException">The JSON is not a value of this type.</exception>
    static abstract TSelf FromJson(JsonElement json);
}

/// <summary>
/// The value of one cell: one nested record per field type of feishu-api.md §8.2. Each writes the shape Feishu
/// accepts and reads the shape Feishu returns — they differ: text is written as a string and read back as segments,
/// links are written as record ids and read back as <c>link_record_ids</c>, people are written as ids and read back
/// as objects with names. A value read from a record can be written back as it is. <see cref="Raw"/> carries any JSON
/// (a field type added later); <see cref="Empty"/> clears a cell.
/// </summary>
public abstract partial record BitableValue
{
    private protected BitableValue()
    {
    }

    /// <summary>The cleared cell: written as <c>null</c>, which empties the cell on update.</summary>
    public static Empty Clear { get; } = new();

    /// <summary>The field type the value belongs to; null for <see cref="Raw"/> and <see cref="Empty"/>.</summary>
    public abstract BitableFieldType? FieldType { get; }

    /// <summary>False for values only Feishu computes (formula, lookup, auto number): writing them is refused locally.</summary>
    public virtual bool IsWritable => true;

    /// <summary>The JSON this value is written as (what a record create or update sends for the cell).</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the shape Feishu accepts.</summary>
    internal abstract void WriteTo(Utf8JsonWriter writer);

    /// <summary>What Feishu would refuse about this value, each phrased to follow "the value".</summary>
    internal virtual IEnumerable<string> Problems() => [];

    /// <summary>Reads a cell of a field of <paramref name="type"/>; null for a JSON null. An unknown type reads as <see cref="Raw"/>.</summary>
    /// <exception cref="FormatException">The JSON is not a value of that type.</exception>
    public static BitableValue? Read(BitableFieldType type, JsonElement json) => json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : type switch
    {
        BitableFieldType.Text => Text.FromJson(json),
        BitableFieldType.Number => Number.FromJson(json),
        BitableFieldType.SingleSelect => SingleSelect.FromJson(json),
        BitableFieldType.MultiSelect => MultiSelect.FromJson(json),
        BitableFieldType.DateTime or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime => Date.FromJson(json),
        BitableFieldType.Checkbox => Checkbox.FromJson(json),
        BitableFieldType.User or BitableFieldType.CreatedUser or BitableFieldType.ModifiedUser => Persons.FromJson(json),
        BitableFieldType.Phone => Phone.FromJson(json),
        BitableFieldType.Url => Url.FromJson(json),
        BitableFieldType.Attachment => Attachments.FromJson(json),
        BitableFieldType.SingleLink or BitableFieldType.DuplexLink => Links.FromJson(json),
        BitableFieldType.Formula or BitableFieldType.Lookup => Formula.FromJson(json),
        BitableFieldType.Location => Location.FromJson(json),
        BitableFieldType.GroupChat => GroupChats.FromJson(json),
        BitableFieldType.AutoNumber => AutoNumber.FromJson(json),
        _ => new Raw(json.Clone()),
    };

    /// <summary>Reads a cell as <typeparamref name="T"/> (e.g. <c>BitableValue.Read&lt;BitableValue.Text&gt;(json)</c>); null for a JSON null.</summary>
    /// <exception cref="FormatException">The JSON is not a <typeparamref name="T"/>.</exception>
    public static T? Read<T>(JsonElement json)
        where T : BitableValue, IBitableValue<T> => json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : T.FromJson(json);

    /// <summary>
    /// Reads a cell from JSON text — the <c>field_value</c> string of a <c>drive.file.bitable_record_changed_v1</c>
    /// event, say; null for <c>null</c> or empty text.
    /// </summary>
    /// <exception cref="FormatException">The text is not JSON, or not a value of that type.</exception>
    public static BitableValue? Parse(BitableFieldType type, string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        using var document = ParseDocument(json);
        return Read(type, document.RootElement);
    }

    /// <summary>Reads a cell from JSON text as <typeparamref name="T"/>; null for <c>null</c> or empty text.</summary>
    /// <exception cref="FormatException">The text is not JSON, or not a <typeparamref name="T"/>.</exception>
    public static T? Parse<T>(string? json)
        where T : BitableValue, IBitableValue<T>
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        using var document = ParseDocument(json);
        return Read<T>(document.RootElement);
    }

    private static JsonDocument ParseDocument(string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The cell value is not JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Text, email or barcode (<see cref="BitableFieldType.Text"/>): written as one string, read back as segments.</summary>
    /// <param name="Segments">The segments; a value built from a string has one plain segment.</param>
    public sealed record Text(IReadOnlyList<BitableTextSegment> Segments) : BitableValue, IBitableValue<Text>
    {
        /// <summary>Plain text (also an email address or a barcode).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="value"/> is null (clear a cell with <see cref="Clear"/>).</exception>
        public Text(string value)
            : this([BitableTextSegment.Plain(value ?? throw new ArgumentNullException(nameof(value), "Clear a cell with BitableValue.Clear."))])
        {
        }

        /// <summary>The segments' texts joined: what the cell shows (and what is written).</summary>
        public string PlainText => Segments.Count == 1 ? Segments[0].Text : string.Concat(Segments.Select(s => s.Text));

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Text;

        /// <inheritdoc/>
        public static Text FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.String => new Text(json.GetString()!),
            JsonValueKind.Array => new Text(json.EnumerateArray().Select(ReadSegment).ToArray()),
            _ => throw Mismatch("text (an array of segments, or a string)", json),
        };

        /// <inheritdoc/>
        public bool Equals(Text? other) => other is not null && Segments.SequenceEqual(other.Segments);

        /// <inheritdoc/>
        public override int GetHashCode() => Segments.Count == 0 ? 0 : Segments[0].GetHashCode();

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteStringValue(PlainText);

        internal override IEnumerable<string> Problems()
        {
            if (PlainText.Length > BitableLimits.MaxTextLength)
            {
                yield return $"has {PlainText.Length:N0} characters; a text cell holds at most {BitableLimits.MaxTextLength:N0}";
            }
        }

        private static BitableTextSegment ReadSegment(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.String => BitableTextSegment.Plain(json.GetString()!),
            JsonValueKind.Object => new BitableTextSegment(BitableJson.String(json, "type") ?? "text", BitableJson.String(json, "text") ?? "")
            {
                Link = BitableJson.String(json, "link"),
                Token = BitableJson.String(json, "token"),
                MentionType = BitableJson.String(json, "mentionType"),
                MentionNotify = BitableJson.Bool(json, "mentionNotify"),
                Name = BitableJson.String(json, "name"),
            },
            _ => throw Mismatch("a text segment object", json),
        };
    }

    /// <summary>Number, progress, currency or rating (<see cref="BitableFieldType.Number"/>).</summary>
    /// <param name="Value">The number (progress is a fraction: 0.66 shows as 66 %).</param>
    public sealed record Number(decimal Value) : BitableValue, IBitableValue<Number>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Number;

        /// <inheritdoc/>
        public static Number FromJson(JsonElement json) => new(BitableJson.Decimal(json) ?? throw Mismatch("a number", json));

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteNumberValue(Value);
    }

    /// <summary>A single-select option by name (<see cref="BitableFieldType.SingleSelect"/>); an unknown name creates the option.</summary>
    /// <param name="Option">The option's name.</param>
    public sealed record SingleSelect(string Option) : BitableValue, IBitableValue<SingleSelect>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.SingleSelect;

        /// <inheritdoc/>
        public static SingleSelect FromJson(JsonElement json) => json.ValueKind == JsonValueKind.String
            ? new SingleSelect(json.GetString()!)
            : throw Mismatch("an option name (a string)", json);

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteStringValue(Option);

        internal override IEnumerable<string> Problems() => string.IsNullOrWhiteSpace(Option) ? ["has an empty option name"] : [];
    }

    /// <summary>Multi-select options by name (<see cref="BitableFieldType.MultiSelect"/>).</summary>
    /// <param name="Options">The options' names (at most 1,000 in a cell).</param>
    public sealed record MultiSelect(IReadOnlyList<string> Options) : BitableValue, IBitableValue<MultiSelect>
    {
        /// <summary>Options by name.</summary>
        public MultiSelect(params string[] options)
            : this((IReadOnlyList<string>)options)
        {
        }

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.MultiSelect;

        /// <inheritdoc/>
        public static MultiSelect FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.Array => new MultiSelect(json.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Mismatch("an option name (a string)", e)).ToArray()),
            JsonValueKind.String => new MultiSelect(json.GetString()!),
            _ => throw Mismatch("option names (an array of strings)", json),
        };

        /// <inheritdoc/>
        public bool Equals(MultiSelect? other) => other is not null && Options.SequenceEqual(other.Options);

        /// <inheritdoc/>
        public override int GetHashCode() => Options.Count;

        internal override void WriteTo(Utf8JsonWriter writer) => BitableJson.WriteStrings(writer, Options);

        internal override IEnumerable<string> Problems() => ListProblems(Options, BitableLimits.MaxOptionsPerCell, "options", "option name", string.IsNullOrWhiteSpace);
    }

    /// <summary>A date and time (<see cref="BitableFieldType.DateTime"/>; also how created and modified times read), in milliseconds.</summary>
    /// <param name="Value">The instant.</param>
    public sealed record Date(DateTimeOffset Value) : BitableValue, IBitableValue<Date>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.DateTime;

        /// <summary>The instant in Unix milliseconds, as on the wire.</summary>
        public long UnixMilliseconds => Value.ToUnixTimeMilliseconds();

        /// <inheritdoc/>
        public static Date FromJson(JsonElement json) => BitableJson.Int64(json) is { } ms
            ? new Date(DateTimeOffset.FromUnixTimeMilliseconds(ms))
            : throw Mismatch("a time in Unix milliseconds", json);

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteNumberValue(UnixMilliseconds);
    }

    /// <summary>A checkbox (<see cref="BitableFieldType.Checkbox"/>).</summary>
    /// <param name="Checked">Whether it is ticked.</param>
    public sealed record Checkbox(bool Checked) : BitableValue, IBitableValue<Checkbox>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Checkbox;

        /// <inheritdoc/>
        public static Checkbox FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.True => new Checkbox(true),
            JsonValueKind.False => new Checkbox(false),
            _ => throw Mismatch("true or false", json),
        };

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteBooleanValue(Checked);
    }

    /// <summary>
    /// People (<see cref="BitableFieldType.User"/>; also how created-by and modified-by read): written as
    /// <c>[{"id":…}]</c>, read back with names, emails and avatars.
    /// </summary>
    /// <param name="People">The people (at most 1,000 in a cell).</param>
    public sealed record Persons(IReadOnlyList<BitablePerson> People) : BitableValue, IBitableValue<Persons>
    {
        /// <summary>People by user id (of the call's <c>user_id_type</c>).</summary>
        public Persons(params string[] ids)
            : this(ids.Select(id => new BitablePerson(id)).ToArray())
        {
        }

        /// <summary>The ids, in order.</summary>
        public IReadOnlyList<string> Ids => People.Select(p => p.Id).ToArray();

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.User;

        /// <inheritdoc/>
        public static Persons FromJson(JsonElement json) => new(BitableJson.Objects(json, "people (an array of objects with an id)").Select(p => new BitablePerson(BitableJson.String(p, "id") ?? "")
        {
            Name = BitableJson.String(p, "name"),
            EnName = BitableJson.String(p, "en_name"),
            Email = BitableJson.String(p, "email"),
            AvatarUrl = BitableJson.String(p, "avatar_url"),
        }).ToArray());

        /// <inheritdoc/>
        public bool Equals(Persons? other) => other is not null && People.SequenceEqual(other.People);

        /// <inheritdoc/>
        public override int GetHashCode() => People.Count;

        internal override void WriteTo(Utf8JsonWriter writer) => BitableJson.WriteIdObjects(writer, People.Select(p => p.Id), "id");

        internal override IEnumerable<string> Problems() => ListProblems(Ids, BitableLimits.MaxPeoplePerCell, "people", "user id", string.IsNullOrWhiteSpace);
    }

    /// <summary>A phone number (<see cref="BitableFieldType.Phone"/>): digits with an optional leading <c>+</c>, at most 64 characters.</summary>
    /// <param name="Value">The number, e.g. <c>+8613800000000</c>.</param>
    public sealed partial record Phone(string Value) : BitableValue, IBitableValue<Phone>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Phone;

        /// <inheritdoc/>
        public static Phone FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.String => new Phone(json.GetString()!),
            JsonValueKind.Number => new Phone(json.GetRawText()),
            _ => throw Mismatch("a phone number (a string)", json),
        };

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteStringValue(Value);

        internal override IEnumerable<string> Problems()
        {
            if (Value is null || !PhonePattern().IsMatch(Value))
            {
                yield return $"'{Value}' is not a phone number Feishu accepts: digits, optionally after a leading +";
            }
            else if (Value.Length > BitableLimits.MaxPhoneLength)
            {
                yield return $"has {Value.Length} characters; a phone number has at most {BitableLimits.MaxPhoneLength}";
            }
        }

        [GeneratedRegex(@"^\+?\d*$", RegexOptions.CultureInvariant)]
        private static partial Regex PhonePattern();
    }

    /// <summary>A link with its display text (<see cref="BitableFieldType.Url"/>).</summary>
    /// <param name="Label">The text shown (<c>text</c>).</param>
    /// <param name="Link">The address (<c>link</c>).</param>
    public sealed record Url(string Label, string Link) : BitableValue, IBitableValue<Url>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Url;

        /// <inheritdoc/>
        public static Url FromJson(JsonElement json) => json.ValueKind == JsonValueKind.Object
            ? new Url(BitableJson.String(json, "text") ?? "", BitableJson.String(json, "link") ?? "")
            : throw Mismatch("a link object {text, link}", json);

        internal override void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("text", Label);
            writer.WriteString("link", Link);
            writer.WriteEndObject();
        }

        internal override IEnumerable<string> Problems() => string.IsNullOrWhiteSpace(Link) ? ["has no link; give the address"] : [];
    }

    /// <summary>
    /// Attachments (<see cref="BitableFieldType.Attachment"/>): written as <c>[{"file_token":…}]</c> (upload with the
    /// drive media API first), read back with names, types, sizes and URLs.
    /// </summary>
    /// <param name="Files">The files (at most 100 in a cell).</param>
    public sealed record Attachments(IReadOnlyList<BitableAttachment> Files) : BitableValue, IBitableValue<Attachments>
    {
        /// <summary>Files by token.</summary>
        public Attachments(params string[] fileTokens)
            : this(fileTokens.Select(t => new BitableAttachment(t)).ToArray())
        {
        }

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Attachment;

        /// <inheritdoc/>
        public static Attachments FromJson(JsonElement json) => new(BitableJson.Objects(json, "attachments (an array of objects with a file_token)").Select(f => new BitableAttachment(BitableJson.String(f, "file_token") ?? "")
        {
            Name = BitableJson.String(f, "name"),
            Type = BitableJson.String(f, "type"),
            Size = BitableJson.Int64Property(f, "size"),
            Url = BitableJson.String(f, "url"),
            TmpUrl = BitableJson.String(f, "tmp_url"),
        }).ToArray());

        /// <inheritdoc/>
        public bool Equals(Attachments? other) => other is not null && Files.SequenceEqual(other.Files);

        /// <inheritdoc/>
        public override int GetHashCode() => Files.Count;

        internal override void WriteTo(Utf8JsonWriter writer) => BitableJson.WriteIdObjects(writer, Files.Select(f => f.FileToken), "file_token");

        internal override IEnumerable<string> Problems() =>
            ListProblems(Files.Select(f => f.FileToken).ToArray(), BitableLimits.MaxAttachmentsPerCell, "attachments", "file token", string.IsNullOrWhiteSpace);
    }

    /// <summary>
    /// Linked records of a one-way or two-way link (<see cref="BitableFieldType.SingleLink"/>,
    /// <see cref="BitableFieldType.DuplexLink"/>): written as record ids, read back from <c>link_record_ids</c>.
    /// </summary>
    /// <param name="RecordIds">The linked records (at most 500 in a cell).</param>
    public sealed record Links(IReadOnlyList<string> RecordIds) : BitableValue, IBitableValue<Links>
    {
        /// <summary>Records by id.</summary>
        public Links(params string[] recordIds)
            : this((IReadOnlyList<string>)recordIds)
        {
        }

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.SingleLink;

        /// <inheritdoc/>
        public static Links FromJson(JsonElement json) => new(ReadIds(json).ToArray());

        /// <inheritdoc/>
        public bool Equals(Links? other) => other is not null && RecordIds.SequenceEqual(other.RecordIds);

        /// <inheritdoc/>
        public override int GetHashCode() => RecordIds.Count;

        internal override void WriteTo(Utf8JsonWriter writer) => BitableJson.WriteStrings(writer, RecordIds);

        internal override IEnumerable<string> Problems() => ListProblems(RecordIds, BitableLimits.MaxLinksPerCell, "linked records", "record id", string.IsNullOrWhiteSpace);

        // {"link_record_ids":[…]} is the documented read shape; the write shape (ids) and the older list shape
        // ([{"record_ids":[…],"table_id":…,"text":…}]) read too.
        private static IEnumerable<string> ReadIds(JsonElement json)
        {
            switch (json.ValueKind)
            {
                case JsonValueKind.Object when json.TryGetProperty("link_record_ids", out var ids):
                    return ids.ValueKind == JsonValueKind.Null ? [] : Strings(ids);
                case JsonValueKind.Array:
                    return json.EnumerateArray().SelectMany(e => e.ValueKind switch
                    {
                        JsonValueKind.String => [e.GetString()!],
                        JsonValueKind.Object when e.TryGetProperty("record_ids", out var inner) => Strings(inner),
                        JsonValueKind.Object when e.TryGetProperty("link_record_ids", out var inner) => Strings(inner),
                        _ => throw Mismatch("a record id", e),
                    }).ToArray();
                default:
                    throw Mismatch("linked records ({\"link_record_ids\":[…]} or an array of record ids)", json);
            }

            static IEnumerable<string> Strings(JsonElement array) => array.ValueKind == JsonValueKind.Array
                ? array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Mismatch("a record id", e)).ToArray()
                : throw Mismatch("an array of record ids", array);
        }
    }

    /// <summary>A place (<see cref="BitableFieldType.Location"/>): written as <c>"longitude,latitude"</c>, read back with its address.</summary>
    /// <param name="Place">The place; only its coordinates are written.</param>
    public sealed record Location(BitablePlace Place) : BitableValue, IBitableValue<Location>
    {
        /// <summary>A place by its coordinates.</summary>
        public Location(double longitude, double latitude)
            : this(new BitablePlace(string.Create(CultureInfo.InvariantCulture, $"{longitude},{latitude}")))
        {
        }

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Location;

        /// <inheritdoc/>
        public static Location FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.String => new Location(new BitablePlace(json.GetString()!)),
            JsonValueKind.Object => new Location(new BitablePlace(BitableJson.String(json, "location") ?? "")
            {
                Pname = BitableJson.String(json, "pname"),
                Cityname = BitableJson.String(json, "cityname"),
                Adname = BitableJson.String(json, "adname"),
                Address = BitableJson.String(json, "address"),
                Name = BitableJson.String(json, "name"),
                FullAddress = BitableJson.String(json, "full_address"),
            }),
            _ => throw Mismatch("a place (an object with a location, or \"longitude,latitude\")", json),
        };

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteStringValue(Place.Coordinates);

        internal override IEnumerable<string> Problems()
        {
            if (Place.Longitude is not { } lng || Place.Latitude is not { } lat || lng is < -180 or > 180 || lat is < -90 or > 90)
            {
                yield return $"'{Place.Coordinates}' is not \"longitude,latitude\" with a longitude in -180..180 and a latitude in -90..90";
            }
        }
    }

    /// <summary>Group chats (<see cref="BitableFieldType.GroupChat"/>): written as <c>[{"id":"oc_…"}]</c>, read back with names.</summary>
    /// <param name="Chats">The chats (at most 10 in a cell).</param>
    public sealed record GroupChats(IReadOnlyList<BitableGroupChat> Chats) : BitableValue, IBitableValue<GroupChats>
    {
        /// <summary>Chats by id.</summary>
        public GroupChats(params string[] chatIds)
            : this(chatIds.Select(id => new BitableGroupChat(id)).ToArray())
        {
        }

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.GroupChat;

        /// <inheritdoc/>
        public static GroupChats FromJson(JsonElement json) => new(BitableJson.Objects(json, "group chats (an array of objects with an id)").Select(c => new BitableGroupChat(BitableJson.String(c, "id") ?? "")
        {
            Name = BitableJson.String(c, "name"),
            AvatarUrl = BitableJson.String(c, "avatar_url"),
        }).ToArray());

        /// <inheritdoc/>
        public bool Equals(GroupChats? other) => other is not null && Chats.SequenceEqual(other.Chats);

        /// <inheritdoc/>
        public override int GetHashCode() => Chats.Count;

        internal override void WriteTo(Utf8JsonWriter writer) => BitableJson.WriteIdObjects(writer, Chats.Select(c => c.Id), "id");

        internal override IEnumerable<string> Problems() =>
            ListProblems(Chats.Select(c => c.Id).ToArray(), BitableLimits.MaxChatsPerCell, "group chats", "chat id", string.IsNullOrWhiteSpace);
    }

    /// <summary>
    /// A formula's or a lookup's result (read-only): <c>{"type": result type, "value": [...]}</c>, the value always a
    /// list. <see cref="Results"/> reads it by its type.
    /// </summary>
    /// <param name="ResultType">The type of the result.</param>
    /// <param name="Value">The <c>value</c> list as returned.</param>
    public sealed record Formula(BitableFieldType ResultType, JsonElement Value) : BitableValue, IBitableValue<Formula>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.Formula;

        /// <inheritdoc/>
        public override bool IsWritable => false;

        /// <summary>
        /// The result read by <see cref="ResultType"/>: one value when the type's values are lists themselves (text
        /// segments, people, options), else one value per list element (e.g. the numbers of a numeric formula).
        /// </summary>
        public IReadOnlyList<BitableValue> Results =>
            Value.ValueKind != JsonValueKind.Array ? Single(Read(ResultType, Value))
            : BitableFieldTypes.ReadsAsList(ResultType) ? Single(Read(ResultType, Value))
            : Value.EnumerateArray().Select(e => Read(ResultType, e)).OfType<BitableValue>().ToArray();

        /// <inheritdoc/>
        public static Formula FromJson(JsonElement json)
        {
            if (json.ValueKind != JsonValueKind.Object || BitableJson.Int64Property(json, "type") is not { } type)
            {
                throw Mismatch("a formula result {type, value}", json);
            }

            return new Formula((BitableFieldType)type, json.TryGetProperty("value", out var value) ? value.Clone() : default);
        }

        internal override void WriteTo(Utf8JsonWriter writer) => throw new InvalidOperationException("A formula or lookup value cannot be written.");

        internal override IEnumerable<string> Problems() => ["is a formula or lookup result, which Feishu computes; leave the field out of the write"];

        private static IReadOnlyList<BitableValue> Single(BitableValue? value) => value is null ? [] : [value];
    }

    /// <summary>An automatic serial number (read-only).</summary>
    /// <param name="Value">The number as the field formats it.</param>
    public sealed record AutoNumber(string Value) : BitableValue, IBitableValue<AutoNumber>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => BitableFieldType.AutoNumber;

        /// <inheritdoc/>
        public override bool IsWritable => false;

        /// <inheritdoc/>
        public static AutoNumber FromJson(JsonElement json) => json.ValueKind switch
        {
            JsonValueKind.String => new AutoNumber(json.GetString()!),
            JsonValueKind.Number => new AutoNumber(json.GetRawText()),
            _ => throw Mismatch("an auto number (a string)", json),
        };

        internal override void WriteTo(Utf8JsonWriter writer) => throw new InvalidOperationException("An auto number cannot be written.");

        internal override IEnumerable<string> Problems() => ["is an auto number, which Feishu assigns; leave the field out of the write"];
    }

    /// <summary>A cleared cell: written as <c>null</c>. Use <see cref="Clear"/>.</summary>
    public sealed record Empty : BitableValue
    {
        internal Empty()
        {
        }

        /// <inheritdoc/>
        public override BitableFieldType? FieldType => null;

        internal override void WriteTo(Utf8JsonWriter writer) => writer.WriteNullValue();
    }

    /// <summary>Any JSON, written and read as it is: for a field type this library does not know yet.</summary>
    /// <param name="Json">The cell's JSON.</param>
    public sealed record Raw(JsonElement Json) : BitableValue, IBitableValue<Raw>
    {
        /// <inheritdoc/>
        public override BitableFieldType? FieldType => null;

        /// <summary>A value from JSON text.</summary>
        /// <exception cref="FormatException">The text is not JSON.</exception>
        public static Raw FromText(string json)
        {
            using var document = ParseDocument(json);
            return new Raw(document.RootElement.Clone());
        }

        /// <inheritdoc/>
        public static Raw FromJson(JsonElement json) => new(json.Clone());

        internal override void WriteTo(Utf8JsonWriter writer) => Json.WriteTo(writer);
    }

    private static IEnumerable<string> ListProblems(IReadOnlyList<string> items, int max, string what, string item, Func<string, bool> isEmpty)
    {
        if (items.Count > max)
        {
            yield return $"has {items.Count:N0} {what}; a cell holds at most {max:N0}";
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (isEmpty(items[i]))
            {
                yield return $"has an empty {item} at [{i}]";
            }
        }
    }

    private static FormatException Mismatch(string expected, JsonElement json) =>
        new($"Expected {expected}, got {BitableJson.Describe(json)}.");
}
