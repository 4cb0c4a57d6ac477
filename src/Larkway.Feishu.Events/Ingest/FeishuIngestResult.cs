using Larkway.Feishu.Events.Models.Cards;

namespace Larkway.Feishu.Events.Ingest;

/// <summary>What a sink did with an event.</summary>
public enum FeishuIngestStatus
{
    /// <summary>Stored (or handled) for the first time.</summary>
    Accepted,

    /// <summary>Seen before under one of its dedup keys; nothing was done again.</summary>
    Duplicate,
}

/// <summary>The outcome of <see cref="IFeishuEventSink.AcceptAsync"/>.</summary>
/// <param name="Status">Accepted or duplicate.</param>
/// <param name="CardResponse">For card actions: the body to answer the callback with (null answers <c>{}</c>).</param>
public readonly record struct FeishuIngestResult(FeishuIngestStatus Status, CardActionResponse? CardResponse = null)
{
    public static FeishuIngestResult Accepted { get; } = new(FeishuIngestStatus.Accepted);

    public static FeishuIngestResult Duplicate { get; } = new(FeishuIngestStatus.Duplicate);
}
