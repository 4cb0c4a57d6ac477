using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>The JSON the bitable pages answer with: bases, tables, fields, views and records.</summary>
internal static class BitableViews
{
    public const string BaseUrlPrefix = "https://example.feishu.cn/base/";

    public static JsonObject Field(BitableField field, bool descriptionAsArray = false) => new()
    {
        ["field_id"] = field.FieldId,
        ["field_name"] = field.Name,
        ["type"] = field.Type,
        ["property"] = Property(field),
        ["description"] = field.Description is null ? null
            : descriptionAsArray ? new JsonArray(new JsonObject { ["text"] = field.Description, ["type"] = "text" })
            : field.Description,
        ["is_primary"] = field.IsPrimary,
        ["ui_type"] = field.UiType,
        ["is_hidden"] = false,
    };

    /// <summary><c>property</c> as stored plus the select options (with their ids); null when the field has none.</summary>
    public static JsonObject? Property(BitableField field)
    {
        var property = field.Property is { ValueKind: JsonValueKind.Object } p ? JsonNode.Parse(p.GetRawText())!.AsObject() : null;
        if (field.Type is FieldTypes.SingleSelect or FieldTypes.MultiSelect)
        {
            property ??= [];
            property["options"] = new JsonArray([.. field.Options.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["id"] = o.Id, ["color"] = o.Color })]);
        }

        return property;
    }

    /// <summary>A field as the field-changed event carries it: <c>{id, name, type, description, property}</c>.</summary>
    public static JsonObject FieldForEvent(BitableField field) => new()
    {
        ["id"] = field.FieldId,
        ["name"] = field.Name,
        ["type"] = field.Type,
        ["description"] = field.Description ?? string.Empty,
        ["property"] = Property(field),
    };

    public static JsonObject View(BitableView view, BitableTable table, bool withProperty)
    {
        var json = new JsonObject
        {
            ["view_id"] = view.ViewId,
            ["view_name"] = view.Name,
            ["view_type"] = view.Type,
        };
        if (withProperty)
        {
            json["property"] = new JsonObject
            {
                ["filter_info"] = view.FilterInfo is { } filter ? FilterInfo(filter, table) : null,
                ["hidden_fields"] = view.HiddenFields is { } hidden ? new JsonArray([.. hidden.Select(h => (JsonNode)h)]) : null,
                ["hierarchy_config"] = view.HierarchyFieldId is { } hierarchy ? new JsonObject { ["field_id"] = hierarchy } : null,
            };
        }

        return json;
    }

    private static JsonObject FilterInfo(JsonElement stored, BitableTable table)
    {
        var json = JsonNode.Parse(stored.GetRawText())!.AsObject();
        json["condition_omitted"] = null;
        foreach (var condition in json["conditions"]!.AsArray().OfType<JsonObject>())
        {
            condition["field_type"] = table.FindField(condition["field_id"]!.GetValue<string>())?.Type;
        }

        return json;
    }

    /// <summary>
    /// A record as reads return it: <c>fields</c> by name (empty cells left out), <c>record_id</c>, and with
    /// <paramref name="automaticFields"/> <c>created_by</c>, <c>created_time</c>, <c>last_modified_by</c>, <c>last_modified_time</c>.
    /// </summary>
    public static JsonObject Record(BitableTable table, BitableRecord record, CellReadContext context, IReadOnlySet<string>? fieldNames = null, bool automaticFields = false, string? sharedUrl = null)
    {
        var fields = new JsonObject();
        foreach (var field in table.Fields)
        {
            if (fieldNames is not null && !fieldNames.Contains(field.Name))
            {
                continue;
            }

            if (CellReader.Read(field, record, context) is { } value)
            {
                fields[field.Name] = value;
            }
        }

        var json = new JsonObject { ["fields"] = fields, ["record_id"] = record.RecordId };
        if (automaticFields)
        {
            json["created_by"] = CellReader.Person(record.CreatedBy, context);
            json["created_time"] = record.CreatedTime;
            json["last_modified_by"] = CellReader.Person(record.ModifiedBy, context);
            json["last_modified_time"] = record.ModifiedTime;
        }

        if (sharedUrl is not null)
        {
            json["shared_url"] = sharedUrl;
        }

        return json;
    }

    public static string RecordUrl(BitableBase app, BitableTable table, BitableRecord record) =>
        BaseUrlPrefix + app.AppToken + "?table=" + table.TableId + "&record=" + record.RecordId;

    /// <summary>The <c>operator_id</c> of an event: a user's three ids in the receiving app, or an app's bot by open_id.</summary>
    public static JsonObject OperatorId(EmulatorState state, AppUserIds ids, ChangeActor actor)
    {
        if (actor.OpenId is { } openId && state.FindUser("open_id", openId) is { } user)
        {
            return new JsonObject { ["union_id"] = ids.UnionId(user), ["user_id"] = user.UserId, ["open_id"] = ids.OpenId(user) };
        }

        var bot = actor.AppId is { } appId ? state.FindApp(appId)?.BotOpenId : null;
        return new JsonObject { ["union_id"] = string.Empty, ["user_id"] = string.Empty, ["open_id"] = bot ?? string.Empty };
    }
}
