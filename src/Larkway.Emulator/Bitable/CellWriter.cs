using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// Checks a written cell against its field's write shape (新增记录, 多维表格记录数据结构) and turns it into the stored form.
/// A value of the wrong shape fails with the type's conversion code (1254060–1254072; 1254074 two-way links; 1254015 where
/// the tables name none); a cell over its size limit with 1254130. New select option names are collected and only added by
/// <see cref="ApplyNewOptions"/>, after the whole batch passed. <paramref name="ids"/> null: names come from the control API
/// or the web page (any app's open_id, user_id, email, union_id or the person's name).
/// </summary>
internal sealed partial class CellWriter(BitableTransaction tx, BitableBase app, BitableTable table, AppUserIds? ids, string idType)
{
    public const int MaxTextLength = 100_000;
    public const int MaxPhoneLength = 64;
    public const int MaxMultiSelect = 1000;
    public const int MaxPeople = 1000;
    public const int MaxAttachments = 100;
    public const int MaxLinks = 500;
    public const int MaxGroups = 10;

    private readonly Dictionary<(string FieldId, string Name), string> _newOptions = [];

    public BitableTable Table => table;

    /// <summary>The stored form of <paramref name="value"/>, or null when it clears the cell (null, "", [], false).</summary>
    public JsonElement? Write(BitableField field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return FieldTypes.IsComputed(field.Type) ? throw Mismatch(field, "is computed by the base and cannot be written") : null;
        }

        switch (field.Type)
        {
            case FieldTypes.Text:
                return Text(field, value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail(field, "takes a string"));
            case FieldTypes.Number:
                return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) ? value.Clone() : throw Fail(field, "takes a number");
            case FieldTypes.SingleSelect:
                var choice = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : throw Fail(field, "takes an option name (a string)");
                return choice.Length == 0 ? null : Element(OptionId(field, choice));
            case FieldTypes.MultiSelect:
                return MultiSelect(field, Strings(field, value, "takes an array of option names"));
            case FieldTypes.DateTime:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) ? Element(ms) : throw Fail(field, "takes a Unix timestamp in milliseconds (an integer)");
            case FieldTypes.Checkbox:
                return value.ValueKind switch
                {
                    JsonValueKind.True => Element(true),
                    JsonValueKind.False => null,
                    _ => throw Fail(field, "takes true or false"),
                };
            case FieldTypes.User:
                return People(field, value);
            case FieldTypes.Phone:
                return Phone(field, value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail(field, "takes a string of digits, optionally led by +"));
            case FieldTypes.Url:
                return Url(field, value);
            case FieldTypes.Attachment:
                return Attachments(field, value);
            case FieldTypes.SingleLink or FieldTypes.DuplexLink:
                return Links(field, Strings(field, value, "takes an array of record ids (not {link_record_ids})"));
            case FieldTypes.Location:
                return Location(field, value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail(field, "takes \"longitude,latitude\""));
            case FieldTypes.GroupChat:
                return Groups(field, value);
            default:
                throw Mismatch(field, "is computed by the base and cannot be written");
        }
    }

    /// <summary>The stored form of what a person types into the grid (the web page, the control API, a type change).</summary>
    public JsonElement? FromText(BitableField field, string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        switch (field.Type)
        {
            case FieldTypes.Text or FieldTypes.Phone or FieldTypes.SingleSelect or FieldTypes.Location:
                return Write(field, Element(text));
            case FieldTypes.Number:
                return double.TryParse(text.Replace(",", string.Empty, StringComparison.Ordinal).TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? Write(field, Element(number)) : throw Fail(field, $"'{text}' is not a number");
            case FieldTypes.MultiSelect:
                return MultiSelect(field, Split(text));
            case FieldTypes.DateTime:
                return Element(CellText.ParseDate(text, app.TimeZone) ?? throw Fail(field, $"'{text}' is not a date (yyyy-MM-dd, yyyy-MM-dd HH:mm or milliseconds)"));
            case FieldTypes.Checkbox:
                return text.ToLowerInvariant() is "true" or "1" or "yes" or "on" or "✓" ? Element(true) : null;
            case FieldTypes.User:
                return StoredPeople(field, Split(text).Select(reference => FindPerson(reference) ?? throw Fail(field, $"no person is '{reference}'")));
            case FieldTypes.Url:
                var parts = text.Split('|', 2, StringSplitOptions.TrimEntries);
                return Write(field, JsonSerializer.SerializeToElement(new { text = parts[0], link = parts.Length == 2 ? parts[1] : parts[0] }));
            case FieldTypes.SingleLink or FieldTypes.DuplexLink:
                return Links(field, Split(text));
            case FieldTypes.GroupChat:
                return Groups(field, JsonSerializer.SerializeToElement(Split(text).Select(id => new { id = FindChat(id) ?? id })));
            default:
                throw Mismatch(field, "cannot be typed in");
        }
    }

    /// <summary>Adds the option names new to their fields (after the whole write passed its checks).</summary>
    public void ApplyNewOptions()
    {
        foreach (var ((fieldId, name), id) in _newOptions)
        {
            var field = table.FindField(fieldId)!;
            field.Options.Add(new SelectOption(id, name, field.Options.Count % 55));
        }

        _newOptions.Clear();
    }

    private JsonElement? Text(BitableField field, string text)
    {
        if (text.Length > MaxTextLength)
        {
            throw TooLarge(field, $"has {text.Length} characters; a cell holds at most {MaxTextLength}");
        }

        return text.Length == 0 ? null : Element(text);
    }

    private string OptionId(BitableField field, string name)
    {
        if (field.Options.Find(o => o.Name == name) is { } existing)
        {
            return existing.Id;
        }

        // A name the field does not have yet becomes a new option (新增记录: "对于新的选项值，将会创建一个新的选项").
        if (!_newOptions.TryGetValue((field.FieldId, name), out var id))
        {
            _newOptions[(field.FieldId, name)] = id = BitableIds.OptionId();
        }

        return id;
    }

    private JsonElement? MultiSelect(BitableField field, List<string> names)
    {
        var chosen = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (chosen.Count > MaxMultiSelect)
        {
            throw TooLarge(field, $"has {chosen.Count} options; a cell holds at most {MaxMultiSelect}");
        }

        return chosen.Count == 0 ? null : Element(chosen.Select(n => OptionId(field, n)).ToList());
    }

    private JsonElement? People(BitableField field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(field, "takes an array of {\"id\": user id}");
        }

        var users = new List<EmulatorUser>();
        foreach (var item in value.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var raw) && raw.ValueKind == JsonValueKind.String ? raw.GetString()! : throw Fail(field, "takes an array of {\"id\": user id}: only id is written");
            var user = (ids is { } appIds ? appIds.Find(idType, id) : FindPerson(id))
                ?? throw Fail(field, $"'{id}' is not a {idType} of this tenant as the calling app sees it (user_id_type={idType}; open_ids differ per app)");
            users.Add(user);
        }

        return StoredPeople(field, users);
    }

    private JsonElement? StoredPeople(BitableField field, IEnumerable<EmulatorUser> users)
    {
        var openIds = users.Select(u => u.OpenId).Distinct(StringComparer.Ordinal).ToList();
        if (openIds.Count > 1 && !field.Multiple)
        {
            throw Fail(field, "allows one person (property.multiple is false)");
        }

        if (openIds.Count > MaxPeople)
        {
            throw TooLarge(field, $"has {openIds.Count} people; a cell holds at most {MaxPeople}");
        }

        return openIds.Count == 0 ? null : Element(openIds);
    }

    private JsonElement? Phone(BitableField field, string phone)
    {
        phone = phone.Trim();
        if (phone.Length > MaxPhoneLength || !PhonePattern().IsMatch(phone))
        {
            throw Fail(field, $"'{phone}' is not a phone number: digits, optionally led by +, at most {MaxPhoneLength} characters");
        }

        return phone.Length == 0 ? null : Element(phone);
    }

    private JsonElement Url(BitableField field, JsonElement value)
    {
        var link = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("link", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()!.Trim() : string.Empty;
        if (link.Length == 0)
        {
            throw Fail(field, "takes {\"text\": shown text, \"link\": URL}");
        }

        var text = value.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0 ? t.GetString()! : link;
        return JsonSerializer.SerializeToElement(new JsonObject { ["link"] = link, ["text"] = text });
    }

    private JsonElement? Attachments(BitableField field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(field, "takes an array of {\"file_token\": token from drive media upload}");
        }

        var items = new JsonArray();
        foreach (var item in value.EnumerateArray())
        {
            var token = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("file_token", out var raw) && raw.ValueKind == JsonValueKind.String ? raw.GetString()! : throw Fail(field, "takes an array of {\"file_token\": …}");
            var medium = tx.Store.Media(token)
                ?? throw BitableErrors.Error(BitableErrors.AttachmentNotInBase, $"field '{field.Name}': file_token '{token}' was not uploaded to this base (POST /open-apis/drive/v1/medias/upload_all with parent_node = the app_token)");
            if (medium.AppToken != app.AppToken)
            {
                throw BitableErrors.Error(BitableErrors.AttachmentNotInBase, $"field '{field.Name}': file_token '{token}' belongs to another base");
            }

            items.Add(new JsonObject { ["file_token"] = token, ["name"] = medium.Name, ["size"] = medium.Size, ["type"] = medium.MimeType });
        }

        if (items.Count > MaxAttachments)
        {
            throw TooLarge(field, $"has {items.Count} attachments; a cell holds at most {MaxAttachments}");
        }

        return items.Count == 0 ? null : JsonSerializer.SerializeToElement(items);
    }

    private JsonElement? Links(BitableField field, List<string> recordIds)
    {
        var linked = field.LinkTableId is { } tableId ? app.FindTable(tableId) : null;
        if (linked is null)
        {
            throw Fail(field, "links to a table this base no longer has");
        }

        var distinct = recordIds.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.FirstOrDefault(id => linked.FindRecord(id) is null) is { } missing)
        {
            throw Fail(field, $"'{missing}' is not a record of the linked table {linked.TableId}");
        }

        if (distinct.Count > 1 && !field.Multiple)
        {
            throw Fail(field, "allows one linked record (property.multiple is false)");
        }

        if (distinct.Count > MaxLinks)
        {
            throw TooLarge(field, $"has {distinct.Count} linked records; a cell holds at most {MaxLinks}");
        }

        return distinct.Count == 0 ? null : Element(distinct);
    }

    private JsonElement? Location(BitableField field, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude) || longitude is < -180 or > 180
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude) || latitude is < -90 or > 90)
        {
            throw Fail(field, $"'{text}' is not \"longitude,latitude\"");
        }

        // The emulator has no geocoder: the place is named by its coordinates.
        var location = string.Create(CultureInfo.InvariantCulture, $"{longitude},{latitude}");
        return JsonSerializer.SerializeToElement(new JsonObject
        {
            ["address"] = location,
            ["adname"] = string.Empty,
            ["cityname"] = string.Empty,
            ["full_address"] = location,
            ["location"] = location,
            ["name"] = location,
            ["pname"] = string.Empty,
        });
    }

    private JsonElement? Groups(BitableField field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(field, "takes an array of {\"id\": chat_id}");
        }

        var chats = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var id = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var raw) && raw.ValueKind == JsonValueKind.String ? raw.GetString()! : throw Fail(field, "takes an array of {\"id\": chat_id}");
            if (tx.Store.State.FindChat(id) is null)
            {
                throw Fail(field, $"'{id}' is not a chat of this tenant");
            }

            chats.Add(id);
        }

        chats = [.. chats.Distinct(StringComparer.Ordinal)];
        if (chats.Count > MaxGroups)
        {
            throw TooLarge(field, $"has {chats.Count} group chats; a cell holds at most {MaxGroups}");
        }

        return chats.Count == 0 ? null : Element(chats);
    }

    private List<string> Strings(BitableField field, JsonElement value, string expected)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(field, expected);
        }

        return [.. value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Fail(field, expected))];
    }

    private EmulatorUser? FindPerson(string reference)
    {
        var state = tx.Store.State;
        return state.FindUserByReference(reference) ?? state.Users.FirstOrDefault(u => string.Equals(u.Name, reference, StringComparison.OrdinalIgnoreCase));
    }

    private string? FindChat(string reference) =>
        tx.Store.State.FindChat(reference)?.ChatId ?? tx.Store.State.Chats.FirstOrDefault(c => c.Name == reference)?.ChatId;

    private static List<string> Split(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value);

    private static Platform.ApiErrorException Fail(BitableField field, string detail) =>
        BitableErrors.Error(FieldTypes.ConversionError(field.Type), $"field '{field.Name}' (type {field.Type}) {detail}");

    private static Platform.ApiErrorException Mismatch(BitableField field, string detail) =>
        BitableErrors.Error(BitableErrors.FieldTypeValueNotMatch, $"field '{field.Name}' (type {field.Type}) {detail}");

    private static Platform.ApiErrorException TooLarge(BitableField field, string detail) =>
        BitableErrors.Error(BitableErrors.TooLargeCell, $"field '{field.Name}' {detail}");

    [GeneratedRegex(@"^\+?\d*$")]
    private static partial Regex PhonePattern();
}
