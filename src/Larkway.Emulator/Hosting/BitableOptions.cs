namespace Larkway.Emulator.Hosting;

/// <summary>The Bitable engine's limits and timing (docs/emulator.md, "Bitable"); the defaults are the platform's.</summary>
public sealed class BitableOptions
{
    /// <summary>Records per batch_create / batch_update call (current docs: 1,000; older pages 500). More → 1254104.</summary>
    public int MaxBatchWrite { get; set; } = 1000;

    /// <summary>Records per batch_delete call (500). More → 1254104.</summary>
    public int MaxBatchDelete { get; set; } = 500;

    /// <summary>Records a table may hold (the error table says 20,000; newer plans allow more). More → 1254103.</summary>
    public int MaxRecordsPerTable { get; set; } = 20_000;

    /// <summary>Tables per base (tables and dashboards: 100). More → 1254100.</summary>
    public int MaxTablesPerBase { get; set; } = 100;

    /// <summary>Views per table (200). More → 1254101.</summary>
    public int MaxViewsPerTable { get; set; } = 200;

    /// <summary>Fields per table (300). More → 1254105.</summary>
    public int MaxFieldsPerTable { get; set; } = 300;

    /// <summary>
    /// A batch write touching more cells than this (records × fields written) is "too heavy to finish in time" and is
    /// answered 1254607 Data not ready, which the docs say to meet by shrinking the batch. Emulator choice: the platform's
    /// threshold depends on its load and is not documented.
    /// </summary>
    public int MaxBatchCells { get; set; } = 50_000;

    /// <summary>Writes (records, fields, views) per second to one table, all apps and users together → 1254290.</summary>
    public int TableWritesPerSecond { get; set; } = 50;

    /// <summary>
    /// How long a write keeps its base busy after it arrives (real time). Another write to the same base meanwhile is refused
    /// with 1254291 Write conflict. Zero (default) makes only truly concurrent writes conflict; tests widen it.
    /// </summary>
    public TimeSpan WriteDuration { get; set; } = TimeSpan.Zero;

    /// <summary>The time zone of a base created without one.</summary>
    public string DefaultTimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>How long a client_token keeps de-duplicating (the docs give no window; emulator choice).</summary>
    public TimeSpan ClientTokenWindow { get; set; } = TimeSpan.FromHours(24);
}
