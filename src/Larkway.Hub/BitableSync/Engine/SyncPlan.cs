namespace Larkway.Hub.BitableSync;

/// <summary>What a pass decided for one row, once both sides and the mapping were compared.</summary>
internal enum RowAction
{
    None,
    CreateRecord,
    UpdateRecord,
    DeleteRecord,
    UpsertRow,
    DeleteRow,
    MapOnly,
    Hold,

    /// <summary>A delete not propagated (deletes are off): the mapping is marked so the row is left alone from then on.</summary>
    Tombstone,
}

/// <summary>One row's two sides and what to do with it.</summary>
/// <param name="Key">The key.</param>
/// <param name="Database">The row's canonical values, null when the row does not exist.</param>
/// <param name="Bitable">The record's canonical values, null when the record does not exist.</param>
/// <param name="RecordId">The record, when it exists or is mapped.</param>
/// <param name="RecordModifiedMs">The record's last_modified_time (0 when unknown).</param>
/// <param name="Action">What to do.</param>
internal sealed record RowDecision(string Key, IReadOnlyList<string?>? Database, IReadOnlyList<string?>? Bitable, string? RecordId, long RecordModifiedMs, RowAction Action);

/// <summary>
/// Decides a row: which side changed since the last sync (by the one hash both sides had then), and, when both did,
/// which wins by the direction and the conflict policy. A row the engine itself wrote hashes as last synced on both sides,
/// so it is never written back: that is the echo suppression.
/// </summary>
internal static class SyncDecider
{
    /// <summary>The mark a mapping row carries once a delete was not propagated: the row is left alone from then on.</summary>
    public const string Tombstone = "tombstone";

    public static RowAction Decide(SyncDirection direction, ConflictPolicy policy, bool propagateDeletes, MapEntry? mapped, IReadOnlyList<string?>? database, IReadOnlyList<string?>? bitable, long databaseChangedMs, long recordModifiedMs, string? picked = null)
    {
        if (mapped?.Hash == Tombstone && picked is null)
        {
            return RowAction.None;
        }

        var dbHash = database is null ? null : SyncValues.Hash(database);
        var recHash = bitable is null ? null : SyncValues.Hash(bitable);
        if (mapped is null)
        {
            return (database, bitable) switch
            {
                (null, null) => RowAction.None,
                ({ }, null) => direction == SyncDirection.ToDatabase ? RowAction.None : RowAction.CreateRecord,
                (null, { }) => direction == SyncDirection.ToBitable ? RowAction.None : RowAction.UpsertRow,

                // Both sides have the key but were never linked (a first sync over two filled tables).
                _ when dbHash == recHash => RowAction.MapOnly,
                _ => Winner(direction, policy, databaseChangedMs, recordModifiedMs, picked) switch
                {
                    Side.Database => RowAction.UpdateRecord,
                    Side.Bitable => RowAction.UpsertRow,
                    _ => RowAction.Hold,
                },
            };
        }

        var dbChanged = dbHash != mapped.Hash;
        var recChanged = recHash != mapped.Hash;
        if (picked is not null)
        {
            (dbChanged, recChanged) = (true, true);
        }

        if (!dbChanged && !recChanged)
        {
            return RowAction.None;
        }

        if (dbChanged && recChanged && dbHash == recHash)
        {
            // Both sides say the same (or both deleted): nothing to write, just remember it.
            return dbHash is null ? RowAction.DeleteRow : RowAction.MapOnly;
        }

        var side = (dbChanged, recChanged) switch
        {
            (true, false) => direction == SyncDirection.ToDatabase ? Side.Bitable : Side.Database,
            (false, true) => direction == SyncDirection.ToBitable ? Side.Database : Side.Bitable,
            _ => Winner(direction, policy, databaseChangedMs, recordModifiedMs, picked),
        };
        return side switch
        {
            Side.Database when database is null => propagateDeletes ? RowAction.DeleteRecord : RowAction.Tombstone,
            Side.Database when bitable is null => RowAction.CreateRecord,
            Side.Database => RowAction.UpdateRecord,
            Side.Bitable when bitable is null => propagateDeletes ? RowAction.DeleteRow : RowAction.Tombstone,
            Side.Bitable => RowAction.UpsertRow,
            _ => RowAction.Hold,
        };
    }

    private enum Side
    {
        Database,
        Bitable,
        Neither,
    }

    private static Side Winner(SyncDirection direction, ConflictPolicy policy, long databaseChangedMs, long recordModifiedMs, string? picked) => picked switch
    {
        "database" => Side.Database,
        "bitable" => Side.Bitable,
        _ => direction switch
        {
            SyncDirection.ToBitable => Side.Database,
            SyncDirection.ToDatabase => Side.Bitable,
            _ => policy switch
            {
                ConflictPolicy.DatabaseWins => Side.Database,
                ConflictPolicy.BitableWins => Side.Bitable,

                // Latest wins: the record's last_modified_time against when the database row changed; a tie, or a side
                // without a time, goes to the database (the system of record).
                ConflictPolicy.LatestWins => recordModifiedMs > databaseChangedMs ? Side.Bitable : Side.Database,
                _ => Side.Neither,
            },
        },
    };
}
