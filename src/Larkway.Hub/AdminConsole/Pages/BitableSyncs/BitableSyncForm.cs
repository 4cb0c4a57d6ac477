using System.Globalization;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// The console's sync form, as posted: the API's definition in form fields, the mapping one <c>column = field</c> per line.
/// It only reads the form; every rule is <see cref="BitableSyncService"/>'s. A field left out or empty binds as "" (model
/// binding makes empty strings null), so a partial post gets the form's problems, never an exception.
/// </summary>
internal sealed class BitableSyncForm
{
    public string Name { get; set => field = value ?? ""; } = "";

    public string App { get; set => field = value ?? ""; } = "";

    public string AppToken { get; set => field = value ?? ""; } = "";

    public string TableId { get; set => field = value ?? ""; } = "";

    public string DatabaseKind { get; set => field = value ?? ""; } = "";

    /// <summary>Never shown back; on an edit, left empty keeps the stored one.</summary>
    public string ConnectionString { get; set => field = value ?? ""; } = "";

    public string Table { get; set => field = value ?? ""; } = "";

    public string KeyColumn { get; set => field = value ?? ""; } = "";

    public string KeyField { get; set => field = value ?? ""; } = "";

    public string Columns { get; set => field = value ?? ""; } = "";

    public string Direction { get; set => field = value ?? ""; } = "both";

    public string Capture { get; set => field = value ?? ""; } = "triggers";

    public string UpdatedAtColumn { get; set => field = value ?? ""; } = "";

    public string Conflicts { get; set => field = value ?? ""; } = "hold_for_review";

    public bool PropagateDeletes { get; set; }

    public string SoftDeleteColumn { get; set => field = value ?? ""; } = "";

    public string IntervalSeconds { get; set => field = value ?? ""; } = "60";

    public string FullDiffEvery { get; set => field = value ?? ""; } = "60";

    /// <summary>A stored sync in the form (fields by id, as stored: renaming a field does not change them).</summary>
    public static BitableSyncForm From(BitableSyncRow sync)
    {
        var mapping = SyncMapping.FromJson(sync.MappingJson);
        return new BitableSyncForm
        {
            Name = sync.Name,
            App = sync.App,
            AppToken = sync.AppToken,
            TableId = sync.TableId,
            DatabaseKind = WireName<SyncDatabaseKind>.Of(sync.DatabaseKind),
            Table = sync.TableName,
            KeyColumn = mapping.KeyColumn,
            KeyField = mapping.KeyFieldId,
            Columns = string.Join("\n", mapping.Columns.Where(c => c.Column != mapping.KeyColumn).Select(c => $"{c.Column} = {c.FieldId}")),
            Direction = WireName<SyncDirection>.Of(sync.Direction),
            Capture = WireName<ChangeCapture>.Of(sync.Capture),
            UpdatedAtColumn = sync.UpdatedAtColumn ?? "",
            Conflicts = WireName<ConflictPolicy>.Of(sync.Conflicts),
            PropagateDeletes = sync.PropagateDeletes,
            SoftDeleteColumn = sync.SoftDeleteColumn ?? "",
            IntervalSeconds = sync.IntervalSeconds.ToString(CultureInfo.InvariantCulture),
            FullDiffEvery = sync.FullDiffEvery.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The definition the form asks for, or what to fix in the form itself (keyed as the API keys them).</summary>
    public (SyncInput? Input, List<(string Field, string Message)> Problems) ToInput()
    {
        var problems = new List<(string Field, string Message)>();
        void Required(string value, string field, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add((field, what));
            }
        }

        Required(Name, "name", "Give the sync a name people recognise (e.g. \"ERP orders\").");
        Required(AppToken, "app_token", "The base's app_token, from its URL: …/base/<app_token>.");
        Required(TableId, "table_id", "The Bitable table's id (tbl…), from the URL's table= part.");
        Required(Table, "table", "The database table's name.");
        Required(KeyColumn, "key.column", "The database column that identifies a row.");
        Required(KeyField, "key.field", "The Bitable field (name or id) holding the same value.");
        var kind = SyncDatabaseKind.Postgres;
        if (DatabaseKind.Trim() is "" or "hub")
        {
            problems.Add(("database.kind", DatabaseKind.Trim() == "hub" ? SyncDatabases.HubKindRefused : "Pick where the table is: your PostgreSQL database or your SQLite file."));
        }
        else if (!WireName<SyncDatabaseKind>.TryParse(DatabaseKind.Trim(), out kind))
        {
            // Not Choice<>: its "one of" would list the retired hub kind.
            problems.Add(("database.kind", "Your PostgreSQL database (postgres) or your SQLite file (sqlite)."));
        }

        var direction = Choice<SyncDirection>(Direction, "direction", problems);
        var capture = Choice<ChangeCapture>(Capture, "capture", problems);
        var conflicts = Choice<ConflictPolicy>(Conflicts, "conflicts", problems);
        var interval = Whole(IntervalSeconds, "interval_seconds", problems);
        var fullDiffEvery = Whole(FullDiffEvery, "full_diff_every", problems);
        var columns = new List<(string Column, string Field)>();
        foreach (var (line, number) in Columns.Split('\n').Select((l, i) => (l.Trim(), i + 1)).Where(l => l.Item1.Length > 0))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                problems.Add(("columns", $"Line {number.ToString(CultureInfo.InvariantCulture)} (\"{line}\"): write one mapping per line as column = field, e.g. amount = Amount."));
            }
            else
            {
                columns.Add((parts[0], parts[1]));
            }
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        return (new SyncInput(
            Name.Trim(), App.Trim(), AppToken.Trim(), TableId.Trim(), kind, Blank(ConnectionString), Table.Trim(), KeyColumn.Trim(), KeyField.Trim(), columns,
            direction, capture, Blank(UpdatedAtColumn), conflicts, PropagateDeletes, Blank(SoftDeleteColumn), interval, fullDiffEvery), problems);
    }

    /// <summary>The form field a problem of <see cref="BitableSyncService"/> belongs beside (its key, or its first segment).</summary>
    public static string FieldOf(string problemField) => problemField switch
    {
        _ when problemField.StartsWith("columns", StringComparison.Ordinal) => "columns",
        _ when problemField.StartsWith("key.column", StringComparison.Ordinal) => "key.column",
        _ when problemField.StartsWith("key", StringComparison.Ordinal) => "key.field",
        _ => problemField,
    };

    private static T Choice<T>(string value, string field, List<(string Field, string Message)> problems)
        where T : struct, Enum
    {
        if (WireName<T>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        problems.Add((field, "Pick one of " + string.Join(", ", WireName<T>.All) + "."));
        return default;
    }

    private static int Whole(string value, string field, List<(string Field, string Message)> problems)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        problems.Add((field, "A whole number."));
        return 0;
    }
}
