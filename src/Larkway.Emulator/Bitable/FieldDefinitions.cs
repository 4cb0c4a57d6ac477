using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.Bitable;

/// <summary>A field as a create or update request describes it, checked but not yet applied.</summary>
internal sealed record FieldDraft(string Name, int Type, string UiType, JsonObject? Property, IReadOnlyList<OptionDraft> Options, string? Description);

/// <summary>A select option of a request: an existing option's id (update) or none (a new option).</summary>
internal sealed record OptionDraft(string? Id, string Name, int Color);

/// <summary>
/// Field definitions (字段编辑指南, 新增字段, 更新字段): reads and checks them, and creates, changes and deletes fields — the
/// index (primary) field's types, select options with server-assigned ids and colours 0–54, link fields that need a table
/// of the same base, two-way links that keep a back field in the linked table, and the per-table field limit.
/// </summary>
internal static class FieldDefinitions
{
    private const int Invalid = BitableErrors.WrongRequestBody;

    public static FieldDraft Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw BitableErrors.Error(Invalid, "a field must be an object {field_name, type, ui_type?, property?, description?}");
        }

        var name = (body.OptionalString("field_name", Invalid) ?? string.Empty).Trim();
        if (name.Length == 0)
        {
            throw BitableErrors.Error(BitableErrors.EmptyFieldName, "field_name is required and may not be blank");
        }

        if (name.Length > 100)
        {
            throw BitableErrors.Error(BitableErrors.InvalidFieldName, $"field_name '{name[..20]}…' is longer than 100 characters");
        }

        var type = body.OptionalInt("type", Invalid) ?? throw BitableErrors.Error(Invalid, $"field '{name}': type is required");
        if (!FieldTypes.IsCreatable(type))
        {
            throw BitableErrors.Error(BitableErrors.NotSupportFieldOrView, $"field '{name}': type {type} cannot be created through the API (lookup fields and unknown types)");
        }

        var uiType = body.OptionalString("ui_type", Invalid) ?? FieldTypes.DefaultUiType(type);
        if (!FieldTypes.AllowsUiType(type, uiType))
        {
            throw BitableErrors.Error(Invalid, $"field '{name}': ui_type '{uiType}' does not belong to type {type}");
        }

        JsonObject? property = null;
        var options = new List<OptionDraft>();
        if (body.TryGetProperty("property", out var raw) && raw.ValueKind != JsonValueKind.Null)
        {
            if (raw.ValueKind != JsonValueKind.Object)
            {
                throw BitableErrors.Error(Invalid, $"field '{name}': property must be an object or null");
            }

            property = JsonNode.Parse(raw.GetRawText())!.AsObject();
            if (property["options"] is JsonArray given)
            {
                property.Remove("options");
                if (type is FieldTypes.SingleSelect or FieldTypes.MultiSelect)
                {
                    options.AddRange(ReadOptions(name, given));
                }
            }

            if (property.Count == 0)
            {
                property = null;
            }
        }

        if (FieldTypes.IsLink(type) && property?["table_id"]?.GetValueKind() != JsonValueKind.String)
        {
            throw BitableErrors.Error(Invalid, $"field '{name}': a link field needs property.table_id, the linked table of the same base");
        }

        if (type == FieldTypes.AutoNumber && property?["auto_serial"] is null)
        {
            property ??= [];
            property["auto_serial"] = new JsonObject { ["type"] = "auto_increment_number" };
        }

        return new FieldDraft(name, type, uiType, property, options, Description(body));
    }

    /// <summary>The checks a new table's fields must pass before the table is made (so a refused table leaves nothing behind).</summary>
    public static void CheckNewTable(BitableBase app, IReadOnlyList<FieldDraft> drafts)
    {
        if (!FieldTypes.CanBePrimary(drafts[0].Type))
        {
            throw BitableErrors.Error(BitableErrors.NotSupportFieldOrView, $"field '{drafts[0].Name}' (type {drafts[0].Type}) cannot be the index field: use text (1), number (2), date (5), phone (13), URL (15), formula (20) or location (22)");
        }

        if (drafts.GroupBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw BitableErrors.Error(BitableErrors.FieldNameDuplicated, $"two fields are named '{twice.Key}'");
        }

        if (drafts.FirstOrDefault(d => FieldTypes.IsLink(d.Type) && app.FindTable(d.Property!["table_id"]!.GetValue<string>()) is null) is { } link)
        {
            throw BitableErrors.Error(BitableErrors.TableIdNotFound, $"field '{link.Name}': property.table_id is not a table of base {app.AppToken}");
        }
    }

    /// <summary>Adds a field; a two-way link also gets its back field in the linked table.</summary>
    public static BitableField Create(BitableTransaction tx, BitableBase app, BitableTable table, FieldDraft draft, bool isPrimary = false)
    {
        CheckName(table, draft.Name, null);
        if (table.Fields.Count >= tx.Store.Options.MaxFieldsPerTable)
        {
            throw BitableErrors.Error(BitableErrors.ColumnExceedLimit, $"table {table.TableId} already has {table.Fields.Count} fields (at most {tx.Store.Options.MaxFieldsPerTable})");
        }

        if (isPrimary && !FieldTypes.CanBePrimary(draft.Type))
        {
            throw BitableErrors.Error(BitableErrors.NotSupportFieldOrView, $"field '{draft.Name}' (type {draft.Type}) cannot be the index field: use text (1), number (2), date (5), phone (13), URL (15), formula (20) or location (22)");
        }

        var field = new BitableField
        {
            FieldId = BitableIds.FieldId(),
            Name = draft.Name,
            Type = draft.Type,
            UiType = draft.UiType,
            Description = draft.Description,
            IsPrimary = isPrimary,
        };
        Apply(tx, app, table, field, draft);
        table.Fields.Add(field);
        tx.FieldAdded(app, table, field);
        return field;
    }

    /// <summary>Replaces name, type, ui_type, property and description. A new type keeps the cells it can read, as text.</summary>
    public static void Update(BitableTransaction tx, BitableBase app, BitableTable table, BitableField field, FieldDraft draft)
    {
        CheckName(table, draft.Name, field);
        if (field.IsPrimary && !FieldTypes.CanBePrimary(draft.Type))
        {
            throw BitableErrors.Error(BitableErrors.NotSupportFieldOrView, $"field '{field.Name}' is the index field; type {draft.Type} cannot be an index field");
        }

        if (field.Type == FieldTypes.DuplexLink && (draft.Type != FieldTypes.DuplexLink || draft.Property?["table_id"]?.GetValue<string>() != field.LinkTableId))
        {
            throw BitableErrors.Error(BitableErrors.FieldTypeValueNotMatch, $"field '{field.Name}' is a two-way link; delete it instead of changing its type or linked table");
        }

        var before = BitableViews.FieldForEvent(field);
        var oldType = field.Type;
        var oldField = new BitableField { FieldId = field.FieldId, Name = field.Name, Type = field.Type, UiType = field.UiType, Property = field.Property, Options = [.. field.Options] };
        field.Name = draft.Name;
        field.Type = draft.Type;
        field.UiType = draft.UiType;
        field.Description = draft.Description;
        Apply(tx, app, table, field, draft);
        if (oldType != field.Type || (FieldTypes.IsLink(field.Type) && oldField.LinkTableId != field.LinkTableId))
        {
            CellConversion.Convert(tx, app, table, oldField, field);
        }
        else if (field.Type is FieldTypes.SingleSelect or FieldTypes.MultiSelect)
        {
            CellConversion.DropRemovedOptions(table, field);
        }

        tx.FieldEdited(app, table, before, field);
    }

    /// <summary>Deletes a field (never the index field); a two-way link takes its back field with it.</summary>
    public static void Delete(BitableTransaction tx, BitableBase app, BitableTable table, BitableField field)
    {
        if (field.IsPrimary)
        {
            throw BitableErrors.Error(BitableErrors.NotSupportFieldOrView, $"field '{field.Name}' is the index field, which cannot be deleted");
        }

        Remove(tx, app, table, field);
        if (field.Type == FieldTypes.DuplexLink && field.LinkTableId is { } otherId && app.FindTable(otherId) is { } other
            && field.BackFieldId is { } backId && other.FindField(backId) is { } back)
        {
            Remove(tx, app, other, back);
        }
    }

    private static void Remove(BitableTransaction tx, BitableBase app, BitableTable table, BitableField field)
    {
        table.Fields.Remove(field);
        foreach (var record in table.Records)
        {
            record.Cells.Remove(field.FieldId);
        }

        foreach (var view in table.Views)
        {
            view.HiddenFields?.Remove(field.FieldId);
        }

        tx.FieldDeleted(app, table, field);
    }

    private static void Apply(BitableTransaction tx, BitableBase app, BitableTable table, BitableField field, FieldDraft draft)
    {
        var property = draft.Property?.DeepClone().AsObject();
        if (FieldTypes.IsLink(draft.Type))
        {
            var linked = property!["table_id"]!.GetValue<string>();
            var target = app.FindTable(linked) ?? throw BitableErrors.Error(BitableErrors.TableIdNotFound, $"field '{draft.Name}': property.table_id '{linked}' is not a table of base {app.AppToken}");
            property["table_name"] = target.Name;
            if (draft.Type == FieldTypes.DuplexLink)
            {
                LinkBack(tx, app, table, field, target, property);
            }
        }

        field.Property = property is null ? null : JsonSerializer.SerializeToElement(property);
        if (draft.Type is FieldTypes.SingleSelect or FieldTypes.MultiSelect)
        {
            var kept = new List<SelectOption>();
            foreach (var option in draft.Options)
            {
                var id = option.Id is { } given && field.Options.Exists(o => o.Id == given) ? given : BitableIds.OptionId();
                kept.Add(new SelectOption(id, option.Name, option.Color));
            }

            field.Options = kept;
        }
        else
        {
            field.Options = [];
        }
    }

    /// <summary>The back field of a two-way link: made on creation (named <c>back_field_name</c>, else after this table).</summary>
    private static void LinkBack(BitableTransaction tx, BitableBase app, BitableTable table, BitableField field, BitableTable target, JsonObject property)
    {
        if (field.Type == FieldTypes.DuplexLink && field.BackFieldId is { } existing && target.FindField(existing) is { } kept)
        {
            property["back_field_id"] = kept.FieldId;
            property["back_field_name"] = kept.Name;
            return;
        }

        var backName = property["back_field_name"]?.GetValue<string>() is { Length: > 0 } named ? named : table.Name;
        backName = Ids.FirstFree(backName, candidate => target.FieldNamed(candidate) is not null || (target == table && candidate == field.Name));
        var back = new BitableField
        {
            FieldId = BitableIds.FieldId(),
            Name = backName,
            Type = FieldTypes.DuplexLink,
            UiType = "DuplexLink",
            Property = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["table_id"] = table.TableId,
                ["table_name"] = table.Name,
                ["back_field_id"] = field.FieldId,
                ["back_field_name"] = field.Name,
                ["multiple"] = true,
            }),
        };
        target.Fields.Add(back);
        tx.FieldAdded(app, target, back);
        property["back_field_id"] = back.FieldId;
        property["back_field_name"] = back.Name;
    }

    private static void CheckName(BitableTable table, string name, BitableField? self)
    {
        if (table.Fields.Exists(f => f != self && f.Name == name))
        {
            throw BitableErrors.Error(BitableErrors.FieldNameDuplicated, $"table {table.TableId} already has a field named '{name}'");
        }
    }

    private static List<OptionDraft> ReadOptions(string fieldName, JsonArray given)
    {
        var options = new List<OptionDraft>();
        foreach (var item in given)
        {
            if (item is not JsonObject option)
            {
                throw BitableErrors.Error(Invalid, $"field '{fieldName}': property.options must be objects {{name, color?}}");
            }

            var optionName = option["name"]?.GetValueKind() == JsonValueKind.String ? option["name"]!.GetValue<string>().Trim() : string.Empty;
            if (optionName.Length == 0)
            {
                throw BitableErrors.Error(BitableErrors.EmptyOptionName, $"field '{fieldName}': an option has no name");
            }

            var color = option["color"] is { } c && c.GetValueKind() == JsonValueKind.Number ? c.GetValue<int>() : options.Count % 55;
            if (color is < 0 or > 54)
            {
                throw BitableErrors.Error(Invalid, $"field '{fieldName}': option '{optionName}' has color {color}; colours are 0 to 54");
            }

            if (!options.Exists(o => o.Name == optionName))
            {
                options.Add(new OptionDraft(option["id"]?.GetValueKind() == JsonValueKind.String ? option["id"]!.GetValue<string>() : null, optionName, color));
            }
        }

        return options;
    }

    /// <summary><c>description</c> is a string or <c>{text, disable_sync}</c>.</summary>
    private static string? Description(JsonElement body) =>
        !body.TryGetProperty("description", out var description) ? null
        : description.ValueKind == JsonValueKind.String ? description.GetString()
        : description.ValueKind == JsonValueKind.Object && description.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()
        : null;
}
