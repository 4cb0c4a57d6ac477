using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Bitable;

/// <summary>The bitable client's log lines: tables, sizes, indices and codes — never cell values.</summary>
internal static partial class BitableLog
{
    [LoggerMessage(EventId = LogEvents.BitableBatchShrunk, Level = LogLevel.Information,
        Message = "Bitable {Kind} batch on table {TableId}: data not ready (1254607) for {Sent} records; waiting {DelayMs} ms and resending in batches of {Size}")]
    public static partial void BatchShrunk(ILogger logger, string kind, string tableId, int sent, double delayMs, int size);

    [LoggerMessage(EventId = LogEvents.BitableBatchRestored, Level = LogLevel.Debug,
        Message = "Bitable {Kind} batch on table {TableId}: batch size back up to {Size}")]
    public static partial void BatchRestored(ILogger logger, string kind, string tableId, int size);

    [LoggerMessage(EventId = LogEvents.BitableBatchCapLowered, Level = LogLevel.Warning,
        Message = "Bitable {Kind} batch on table {TableId}: {Sent} records are over the table's limit (1254104); batches of {Size} from now on (set Bitable:Batch{Kind}Size to avoid the extra call)")]
    public static partial void BatchCapLowered(ILogger logger, string kind, string tableId, int sent, int size);

    [LoggerMessage(EventId = LogEvents.BitableRecordRefused, Level = LogLevel.Warning,
        Message = "Bitable {Kind} batch on table {TableId}: record [{Index}] refused with code {Code}; the other records are written")]
    public static partial void RecordRefused(ILogger logger, string kind, string tableId, int index, int code);
}
