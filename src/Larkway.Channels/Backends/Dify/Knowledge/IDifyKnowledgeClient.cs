namespace Larkway.Channels.Backends.Dify.Knowledge;

/// <summary>
/// Dify's knowledge API (datasets), as <see cref="DifyKnowledgeClient"/> calls it; an interface so that callers can fake it.
/// Every call throws <see cref="DifyKnowledgeException"/> when it fails.
/// </summary>
public interface IDifyKnowledgeClient
{
    /// <summary>The knowledge base <paramref name="datasetId"/> (<c>GET /datasets/{dataset_id}</c>).</summary>
    /// <param name="datasetId">The knowledge base's id (in its URL in Dify).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<DifyDataset> GetDatasetAsync(string datasetId, CancellationToken cancellationToken = default);

    /// <summary>One page of the knowledge base's documents (<c>GET /datasets/{dataset_id}/documents?page=&amp;limit=&amp;keyword=</c>).</summary>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="page">The page, from 1.</param>
    /// <param name="limit">The page size, 1 to 100.</param>
    /// <param name="keyword">Only documents whose name contains it; null for all.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <remarks>Dify's <see cref="DifyDocumentPage.HasMore"/> is true on a full last page too: page on until a page is short or empty.</remarks>
    Task<DifyDocumentPage> ListDocumentsAsync(string datasetId, int page = 1, int limit = 20, string? keyword = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every document of the knowledge base (whose name contains <paramref name="keyword"/>), page by page as read: lazy
    /// and cancellable. It stops at an empty or short page, never on Dify's <c>has_more</c> alone (true on a full last
    /// page), and at a page that brings no document not seen before (a server that repeats a page); a document is
    /// yielded once.
    /// </summary>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="keyword">Only documents whose name contains it; null for all.</param>
    /// <param name="pageSize">Documents per request, 1 to 100.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    IAsyncEnumerable<DifyKnowledgeDocument> ListAllDocumentsAsync(string datasetId, string? keyword = null, int pageSize = DifyKnowledgeClient.MaxPageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a document from text (<c>POST /datasets/{dataset_id}/document/create-by-text</c>); Dify indexes it in the
    /// background (follow the returned batch with <see cref="GetIndexingStatusAsync"/>).
    /// </summary>
    /// <remarks>
    /// <b>Not idempotent.</b> Every create Dify receives makes a document, also one with a name that exists already. So a
    /// create is tried again only when the failure proves nothing was created: a rate-limit refusal (403 with Dify's
    /// rate-limit message, or 429), or a connection that could not be opened. After a timeout, a broken connection, a
    /// 5xx or an unreadable success answer it is <b>not</b> retried: it throws <see cref="DifyKnowledgeException"/> with
    /// <see cref="DifyKnowledgeErrorKind.Unavailable"/> and <see cref="DifyKnowledgeException.MayHaveCreated"/> true. Then
    /// look the document up by name (<see cref="ListAllDocumentsAsync"/> with the name as keyword) before creating it
    /// again; if it is there, update it instead.
    /// </remarks>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="name">The document's name (use a stable, unique one: it is how a failed create is found again).</param>
    /// <param name="text">The document's text (never logged).</param>
    /// <param name="indexing">The knowledge base's indexing technique, sent only when given: required by Dify for the
    /// first document of a knowledge base that has none yet, and ignored by it otherwise.</param>
    /// <param name="processRule">How the text is cleaned and split; null for <see cref="DifyProcessRule.Automatic"/>.</param>
    /// <param name="cancellationToken">Stops the call (a create cancelled after it was sent may still have been made).</param>
    Task<DifyDocumentWriteResult> CreateDocumentByTextAsync(string datasetId, string name, string text, DifyIndexing? indexing = null, DifyProcessRule? processRule = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a document's name and text (<c>POST /datasets/{dataset_id}/documents/{document_id}/update-by-text</c>);
    /// Dify re-indexes it in the background. Safe to repeat, and retried like a read.
    /// </summary>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="documentId">The document's id.</param>
    /// <param name="name">The document's name.</param>
    /// <param name="text">Its new text (never logged).</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<DifyDocumentWriteResult> UpdateDocumentByTextAsync(string datasetId, string documentId, string name, string text, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a document (<c>DELETE /datasets/{dataset_id}/documents/{document_id}</c>): true when deleted, false when
    /// Dify had no such document (404: deleted before, by a retried call say). Dify answers 204, or 200
    /// <c>{"result": "success"}</c> in older versions; both count as deleted.
    /// </summary>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="documentId">The document's id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<bool> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken = default);

    /// <summary>The indexing progress of a create's or update's batch (<c>GET /datasets/{dataset_id}/documents/{batch}/indexing-status</c>).</summary>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="batch">The batch of <see cref="DifyDocumentWriteResult"/>.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<IReadOnlyList<DifyIndexingStatus>> GetIndexingStatusAsync(string datasetId, string batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// The segments retrieval finds for <paramref name="query"/> (<c>POST /datasets/{dataset_id}/retrieve</c>): the
    /// knowledge base's own retrieval settings, or — with <paramref name="topK"/> — semantic search without reranking or
    /// score threshold, the best <paramref name="topK"/>.
    /// </summary>
    /// <param name="datasetId">The knowledge base's id.</param>
    /// <param name="query">The query.</param>
    /// <param name="topK">How many segments at most; null for the knowledge base's settings.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    Task<IReadOnlyList<DifyRetrievedSegment>> RetrieveAsync(string datasetId, string query, int? topK = null, CancellationToken cancellationToken = default);
}
