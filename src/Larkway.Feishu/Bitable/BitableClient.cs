using Larkway.Feishu.Http;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// Bitable v1 (多维表格): <see cref="Apps"/> (bases), <see cref="Tables"/>, <see cref="Fields"/>, <see cref="Views"/>,
/// <see cref="Records"/> with typed cells, filters and batches, the drive <see cref="Subscriptions"/> record events
/// need and the drive <see cref="Media"/> attachment cells name. Calls are paced to the documented per-endpoint rates and writes to one base go one at a time
/// (<see cref="BitableOptions"/>). Works with the tenant token, or a user's through <see cref="FeishuClient.AsUser"/>.
/// </summary>
public class BitableClient
{
    /// <summary>For mocking.</summary>
    protected BitableClient()
    {
        Apps = null!;
        Tables = null!;
        Fields = null!;
        Views = null!;
        Records = null!;
        Subscriptions = null!;
        Media = null!;
    }

    internal BitableClient(FeishuPipeline pipeline)
    {
        var calls = new BitableCalls(pipeline);
        Apps = new BitableAppsClient(calls);
        Tables = new BitableTablesClient(calls);
        Fields = new BitableFieldsClient(calls);
        Views = new BitableViewsClient(calls);
        Records = new BitableRecordsClient(calls);
        Subscriptions = new BitableSubscriptionsClient(calls);
        Media = new BitableMediaClient(calls);
    }

    /// <summary>Bases: create, get, update, copy.</summary>
    public virtual BitableAppsClient Apps { get; }

    /// <summary>Tables: list, create (with fields), batch create, rename, delete, batch delete.</summary>
    public virtual BitableTablesClient Tables { get; }

    /// <summary>Fields: list, create, update, delete.</summary>
    public virtual BitableFieldsClient Fields { get; }

    /// <summary>Views: list, create, get, patch (filter, hidden fields), delete.</summary>
    public virtual BitableViewsClient Views { get; }

    /// <summary>Records: create, update, delete, get, search, and batches split, bisected and retried as needed.</summary>
    public virtual BitableRecordsClient Records { get; }

    /// <summary>The drive subscription of a base, which <c>drive.file.bitable_record_changed_v1</c> events need.</summary>
    public virtual BitableSubscriptionsClient Subscriptions { get; }

    /// <summary>Files for attachment cells, uploaded to a base (drive media); the answer's token goes in the cell.</summary>
    public virtual BitableMediaClient Media { get; }
}
