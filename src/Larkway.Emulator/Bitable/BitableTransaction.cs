using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>
/// One change of the bases, by one actor (runs under the store's lock). It notes what it touched; at commit every touched
/// table and base gains one revision, and each table with record or field changes raises, for the apps subscribed to its
/// base, one <c>drive.file.bitable_record_changed_v1</c> (the records, keyed by field id, without formula values) and one
/// <c>drive.file.bitable_field_changed_v1</c> (the fields before and after).
/// </summary>
internal sealed class BitableTransaction(BitableStore store, long now, ChangeActor actor)
{
    public const string RecordChangedEvent = "drive.file.bitable_record_changed_v1";
    public const string FieldChangedEvent = "drive.file.bitable_field_changed_v1";

    private readonly List<Pending> _pending = [];
    private readonly HashSet<BitableBase> _touchedBases = [];

    public long Now => now;

    public ChangeActor Actor => actor;

    public BitableStore Store => store;

    /// <summary>The base (and table) changed: one revision more at commit.</summary>
    public void Touch(BitableBase app, BitableTable? table = null)
    {
        _touchedBases.Add(app);
        if (table is not null)
        {
            PendingOf(app, table);
        }
    }

    public void RecordAdded(BitableBase app, BitableTable table, BitableRecord record) =>
        PendingOf(app, table).Records.Add(new RecordAction(record.RecordId, "record_added", [], EventCells(table, record, null)));

    /// <summary>An edit: <paramref name="changedFieldIds"/> are the cells it changed, <paramref name="before"/> their old values.</summary>
    public void RecordEdited(BitableBase app, BitableTable table, BitableRecord record, IReadOnlyDictionary<string, JsonElement> before, IReadOnlyCollection<string> changedFieldIds)
    {
        var changed = changedFieldIds.ToHashSet(StringComparer.Ordinal);
        var beforeCells = new List<(string, EventCell)>();
        foreach (var fieldId in changed)
        {
            if (table.FindField(fieldId) is { } field && !FieldTypes.IsFormulaLike(field.Type) && before.TryGetValue(fieldId, out var old))
            {
                beforeCells.Add((fieldId, new EventCell(field, old, null)));
            }
        }

        foreach (var field in table.Fields.Where(f => f.Type is FieldTypes.ModifiedTime or FieldTypes.ModifiedUser))
        {
            changed.Add(field.FieldId);
        }

        PendingOf(app, table).Records.Add(new RecordAction(record.RecordId, "record_edited", beforeCells, EventCells(table, record, changed)));
    }

    public void RecordDeleted(BitableBase app, BitableTable table, BitableRecord record) =>
        PendingOf(app, table).Records.Add(new RecordAction(record.RecordId, "record_deleted", EventCells(table, record, null), []));

    public void FieldAdded(BitableBase app, BitableTable table, BitableField field) =>
        PendingOf(app, table).Fields.Add(new FieldAction("field_added", field.FieldId, null, BitableViews.FieldForEvent(field)));

    public void FieldEdited(BitableBase app, BitableTable table, JsonObject before, BitableField field) =>
        PendingOf(app, table).Fields.Add(new FieldAction("field_edited", field.FieldId, before, BitableViews.FieldForEvent(field)));

    public void FieldDeleted(BitableBase app, BitableTable table, BitableField field) =>
        PendingOf(app, table).Fields.Add(new FieldAction("field_deleted", field.FieldId, BitableViews.FieldForEvent(field), null));

    /// <summary>Advances revisions and returns the events to publish (in order: per table, fields first, then records).</summary>
    public IEnumerable<StateChange> Commit()
    {
        foreach (var app in _touchedBases.Concat(_pending.Select(p => p.Base)).Distinct())
        {
            app.Revision++;
        }

        foreach (var pending in _pending)
        {
            pending.Table.Revision++;
        }

        var changes = new List<StateChange>();
        foreach (var pending in _pending)
        {
            var apps = pending.Base.Subscriptions.Select(s => s.AppId).Distinct(StringComparer.Ordinal).ToList();
            if (apps.Count == 0)
            {
                continue;
            }

            if (pending.Fields.Count > 0)
            {
                changes.Add(new V2EventChange(apps, FieldChangedEvent, ids => FieldPayload(pending, ids)));
            }

            if (pending.Records.Count > 0)
            {
                changes.Add(new V2EventChange(apps, RecordChangedEvent, ids => RecordPayload(pending, ids)));
            }
        }

        return changes;
    }

    private Pending PendingOf(BitableBase app, BitableTable table)
    {
        _touchedBases.Add(app);
        var pending = _pending.Find(p => p.Table == table);
        if (pending is null)
        {
            pending = new Pending(app, table);
            _pending.Add(pending);
        }

        return pending;
    }

    /// <summary>The record's non-empty cells (all, or those named), formula and lookup fields left out, automatic ones in.</summary>
    private static List<(string, EventCell)> EventCells(BitableTable table, BitableRecord record, IReadOnlySet<string>? only)
    {
        var cells = new List<(string, EventCell)>();
        foreach (var field in table.Fields)
        {
            if (FieldTypes.IsFormulaLike(field.Type) || (only is not null && !only.Contains(field.FieldId)))
            {
                continue;
            }

            if (field.Type is FieldTypes.CreatedTime or FieldTypes.ModifiedTime or FieldTypes.CreatedUser or FieldTypes.ModifiedUser)
            {
                cells.Add((field.FieldId, new EventCell(field, null, record)));
            }
            else if (record.Cells.TryGetValue(field.FieldId, out var value))
            {
                cells.Add((field.FieldId, new EventCell(field, value, null)));
            }
            else if (only is not null)
            {
                // An edit that cleared the cell: its after value is empty.
                cells.Add((field.FieldId, new EventCell(field, null, null)));
            }
        }

        return cells;
    }

    private JsonObject RecordPayload(Pending pending, AppUserIds ids)
    {
        var state = store.State;
        var context = new CellReadContext(state, ids, "open_id");
        var actions = new JsonArray();
        foreach (var action in pending.Records)
        {
            actions.Add(new JsonObject
            {
                ["record_id"] = action.RecordId,
                ["action"] = action.Action,
                ["before_value"] = Values(action.Before, context),
                ["after_value"] = Values(action.After, context),
            });
        }

        return new JsonObject
        {
            ["file_type"] = "bitable",
            ["file_token"] = pending.Base.AppToken,
            ["table_id"] = pending.Table.TableId,
            ["revision"] = pending.Table.Revision,
            ["operator_id"] = BitableViews.OperatorId(state, ids, actor),
            ["action_list"] = actions,
            ["subscriber_id_list"] = Subscribers(pending.Base, ids),
            ["update_time"] = now / 1000,
        };
    }

    private JsonObject FieldPayload(Pending pending, AppUserIds ids) => new()
    {
        ["file_type"] = "bitable",
        ["file_token"] = pending.Base.AppToken,
        ["table_id"] = pending.Table.TableId,
        ["operator_id"] = BitableViews.OperatorId(store.State, ids, actor),
        ["action_list"] = new JsonArray([.. pending.Fields.Select(f => (JsonNode)new JsonObject
        {
            ["action"] = f.Action,
            ["field_id"] = f.FieldId,
            ["before_value"] = f.Before?.DeepClone(),
            ["after_value"] = f.After?.DeepClone(),
        })]),
        ["revision"] = pending.Table.Revision,
        ["subscriber_id_list"] = Subscribers(pending.Base, ids),
        ["update_time"] = now / 1000,
    };

    private JsonArray Subscribers(BitableBase app, AppUserIds ids) =>
        [.. app.Subscriptions.Where(s => s.AppId == ids.AppId && s.UserOpenId is not null).Select(s => (JsonNode)BitableViews.OperatorId(store.State, ids, new ChangeActor(s.UserOpenId, null)))];

    /// <summary><c>[{field_id, field_value (the read shape as a JSON string), field_identity_value?}]</c>.</summary>
    private static JsonArray Values(List<(string FieldId, EventCell Cell)> cells, CellReadContext context)
    {
        var values = new JsonArray();
        foreach (var (fieldId, cell) in cells)
        {
            var value = cell.Record is { } record ? CellReader.Read(cell.Field, record, context)
                : cell.Stored is { } stored ? CellReader.Read(cell.Field, stored, context)
                : null;
            var item = new JsonObject { ["field_id"] = fieldId, ["field_value"] = value?.ToJsonString() ?? string.Empty };
            if (FieldTypes.IsPeople(cell.Field.Type) && value is JsonArray people)
            {
                item["field_identity_value"] = new JsonObject
                {
                    ["users"] = new JsonArray([.. people.OfType<JsonObject>().Select(p => (JsonNode)Identity(p, context))]),
                };
            }

            values.Add(item);
        }

        return values;
    }

    private static JsonObject Identity(JsonObject person, CellReadContext context)
    {
        var id = person["id"]?.GetValue<string>() ?? string.Empty;
        var user = context.State.FindUser(context.Ids.AppId, "open_id", id);
        return new JsonObject
        {
            ["user_id"] = user is null
                ? new JsonObject { ["union_id"] = string.Empty, ["user_id"] = string.Empty, ["open_id"] = id }
                : new JsonObject { ["union_id"] = context.Ids.UnionId(user), ["user_id"] = user.UserId, ["open_id"] = context.Ids.OpenId(user) },
            ["name"] = person["name"]?.DeepClone(),
            ["en_name"] = person["en_name"]?.DeepClone(),
            ["avatar_url"] = person["avatar_url"]?.DeepClone(),
        };
    }

    /// <summary>A cell captured for an event: a stored value, or (automatic fields) the record whose meta it shows.</summary>
    private sealed record EventCell(BitableField Field, JsonElement? Stored, BitableRecord? Record);

    private sealed record RecordAction(string RecordId, string Action, List<(string FieldId, EventCell Cell)> Before, List<(string FieldId, EventCell Cell)> After);

    private sealed record FieldAction(string Action, string FieldId, JsonObject? Before, JsonObject? After);

    private sealed record Pending(BitableBase Base, BitableTable Table)
    {
        public List<RecordAction> Records { get; } = [];

        public List<FieldAction> Fields { get; } = [];
    }
}
