namespace Larkway.Hub.BitableSync;

/// <summary>Which way rows travel.</summary>
public enum SyncDirection
{
    /// <summary>The database is the source; Bitable mirrors it (an edit in Bitable is put back).</summary>
    ToBitable,

    /// <summary>Bitable is the source; the database mirrors it.</summary>
    ToDatabase,

    /// <summary>Both ways; a row changed on both sides is a conflict settled by the policy.</summary>
    Both,
}

/// <summary>How the database's changes are found.</summary>
public enum ChangeCapture
{
    /// <summary>Triggers fill a change-log table: every insert, update and delete, in commit order, deletes included.</summary>
    Triggers,

    /// <summary>An <c>updated_at</c> column read above a high-water mark: no triggers, but deletes are only seen by the full diff.</summary>
    UpdatedAt,
}

/// <summary>Which side wins when a row changed on both since the last sync.</summary>
public enum ConflictPolicy
{
    /// <summary>The database's row is written to Bitable.</summary>
    DatabaseWins,

    /// <summary>Bitable's record is written to the database.</summary>
    BitableWins,

    /// <summary>The side changed last wins (the record's last_modified_time against the row's capture time).</summary>
    LatestWins,

    /// <summary>Neither is written; the conflict waits in the console until an operator picks a side.</summary>
    HoldForReview,
}

/// <summary>Where the database table lives.</summary>
public enum SyncDatabaseKind
{
    /// <summary>The Hub's own database (its provider and connection).</summary>
    Hub,

    /// <summary>An external PostgreSQL database.</summary>
    Postgres,

    /// <summary>An external SQLite file.</summary>
    Sqlite,
}

/// <summary>Whether a sync runs.</summary>
public enum SyncState
{
    /// <summary>Not running (a new sync starts here, so its dry run can be checked first).</summary>
    Paused,

    /// <summary>Running on its interval and on Bitable's events.</summary>
    Active,
}

/// <summary>One sync between a Bitable table and a database table (<c>bitable_syncs</c>).</summary>
public sealed class BitableSyncRow
{
    /// <summary><c>bsy_</c> and 32 hex digits.</summary>
    public string Id { get; set; } = "";

    /// <summary>A name for people.</summary>
    public string Name { get; set; } = "";

    /// <summary>The Hub app whose client calls Bitable (<c>""</c>: the default app).</summary>
    public string App { get; set; } = "";

    /// <summary>The base.</summary>
    public string AppToken { get; set; } = "";

    /// <summary>The table in the base.</summary>
    public string TableId { get; set; } = "";

    /// <summary>Where the database table lives.</summary>
    public SyncDatabaseKind DatabaseKind { get; set; }

    /// <summary>The external database's connection string, protected (never returned or logged); null for the Hub's own.</summary>
    public string? ConnectionProtected { get; set; }

    /// <summary>The database table.</summary>
    public string TableName { get; set; } = "";

    /// <summary>The column and field (by id) that identify a row on both sides, and the column ↔ field mapping (JSON).</summary>
    public string MappingJson { get; set; } = "";

    /// <summary>Which way rows travel.</summary>
    public SyncDirection Direction { get; set; }

    /// <summary>How the database's changes are found.</summary>
    public ChangeCapture Capture { get; set; }

    /// <summary>The <c>updated_at</c> column for <see cref="ChangeCapture.UpdatedAt"/>.</summary>
    public string? UpdatedAtColumn { get; set; }

    /// <summary>Who wins a conflict.</summary>
    public ConflictPolicy Conflicts { get; set; }

    /// <summary>Whether a delete on one side deletes on the other (off until turned on).</summary>
    public bool PropagateDeletes { get; set; }

    /// <summary>A column set to the deletion time instead of deleting the database row, when Bitable deletes a record.</summary>
    public string? SoftDeleteColumn { get; set; }

    /// <summary>Running or paused.</summary>
    public SyncState State { get; set; }

    /// <summary>How often a pass runs without an event to wake it.</summary>
    public int IntervalSeconds { get; set; }

    /// <summary>Every how many passes a full diff runs (the hash diff that heals what events and capture missed).</summary>
    public int FullDiffEvery { get; set; }

    /// <summary>Passes run so far.</summary>
    public long Passes { get; set; }

    /// <summary>Field ids whose columns are paused after a field-changed event, with the difference found (JSON), or null.</summary>
    public string? SchemaProblemsJson { get; set; }

    /// <summary>When created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the last pass ended.</summary>
    public DateTimeOffset? LastPassAt { get; set; }

    /// <summary>How the last pass ended (<c>ok</c>, or the error).</summary>
    public string? LastPassOutcome { get; set; }

    /// <summary>The oldest change not yet synced when the last pass began, as seen then; the lag.</summary>
    public long? LagMilliseconds { get; set; }

    /// <summary>Rows written to Bitable so far.</summary>
    public long RowsToBitable { get; set; }

    /// <summary>Rows written to the database so far.</summary>
    public long RowsToDatabase { get; set; }
}

/// <summary>One pass of a sync (<c>bitable_sync_passes</c>): the history.</summary>
public sealed class BitableSyncPassRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The sync.</summary>
    public string SyncId { get; set; } = "";

    /// <summary><c>full</c> or <c>changes</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>When it began.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset EndedAt { get; set; }

    /// <summary><c>ok</c> or the error.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>Records created, updated or deleted in Bitable.</summary>
    public int ToBitable { get; set; }

    /// <summary>Rows inserted, updated or deleted in the database.</summary>
    public int ToDatabase { get; set; }

    /// <summary>Conflicts found.</summary>
    public int Conflicts { get; set; }

    /// <summary>Rows refused (dead letters added).</summary>
    public int Refused { get; set; }

    /// <summary>Open API calls made.</summary>
    public int ApiCalls { get; set; }
}

/// <summary>A row changed on both sides, held for an operator (<c>bitable_sync_conflicts</c>).</summary>
public sealed class BitableSyncConflictRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The sync.</summary>
    public string SyncId { get; set; } = "";

    /// <summary>The row's key (canonical text).</summary>
    public string RowKey { get; set; } = "";

    /// <summary>The record, when it exists.</summary>
    public string? RecordId { get; set; }

    /// <summary>The database's values by column (JSON; null: the row was deleted).</summary>
    public string? DatabaseJson { get; set; }

    /// <summary>Bitable's values by column (JSON; null: the record was deleted).</summary>
    public string? BitableJson { get; set; }

    /// <summary>When found (the last time, if found again).</summary>
    public DateTimeOffset FoundAt { get; set; }

    /// <summary>The side the operator picked (<c>database</c> or <c>bitable</c>), null while open.</summary>
    public string? Resolution { get; set; }

    /// <summary>When resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>A row Bitable or the database refused (<c>bitable_sync_dead_letters</c>); the rest of the pass went on.</summary>
public sealed class BitableSyncDeadLetterRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The sync.</summary>
    public string SyncId { get; set; } = "";

    /// <summary>The row's key.</summary>
    public string RowKey { get; set; } = "";

    /// <summary>The record, when known.</summary>
    public string? RecordId { get; set; }

    /// <summary><c>to_bitable</c> or <c>to_database</c>.</summary>
    public string Direction { get; set; } = "";

    /// <summary>Feishu's code (0 for a conversion or database refusal).</summary>
    public int Code { get; set; }

    /// <summary>What was refused and why.</summary>
    public string Message { get; set; } = "";

    /// <summary>When refused (the last time).</summary>
    public DateTimeOffset FailedAt { get; set; }

    /// <summary>Times refused.</summary>
    public int Attempts { get; set; }

    /// <summary>When an operator asked for a retry; the next pass takes the row again.</summary>
    public DateTimeOffset? RetryRequestedAt { get; set; }
}

/// <summary>A record Bitable said changed (an event), waiting for the sync's next pass (<c>bitable_sync_dirty_records</c>).</summary>
public sealed class BitableSyncDirtyRecordRow
{
    /// <summary>The sync.</summary>
    public string SyncId { get; set; } = "";

    /// <summary>The record.</summary>
    public string RecordId { get; set; } = "";

    /// <summary>What happened (<c>record_added</c>, <c>record_edited</c>, <c>record_deleted</c>).</summary>
    public string Action { get; set; } = "";

    /// <summary>When the event said it happened.</summary>
    public DateTimeOffset ChangedAt { get; set; }
}
