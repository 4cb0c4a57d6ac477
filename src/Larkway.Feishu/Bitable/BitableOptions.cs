namespace Larkway.Feishu.Bitable;

/// <summary>
/// How the bitable client batches, paces and serialises its calls (<c>Feishu:Bitable</c> in configuration). The
/// defaults follow the current documentation: batches of 1,000 records to create or update, 500 to delete, 100 to get;
/// writes 50/s, searches and batch reads 20/s, schema writes 10/s per endpoint; one write at a time per base.
/// </summary>
public sealed class BitableOptions
{
    /// <summary>The current batch_create / batch_update cap.</summary>
    public const int CurrentBatchSize = 1000;

    /// <summary>The cap older pages and error 1254104 still state.</summary>
    public const int LegacyBatchSize = 500;

    /// <summary>A conservative cap (the Base v3 API's, and what the official CLI keeps to) for tables heavy with formulas or links.</summary>
    public const int ConservativeBatchSize = 200;

    /// <summary>Records per batch_create call (default <see cref="CurrentBatchSize"/>; 1–1,000). A 1254104 answer halves it for the table.</summary>
    public int BatchCreateSize { get; set; } = CurrentBatchSize;

    /// <summary>Records per batch_update call (default <see cref="CurrentBatchSize"/>; 1–1,000).</summary>
    public int BatchUpdateSize { get; set; } = CurrentBatchSize;

    /// <summary>Record ids per batch_delete call (default 500, the documented cap; 1–500).</summary>
    public int BatchDeleteSize { get; set; } = 500;

    /// <summary>Record ids per batch_get call (default 100, the documented cap; 1–100).</summary>
    public int BatchGetSize { get; set; } = BitableLimits.MaxBatchGet;

    /// <summary>
    /// Whether a batch refused for what one record holds (a value of the wrong type, an unknown field, a missing record)
    /// is split in halves until the bad records are isolated and the others written (default true). Batches are
    /// all-or-nothing, so without this one bad record fails the whole batch.
    /// </summary>
    public bool BisectRecordErrors { get; set; } = true;

    /// <summary>
    /// How many refused records a batch isolates before it stops (default 20): an error every record shares (a field
    /// name that does not exist, say) would otherwise be bisected record by record. The rest is reported as not sent.
    /// </summary>
    public int MaxRecordFailures { get; set; } = 20;

    /// <summary>How long to wait after 1254607 (data not ready) before resending a smaller batch (default 1 s).</summary>
    public TimeSpan DataNotReadyDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many 1254607 answers in a row a batch call takes, each halving the batch, before failing (default 8).</summary>
    public int MaxDataNotReadyRetries { get; set; } = 8;

    /// <summary>Successful calls after which a batch size shrunk by 1254607 doubles back towards its cap (default 3).</summary>
    public int RestoreAfterSuccesses { get; set; } = 3;

    /// <summary>Whether writes to one base (records, fields, views, tables) wait for each other, as the documentation advises (default true).</summary>
    public bool SerializeWritesPerBase { get; set; } = true;

    /// <summary>Whether calls are paced to the documented per-endpoint rates before they leave (default true).</summary>
    public bool PaceRequests { get; set; } = true;

    /// <summary>Record writes (create, update, delete; single and batch) per second per endpoint (default 50).</summary>
    public int WritesPerSecond { get; set; } = 50;

    /// <summary>Searches, batch gets and lists (tables, fields, views, get base) per second per endpoint (default 20).</summary>
    public int ReadsPerSecond { get; set; } = 20;

    /// <summary>Table, field and view writes (and base updates) per second per endpoint (default 10).</summary>
    public int SchemaWritesPerSecond { get; set; } = 10;

    /// <summary>Base creations and copies per minute (default 20).</summary>
    public int AppCreatesPerMinute { get; set; } = 20;

    internal BitableOptions Clone() => (BitableOptions)MemberwiseClone();

    /// <summary>What is wrong with the options, each naming the setting.</summary>
    internal IEnumerable<string> Problems()
    {
        if (BatchCreateSize is < 1 or > CurrentBatchSize)
        {
            yield return $"Bitable:BatchCreateSize must be 1–{CurrentBatchSize} (it is {BatchCreateSize})";
        }

        if (BatchUpdateSize is < 1 or > CurrentBatchSize)
        {
            yield return $"Bitable:BatchUpdateSize must be 1–{CurrentBatchSize} (it is {BatchUpdateSize})";
        }

        if (BatchDeleteSize is < 1 or > 500)
        {
            yield return $"Bitable:BatchDeleteSize must be 1–500 (it is {BatchDeleteSize})";
        }

        if (BatchGetSize is < 1 or > BitableLimits.MaxBatchGet)
        {
            yield return $"Bitable:BatchGetSize must be 1–{BitableLimits.MaxBatchGet} (it is {BatchGetSize})";
        }

        if (DataNotReadyDelay < TimeSpan.Zero || MaxDataNotReadyRetries < 0 || RestoreAfterSuccesses < 1 || MaxRecordFailures < 1)
        {
            yield return "Bitable needs DataNotReadyDelay >= 0, MaxDataNotReadyRetries >= 0, RestoreAfterSuccesses >= 1 and MaxRecordFailures >= 1";
        }

        if (PaceRequests && (WritesPerSecond < 1 || ReadsPerSecond < 1 || SchemaWritesPerSecond < 1 || AppCreatesPerMinute < 1))
        {
            yield return "Bitable: WritesPerSecond, ReadsPerSecond, SchemaWritesPerSecond and AppCreatesPerMinute must be at least 1";
        }
    }
}
