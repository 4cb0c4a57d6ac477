using System.Text.Json.Serialization.Metadata;
using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Docs;

/// <summary>The documented rates the docs calls are paced to (per endpoint, per app).</summary>
internal enum DocsTier
{
    /// <summary>Docx writes (create document, blocks): 3 a second per app; each document also takes 3 edits a second.</summary>
    Edit,

    /// <summary>Docx reads (document, raw content, blocks): 5 a second.</summary>
    Read,

    /// <summary>Drive permission calls: 50 a second (and 1,000 a minute).</summary>
    Permission,

    /// <summary>Drive writes (subscriptions): 5 a second.</summary>
    DriveWrite,

    /// <summary>Not paced here (wiki; metadata).</summary>
    None,
}

/// <summary>What every docs sub-client does: build the request with its endpoint's pace and send it through the pipeline.</summary>
internal sealed class DocsCalls(FeishuPipeline pipeline)
{
    public const string Documents = "/open-apis/docx/v1/documents";
    public const string Document = Documents + "/{document_id}";
    public const string Blocks = Document + "/blocks";
    public const string Block = Blocks + "/{block_id}";

    public FeishuPipeline Pipeline => pipeline;

    /// <summary>The app's per-document edit lanes (one edit at a time, three a second).</summary>
    public DocxEditLanes Lanes => pipeline.App.DocxLanes;

    public static string DocumentId(string documentId) => Im.Checks.Id(documentId, nameof(documentId), "the document_id of a docx link (…/docx/<document_id>)");

    public static string Route(string template, string documentId, string? blockId = null)
    {
        var path = template.Replace("{document_id}", Query.Segment(documentId), StringComparison.Ordinal);
        return blockId is null ? path : path.Replace("{block_id}", Query.Segment(blockId), StringComparison.Ordinal);
    }

    public FeishuRequest Request(HttpMethod method, string pathAndQuery, string template, DocsTier tier) => new(method, pathAndQuery, template)
    {
        Pace = Pace(method, template, tier),
    };

    public FeishuRequest Request<TBody>(HttpMethod method, string pathAndQuery, string template, DocsTier tier, TBody body, JsonTypeInfo<TBody> info) =>
        Request(method, pathAndQuery, template, tier) with { Content = JsonBody.Create(body, info) };

    public Task<T> SendAsync<T>(FeishuRequest request, JsonTypeInfo<FeishuEnvelope<T>> envelope, CancellationToken cancellationToken)
        where T : class => pipeline.SendAsync(request, envelope, cancellationToken);

    /// <summary>An edit of <paramref name="documentId"/>: in the document's lane, so its edits go one at a time within its rate.</summary>
    public Task<T> EditAsync<T>(string documentId, FeishuRequest request, JsonTypeInfo<FeishuEnvelope<T>> envelope, CancellationToken cancellationToken)
        where T : class => Lanes.RunAsync(documentId, ct => pipeline.SendAsync(request, envelope, ct), cancellationToken);

    private FeishuPace? Pace(HttpMethod method, string template, DocsTier tier)
    {
        if (!pipeline.App.Options.Docs.PaceRequests)
        {
            return null;
        }

        var key = $"{method.Method} {template}";
        return tier switch
        {
            DocsTier.Edit => new FeishuPace(key, DocxLimits.EditsPerSecond, TimeSpan.FromSeconds(1)),
            DocsTier.Read => new FeishuPace(key, DocxLimits.ReadsPerSecond, TimeSpan.FromSeconds(1)),
            DocsTier.Permission => new FeishuPace(key, 50, TimeSpan.FromSeconds(1)),
            DocsTier.DriveWrite => new FeishuPace(key, 5, TimeSpan.FromSeconds(1)),
            _ => null,
        };
    }
}
