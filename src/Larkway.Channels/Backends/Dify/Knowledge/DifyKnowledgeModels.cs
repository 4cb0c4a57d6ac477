using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>How a knowledge base indexes its documents (Dify's <c>indexing_technique</c>).</summary>
public enum DifyIndexing
{
    /// <summary><c>high_quality</c>: embeddings (the knowledge base's embedding model).</summary>
    HighQuality,

    /// <summary><c>economy</c>: keyword index only.</summary>
    Economy,
}

/// <summary>
/// How Dify cleans and splits a document's text into segments (<c>process_rule</c>): <see cref="Automatic"/> (Dify's
/// defaults), or custom segmentation.
/// </summary>
/// <param name="Mode"><c>automatic</c> or <c>custom</c>.</param>
/// <param name="Separator">Custom: the segment separator (such as <c>\n\n</c>).</param>
/// <param name="MaxTokens">Custom: the longest segment, in tokens.</param>
/// <param name="RemoveExtraSpaces">Custom: collapse runs of spaces, line breaks and tabs.</param>
/// <param name="RemoveUrlsEmails">Custom: remove URLs and e-mail addresses.</param>
public sealed record DifyProcessRule(string Mode, string? Separator = null, int? MaxTokens = null, bool RemoveExtraSpaces = true, bool RemoveUrlsEmails = false)
{
    /// <summary>Dify's automatic cleaning and segmentation (<c>{"mode": "automatic"}</c>).</summary>
    public static DifyProcessRule Automatic { get; } = new("automatic");

    /// <summary>Custom segmentation: segments split at <paramref name="separator"/>, none longer than <paramref name="maxTokens"/>.</summary>
    public static DifyProcessRule Custom(string separator, int maxTokens, bool removeExtraSpaces = true, bool removeUrlsEmails = false) =>
        new("custom", separator, maxTokens, removeExtraSpaces, removeUrlsEmails);
}

/// <summary>A knowledge base (Dify's dataset), as <c>GET /datasets/{dataset_id}</c> answers; fields Dify leaves out are null.</summary>
public sealed record DifyDataset
{
    /// <summary>The knowledge base's id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Its name.</summary>
    public string? Name { get; init; }

    /// <summary>Its description.</summary>
    public string? Description { get; init; }

    /// <summary><c>only_me</c>, <c>all_team_members</c> or <c>partial_members</c>.</summary>
    public string? Permission { get; init; }

    /// <summary><c>high_quality</c>, <c>economy</c>, or null when no document has set it yet.</summary>
    public string? IndexingTechnique { get; init; }

    /// <summary>How many apps use it.</summary>
    public int? AppCount { get; init; }

    /// <summary>How many documents it holds.</summary>
    public int? DocumentCount { get; init; }

    /// <summary>How many words its documents hold.</summary>
    public int? WordCount { get; init; }

    /// <summary>The embedding model (high quality).</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>The embedding model's provider.</summary>
    public string? EmbeddingModelProvider { get; init; }

    /// <summary>When it was created.</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>A document of a knowledge base, as Dify lists and returns it; fields Dify leaves out are null.</summary>
public sealed record DifyKnowledgeDocument
{
    /// <summary>The document's id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Its position in the knowledge base.</summary>
    public int? Position { get; init; }

    /// <summary><c>upload_file</c>, <c>notion_import</c>, <c>website_crawl</c>; text documents are kept as an uploaded file.</summary>
    public string? DataSourceType { get; init; }

    /// <summary>Where the document came from, as Dify describes it (<c>{"upload_file_id": "…"}</c>).</summary>
    public JsonElement? DataSourceInfo { get; init; }

    /// <summary>The process rule it was split with.</summary>
    public string? DatasetProcessRuleId { get; init; }

    /// <summary>Its name (for a text document, the name given when creating it).</summary>
    public string Name { get; init; } = "";

    /// <summary><c>api</c> or <c>web</c>.</summary>
    public string? CreatedFrom { get; init; }

    /// <summary>The account that created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When it was created.</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Its tokens.</summary>
    public int? Tokens { get; init; }

    /// <summary><c>waiting</c>, <c>parsing</c>, <c>cleaning</c>, <c>splitting</c>, <c>indexing</c>, <c>paused</c>, <c>error</c>, <c>completed</c>.</summary>
    public string? IndexingStatus { get; init; }

    /// <summary>Why indexing failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>False when disabled (not retrieved).</summary>
    public bool? Enabled { get; init; }

    /// <summary>When it was disabled.</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Who disabled it.</summary>
    public string? DisabledBy { get; init; }

    /// <summary>True when archived (it can no longer be changed).</summary>
    public bool? Archived { get; init; }

    /// <summary>The status Dify's console shows (<c>available</c>, <c>indexing</c>, <c>error</c>, <c>disabled</c>, <c>archived</c>, …).</summary>
    public string? DisplayStatus { get; init; }

    /// <summary>Its words.</summary>
    public int? WordCount { get; init; }

    /// <summary>How often retrieval returned it.</summary>
    public int? HitCount { get; init; }

    /// <summary><c>text_model</c>, <c>qa_model</c> or <c>hierarchical_model</c>.</summary>
    public string? DocForm { get; init; }
}

/// <summary>One page of a knowledge base's documents (<c>GET /datasets/{dataset_id}/documents</c>).</summary>
/// <remarks>Dify sets <see cref="HasMore"/> when the page is full, so it is true on a full last page too.</remarks>
public sealed record DifyDocumentPage
{
    /// <summary>The page's documents.</summary>
    public IReadOnlyList<DifyKnowledgeDocument> Data { get; init; } = [];

    /// <summary>Dify's <c>has_more</c>: the page is full (not: another page has documents).</summary>
    public bool HasMore { get; init; }

    /// <summary>The page size.</summary>
    public int Limit { get; init; }

    /// <summary>How many documents match.</summary>
    public int Total { get; init; }

    /// <summary>The page number, from 1.</summary>
    public int Page { get; init; }
}

/// <summary>A document created or updated, and the batch whose indexing status tells when it can be retrieved.</summary>
/// <param name="Document">The document as Dify answered.</param>
/// <param name="Batch">The indexing batch (<see cref="DifyKnowledgeClient.GetIndexingStatusAsync"/>).</param>
public sealed record DifyDocumentWriteResult(DifyKnowledgeDocument Document, string Batch);

/// <summary>One document's indexing progress (<c>GET /datasets/{dataset_id}/documents/{batch}/indexing-status</c>).</summary>
public sealed record DifyIndexingStatus
{
    /// <summary>The document's id.</summary>
    public string Id { get; init; } = "";

    /// <summary><c>waiting</c>, <c>parsing</c>, <c>cleaning</c>, <c>splitting</c>, <c>indexing</c>, <c>paused</c>, <c>error</c>, <c>completed</c>.</summary>
    public string IndexingStatus { get; init; } = "";

    /// <summary>Segments indexed so far.</summary>
    public int? CompletedSegments { get; init; }

    /// <summary>Segments in all.</summary>
    public int? TotalSegments { get; init; }

    /// <summary>Why indexing failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>Indexing has finished: the document can be retrieved.</summary>
    [JsonIgnore]
    public bool IsCompleted => IndexingStatus == "completed";

    /// <summary>Indexing failed (<see cref="Error"/> says why).</summary>
    [JsonIgnore]
    public bool IsFailed => IndexingStatus == "error";
}

/// <summary>A segment that retrieval found for a query (<c>POST /datasets/{dataset_id}/retrieve</c>).</summary>
/// <param name="SegmentId">The segment's id.</param>
/// <param name="Content">The segment's text.</param>
/// <param name="DocumentId">The document it belongs to.</param>
/// <param name="DocumentName">That document's name.</param>
/// <param name="Score">How well it matched (higher is better).</param>
public sealed record DifyRetrievedSegment(string SegmentId, string Content, string DocumentId, string? DocumentName, double? Score);
