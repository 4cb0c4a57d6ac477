using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.AiBackend;

/// <summary>The fake Dify knowledge API's parts: options, the store, the limits, the faults, the call counts and the clock.</summary>
internal sealed class KnowledgeBackend(AiBackendOptions options, DifyKnowledge store, KnowledgeLimits limits, KnowledgeFaults faults, KnowledgeCalls calls, TimeProvider clock)
{
    public AiBackendOptions Options => options;

    public DifyKnowledge Store => store;

    public KnowledgeLimits Limits => limits;

    public KnowledgeFaults Faults => faults;

    public KnowledgeCalls Calls => calls;

    public TimeProvider Clock => clock;
}

/// <summary>
/// Dify's knowledge (dataset) API under <c>{prefix}/datasets</c>: knowledge bases, documents created and updated from
/// text, their indexing status, and retrieval. Only a knowledge key (<c>dataset-…</c>) is admitted here — an app key is
/// 401, as in Dify. Errors are Dify's <c>{"code", "message", "status"}</c>. Every call is counted, then checked against
/// the key, the rate limit and the armed faults, in that order.
/// </summary>
internal static class DifyKnowledgeEndpoints
{
    public const string RateLimitMessage = "Sorry, you have reached the knowledge base request rate limit of your subscription.";

    private static readonly string[] Techniques = ["high_quality", "economy"];
    private static readonly string[] Permissions = ["only_me", "all_team_members", "partial_members"];
    private static readonly string[] DocForms = ["text_model", "hierarchical_model", "qa_model"];
    private static readonly string[] ProcessModes = ["automatic", "custom", "hierarchical"];

    public static void MapDifyKnowledgeEndpoints(this IEndpointRouteBuilder routes, AiBackendOptions options)
    {
        var dify = routes.MapGroup(options.DifyPrefix);
        dify.MapGet("datasets", ListDatasetsAsync);
        dify.MapPost("datasets", CreateDatasetAsync);
        dify.MapGet("datasets/{datasetId}", GetDatasetAsync);

        // Dify serves both spellings: the hyphenated ones are current, the underscored ones older clients still call.
        dify.MapPost("datasets/{datasetId}/document/create-by-text", CreateDocumentAsync);
        dify.MapPost("datasets/{datasetId}/document/create_by_text", CreateDocumentAsync);
        dify.MapPost("datasets/{datasetId}/documents/{documentId}/update-by-text", UpdateDocumentAsync);
        dify.MapPost("datasets/{datasetId}/documents/{documentId}/update_by_text", UpdateDocumentAsync);
        dify.MapDelete("datasets/{datasetId}/documents/{documentId}", DeleteDocumentAsync);
        dify.MapGet("datasets/{datasetId}/documents", ListDocumentsAsync);
        dify.MapGet("datasets/{datasetId}/documents/{documentId}", GetDocumentAsync);
        dify.MapGet("datasets/{datasetId}/documents/{batch}/indexing-status", IndexingStatusAsync);
        dify.MapPost("datasets/{datasetId}/retrieve", RetrieveAsync);
    }

    private static async Task ListDatasetsAsync(HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.ListDatasets))
        {
            return;
        }

        var (page, limit) = Paging(context.Request);
        var all = kb.Store.Datasets();
        var items = all.Skip((page - 1) * limit).Take(limit).ToList();

        // Dify's quirk (datasets and documents alike): has_more is "this page is full", even when nothing follows.
        await AiWire.WriteJsonAsync(context.Response, 200, new
        {
            data = items.Select(d => DatasetWire(d, kb.Store)),
            has_more = items.Count == limit,
            limit,
            total = all.Count,
            page,
        }, context.RequestAborted);
    }

    private static async Task CreateDatasetAsync(HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.CreateDataset))
        {
            return;
        }

        var body = AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted));
        var name = body is { } b ? AiWire.String(b, "name") : null;
        var description = body is { } d ? AiWire.String(d, "description") ?? string.Empty : string.Empty;
        var technique = body is { } t ? AiWire.String(t, "indexing_technique") : null;
        var permission = body is { } p ? AiWire.String(p, "permission") ?? "only_me" : "only_me";
        var invalid = body is null ? "The request body must be a JSON object such as {\"name\": \"Wiki\"}."
            : string.IsNullOrWhiteSpace(name) || name.Length > 40 ? "Name must be between 1 to 40 characters."
            : description.Length > 400 ? "Description cannot exceed 400 characters."
            : technique is not null && !Techniques.Contains(technique) ? "indexing_technique must be high_quality or economy."
            : !Permissions.Contains(permission) ? "permission must be only_me, all_team_members or partial_members."
            : null;
        if (invalid is not null)
        {
            await DifyEndpoints.ErrorAsync(context, 400, "invalid_param", invalid);
            return;
        }

        var (dataset, _) = kb.Store.CreateDataset(null, name!.Trim(), description, technique, permission, kb.Clock.GetUtcNow().ToUnixTimeSeconds());
        if (dataset is null)
        {
            await DifyEndpoints.ErrorAsync(context, 409, "dataset_name_duplicate", "The dataset name already exists. Please modify your dataset name.");
            return;
        }

        await AiWire.WriteJsonAsync(context.Response, 200, DatasetWire(dataset, kb.Store), context.RequestAborted);
    }

    private static async Task GetDatasetAsync(string datasetId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.GetDataset) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        await AiWire.WriteJsonAsync(context.Response, 200, DatasetWire(dataset, kb.Store), context.RequestAborted);
    }

    private static async Task CreateDocumentAsync(string datasetId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.Create) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        var body = AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted));
        var name = body is { } n ? AiWire.String(n, "name") : null;
        var text = body is { } x ? AiWire.String(x, "text") : null;
        var technique = (body is { } t ? AiWire.String(t, "indexing_technique") : null) ?? dataset.IndexingTechnique;
        var docForm = (body is { } f ? AiWire.String(f, "doc_form") : null) ?? "text_model";
        var invalid = body is not { } request ? "The request body must be a JSON object such as {\"name\": \"Guide\", \"text\": \"…\", \"indexing_technique\": \"high_quality\", \"process_rule\": {\"mode\": \"automatic\"}}."
            : string.IsNullOrWhiteSpace(name) ? "name is required."
            : string.IsNullOrWhiteSpace(text) ? "text is required."
            : technique is null ? "indexing_technique is required."
            : !Techniques.Contains(technique) ? "indexing_technique must be high_quality or economy."
            : !DocForms.Contains(docForm) ? "doc_form must be text_model, hierarchical_model or qa_model."
            : ProcessRuleError(request);
        if (invalid is not null)
        {
            await DifyEndpoints.ErrorAsync(context, 400, "invalid_param", invalid);
            return;
        }

        if (await TooLargeAsync(context, kb, text!))
        {
            return;
        }

        var language = AiWire.String(body!.Value, "doc_language") ?? "English";
        var (document, refusal) = kb.Store.AddDocument(dataset.Id, name!, text!, technique!, docForm, language, kb.Limits.Current.MaxDocuments, kb.Clock.GetUtcNow());
        if (document is null)
        {
            await RefuseAsync(context, refusal, "Document not found.");
            return;
        }

        await AiWire.WriteJsonAsync(context.Response, 200, new { document = DocumentWire(document), batch = document.Batch }, context.RequestAborted);
    }

    private static async Task UpdateDocumentAsync(string datasetId, string documentId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.Update) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        var body = AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted));
        var invalid = body is not { } request ? "The request body must be a JSON object such as {\"name\": \"Guide\", \"text\": \"…\"}."
            : request.TryGetProperty("name", out var name) && name.ValueKind != JsonValueKind.Null && (name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString())) ? "name must be a non-empty string when given."
            : request.TryGetProperty("text", out var text) && text.ValueKind != JsonValueKind.Null && (text.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetString())) ? "text must be a non-empty string when given."
            : ProcessRuleError(request);
        if (invalid is not null)
        {
            await DifyEndpoints.ErrorAsync(context, 400, "invalid_param", invalid);
            return;
        }

        var newText = AiWire.String(body!.Value, "text");
        if (newText is not null && await TooLargeAsync(context, kb, newText))
        {
            return;
        }

        var (document, refusal) = kb.Store.UpdateDocument(dataset.Id, CanonicalOrRaw(documentId), AiWire.String(body.Value, "name"), newText, kb.Clock.GetUtcNow());
        if (document is null)
        {
            await RefuseAsync(context, refusal, "Document not found.");
            return;
        }

        await AiWire.WriteJsonAsync(context.Response, 200, new { document = DocumentWire(document), batch = document.Batch }, context.RequestAborted);
    }

    private static async Task DeleteDocumentAsync(string datasetId, string documentId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.Delete) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        var refusal = kb.Store.DeleteDocument(dataset.Id, CanonicalOrRaw(documentId));
        if (refusal != KnowledgeRefusal.None)
        {
            await RefuseAsync(context, refusal, "Document Not Exists.");
            return;
        }

        // Newer Dify answers 204 with no body (older ones 200 {"result": "success"}).
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task ListDocumentsAsync(string datasetId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.List) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        kb.Store.CompleteIndexing(dataset.Id, kb.Clock.GetUtcNow());
        var (page, limit) = Paging(context.Request);
        var keyword = context.Request.Query["keyword"].FirstOrDefault();
        var matching = kb.Store.Documents(dataset.Id).Where(d => string.IsNullOrEmpty(keyword) || d.Name.Contains(keyword, StringComparison.OrdinalIgnoreCase)).ToList();
        var items = matching.Skip((page - 1) * limit).Take(limit).ToList();
        await AiWire.WriteJsonAsync(context.Response, 200, new
        {
            data = items.Select(DocumentWire),
            has_more = items.Count == limit,
            limit,
            total = matching.Count,
            page,
        }, context.RequestAborted);
    }

    private static async Task GetDocumentAsync(string datasetId, string documentId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.Get) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        kb.Store.CompleteIndexing(dataset.Id, kb.Clock.GetUtcNow());
        if (kb.Store.FindDocument(dataset.Id, CanonicalOrRaw(documentId)) is not { } document)
        {
            await DifyEndpoints.ErrorAsync(context, 404, "not_found", "Document not found.");
            return;
        }

        await AiWire.WriteJsonAsync(context.Response, 200, DocumentWire(document), context.RequestAborted);
    }

    private static async Task IndexingStatusAsync(string datasetId, string batch, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.IndexingStatus) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        kb.Store.CompleteIndexing(dataset.Id, kb.Clock.GetUtcNow());
        var documents = kb.Store.InBatch(dataset.Id, batch);
        if (documents.Count == 0)
        {
            await DifyEndpoints.ErrorAsync(context, 404, "not_found", "Documents not found.");
            return;
        }

        await AiWire.WriteJsonAsync(context.Response, 200, new { data = documents.Select(StatusWire) }, context.RequestAborted);
    }

    private static async Task RetrieveAsync(string datasetId, HttpContext context, KnowledgeBackend kb)
    {
        if (!await AdmitAsync(context, kb, KnowledgeRoute.Retrieve) || await DatasetAsync(context, kb, datasetId) is not { } dataset)
        {
            return;
        }

        var body = AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted));
        var query = body is { } q ? AiWire.String(q, "query") : null;
        var (topK, threshold, modelError) = body is { } m ? RetrievalModel(m) : (3, null, null);
        var invalid = body is null ? "The request body must be a JSON object such as {\"query\": \"how do I…\"}."
            : string.IsNullOrWhiteSpace(query) ? "query is required."
            : query.Length > 250 ? "Query cannot exceed 250 characters."
            : modelError;
        if (invalid is not null)
        {
            await DifyEndpoints.ErrorAsync(context, 400, "invalid_param", invalid);
            return;
        }

        kb.Store.CompleteIndexing(dataset.Id, kb.Clock.GetUtcNow());
        var searchable = kb.Store.Documents(dataset.Id).Where(d => d.Indexing == KnowledgeIndexing.Completed && !d.Archived);
        var found = KnowledgeRetrieval.Search(searchable, query!, topK, threshold);
        await AiWire.WriteJsonAsync(context.Response, 200, new
        {
            query = new { content = query },
            records = found.Select(f => new { segment = SegmentWire(f.Segment), score = f.Score }),
        }, context.RequestAborted);
    }

    /// <summary>
    /// Counts the call, then admits it when it carries a knowledge key, is within the rate limit and draws no armed fault;
    /// otherwise answers the refusal and returns false.
    /// </summary>
    private static async Task<bool> AdmitAsync(HttpContext context, KnowledgeBackend kb, KnowledgeRoute route)
    {
        kb.Calls.Count(route);
        var key = AiWire.BearerKey(context.Request);
        if (!AiWire.Admits(kb.Options.AdmittedDifyDatasetKeys, key))
        {
            await DifyEndpoints.ErrorAsync(context, 401, "unauthorized", key is null ? "Authorization header must be provided and start with 'Bearer'" : "Access token is invalid");
            return false;
        }

        if (!kb.Limits.AdmitRequest(DifyConversations.AppOf(key!), kb.Clock.GetUtcNow()))
        {
            // Dify answers a subscription's knowledge rate limit with 403, not 429.
            await DifyEndpoints.ErrorAsync(context, 403, "forbidden", RateLimitMessage);
            return false;
        }

        if (kb.Faults.Take(route) is { } fault)
        {
            await DifyEndpoints.ErrorAsync(context, fault.Status, fault.Code, fault.Message);
            return false;
        }

        return true;
    }

    /// <summary>The dataset the path names; a missing one (or an id that is not a UUID, as Dify) is answered 404.</summary>
    private static async Task<KnowledgeDataset?> DatasetAsync(HttpContext context, KnowledgeBackend kb, string datasetId)
    {
        if (DifyKnowledge.CanonicalId(datasetId) is { } id && kb.Store.FindDataset(id) is { } dataset)
        {
            return dataset;
        }

        await DifyEndpoints.ErrorAsync(context, 404, "not_found", "Dataset not found.");
        return null;
    }

    private static async Task<bool> TooLargeAsync(HttpContext context, KnowledgeBackend kb, string text)
    {
        var limit = kb.Limits.Current.MaxTextBytes;
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes <= limit)
        {
            return false;
        }

        await DifyEndpoints.ErrorAsync(context, 413, "file_too_large", $"File size exceeded. {bytes} > {limit} (the text is {bytes} UTF-8 bytes; the upload limit, UPLOAD_FILE_SIZE_LIMIT, is {limit} bytes).");
        return true;
    }

    private static Task RefuseAsync(HttpContext context, KnowledgeRefusal refusal, string documentNotFound) => refusal switch
    {
        KnowledgeRefusal.DatasetNotFound => DifyEndpoints.ErrorAsync(context, 404, "not_found", "Dataset not found."),
        KnowledgeRefusal.Archived => DifyEndpoints.ErrorAsync(context, 403, "archived_document_immutable", "The archived document is not editable."),
        KnowledgeRefusal.DocumentLimit => DifyEndpoints.ErrorAsync(context, 403, "forbidden", "The number of documents has reached the limit of your subscription."),
        _ => DifyEndpoints.ErrorAsync(context, 404, "not_found", documentNotFound),
    };

    /// <summary>A document id in canonical form when it is a UUID; as given otherwise (it then finds nothing).</summary>
    private static string CanonicalOrRaw(string id) => DifyKnowledge.CanonicalId(id) ?? id;

    private static string? ProcessRuleError(JsonElement request)
    {
        if (!request.TryGetProperty("process_rule", out var rule) || rule.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return rule.ValueKind != JsonValueKind.Object ? "process_rule must be an object such as {\"mode\": \"automatic\"}."
            : AiWire.String(rule, "mode") is not { } mode || !ProcessModes.Contains(mode) ? "process_rule.mode must be automatic, custom or hierarchical."
            : mode != "automatic" && (!rule.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Object) ? "process_rule.rules is required (an object) when process_rule.mode is custom or hierarchical."
            : null;
    }

    /// <summary><c>retrieval_model.top_k</c> (3 by default) and the score threshold when enabled; or what is wrong with them.</summary>
    private static (int TopK, double? Threshold, string? Error) RetrievalModel(JsonElement request)
    {
        if (!request.TryGetProperty("retrieval_model", out var model) || model.ValueKind == JsonValueKind.Null)
        {
            return (3, null, null);
        }

        if (model.ValueKind != JsonValueKind.Object)
        {
            return (3, null, "retrieval_model must be an object such as {\"top_k\": 3}.");
        }

        var topK = 3;
        if (model.TryGetProperty("top_k", out var k) && k.ValueKind != JsonValueKind.Null && (k.ValueKind != JsonValueKind.Number || !k.TryGetInt32(out topK) || topK < 1))
        {
            return (3, null, "retrieval_model.top_k must be a whole number of at least 1.");
        }

        double? threshold = null;
        if (model.TryGetProperty("score_threshold_enabled", out var enabled) && enabled.ValueKind == JsonValueKind.True
            && model.TryGetProperty("score_threshold", out var given) && given.ValueKind != JsonValueKind.Null)
        {
            if (given.ValueKind != JsonValueKind.Number || given.GetDouble() is < 0 or > 1)
            {
                return (3, null, "retrieval_model.score_threshold must be a number from 0 to 1.");
            }

            threshold = given.GetDouble();
        }

        return (topK, threshold, null);
    }

    /// <summary>Dify's <c>page</c> (1 up) and <c>limit</c> (20 by default, at most 100: more is clamped, as Dify's paginate does).</summary>
    private static (int Page, int Limit) Paging(HttpRequest request)
    {
        static int Read(HttpRequest request, string name, int fallback) =>
            int.TryParse(request.Query[name].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

        return (Math.Max(1, Read(request, "page", 1)), Math.Clamp(Read(request, "limit", 20), 1, 100));
    }

    private static Dictionary<string, object?> DatasetWire(KnowledgeDataset dataset, DifyKnowledge store)
    {
        var (documents, words) = store.Totals(dataset.Id);
        return new()
        {
            ["id"] = dataset.Id,
            ["name"] = dataset.Name,
            ["description"] = dataset.Description,
            ["provider"] = "vendor",
            ["permission"] = dataset.Permission,
            ["data_source_type"] = "upload_file",
            ["indexing_technique"] = dataset.IndexingTechnique,
            ["app_count"] = 0,
            ["document_count"] = documents,
            ["word_count"] = words,
            ["created_by"] = DifyKnowledge.ApiAccountId,
            ["created_at"] = dataset.CreatedAt,
            ["updated_by"] = DifyKnowledge.ApiAccountId,
            ["updated_at"] = dataset.UpdatedAt,
        };
    }

    private static Dictionary<string, object?> DocumentWire(KnowledgeDocument document) => new()
    {
        ["id"] = document.Id,
        ["position"] = document.Position,
        ["data_source_type"] = "upload_file",
        ["data_source_info"] = new Dictionary<string, object?> { ["upload_file_id"] = document.UploadFileId },
        ["dataset_process_rule_id"] = document.ProcessRuleId,
        ["name"] = document.Name,
        ["created_from"] = "api",
        ["created_by"] = DifyKnowledge.ApiAccountId,
        ["created_at"] = document.CreatedAt,
        ["tokens"] = document.Tokens,
        ["indexing_status"] = IndexingStatus(document),
        ["error"] = null,
        ["enabled"] = true,
        ["disabled_at"] = null,
        ["disabled_by"] = null,
        ["archived"] = document.Archived,
        ["display_status"] = document.Indexing == KnowledgeIndexing.Waiting ? "queuing" : document.Archived ? "archived" : "available",
        ["word_count"] = document.WordCount,
        ["hit_count"] = 0,
        ["doc_form"] = document.DocForm,
    };

    private static string IndexingStatus(KnowledgeDocument document) => document.Indexing == KnowledgeIndexing.Waiting ? "waiting" : "completed";

    private static Dictionary<string, object?> StatusWire(KnowledgeDocument document)
    {
        // Waiting: nothing has started yet. Completed: every step finished when it was read (the fake has no steps).
        var done = document.CompletedAt;
        var segments = done is null ? 0 : KnowledgeRetrieval.Segments(document.Text).Count();
        return new()
        {
            ["id"] = document.Id,
            ["indexing_status"] = IndexingStatus(document),
            ["processing_started_at"] = done,
            ["parsing_completed_at"] = done,
            ["cleaning_completed_at"] = done,
            ["splitting_completed_at"] = done,
            ["completed_at"] = done,
            ["paused_at"] = null,
            ["error"] = null,
            ["stopped_at"] = null,
            ["completed_segments"] = segments,
            ["total_segments"] = segments,
        };
    }

    private static Dictionary<string, object?> SegmentWire(KnowledgeSegment segment) => new()
    {
        ["id"] = segment.Id,
        ["position"] = segment.Position,
        ["document_id"] = segment.Document.Id,
        ["content"] = segment.Content,
        ["word_count"] = segment.Content.Length,
        ["tokens"] = FakeAnswer.CountTokens(segment.Content),
        ["keywords"] = Array.Empty<string>(),
        ["index_node_id"] = segment.IndexNodeId,
        ["index_node_hash"] = segment.IndexNodeHash,
        ["hit_count"] = 0,
        ["enabled"] = true,
        ["status"] = "completed",
        ["created_at"] = segment.Document.UpdatedAt,
        ["indexing_at"] = segment.Document.UpdatedAt,
        ["completed_at"] = segment.Document.CompletedAt,
        ["document"] = new Dictionary<string, object?> { ["id"] = segment.Document.Id, ["data_source_type"] = "upload_file", ["name"] = segment.Document.Name },
    };
}
