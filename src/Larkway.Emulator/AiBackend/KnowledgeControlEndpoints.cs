using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.AiBackend;

/// <summary>
/// Test control of the fake Dify knowledge API under <c>/_emulator/ai/knowledge</c>: what each knowledge base holds
/// (texts whole), creating and emptying them, the limits, the faults, holding indexing back, and the calls per route.
/// Not part of Dify; no authentication (the emulator binds to loopback). Refusals are 400 <c>{"error": "…"}</c>.
/// </summary>
internal static class KnowledgeControlEndpoints
{
    public const string Prefix = AiControlEndpoints.Prefix + "/knowledge";

    public static void MapKnowledgeControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup(Prefix);
        control.MapDelete(string.Empty, Reset);
        control.MapGet("datasets", (DifyKnowledge store) => Results.Json(new { items = store.Datasets().Select(d => DatasetWire(d, store)) }, SseWriter.Json));
        control.MapPost("datasets", CreateDatasetAsync);
        control.MapDelete("datasets/{datasetId}/documents", (string datasetId, DifyKnowledge store) =>
            DifyKnowledge.CanonicalId(datasetId) is { } id && store.ClearDocuments(id) is { } removed
                ? Results.Json(new { removed }, SseWriter.Json)
                : Refuse($"there is no knowledge base {datasetId}; GET {Prefix}/datasets lists them"));
        control.MapPut("datasets/{datasetId}/documents/{documentId}", ChangeDocumentAsync);
        control.MapGet("limits", (KnowledgeLimits limits) => Results.Json(limits.Current.ToWire(), SseWriter.Json));
        control.MapPut("limits", ChangeLimitsAsync);
        control.MapGet("calls", (KnowledgeCalls calls) => Results.Json(calls.Snapshot(), SseWriter.Json));
        control.MapDelete("calls", (KnowledgeCalls calls) =>
        {
            calls.Clear();
            return Results.Json(new { cleared = true }, SseWriter.Json);
        });
        control.MapGet("faults", (KnowledgeFaults faults) => Results.Json(new { items = faults.List().Select(f => f.ToWire()) }, SseWriter.Json));
        control.MapPost("faults", ArmAsync);
        control.MapDelete("faults", (KnowledgeFaults faults) =>
        {
            faults.Clear();
            return Results.Json(new { cleared = true }, SseWriter.Json);
        });
        control.MapPut("indexing", HoldIndexingAsync);
        control.MapPost("indexing/complete", (DifyKnowledge store, TimeProvider clock) =>
            Results.Json(new { completed = store.CompleteIndexing(null, clock.GetUtcNow(), force: true) }, SseWriter.Json));
    }

    /// <summary>Everything back to the start: the seeded knowledge base alone and empty, no faults, no calls counted, the options' limits.</summary>
    private static IResult Reset(DifyKnowledge store, KnowledgeFaults faults, KnowledgeCalls calls, KnowledgeLimits limits, AiBackendOptions options, TimeProvider clock)
    {
        store.Reset(clock.GetUtcNow().ToUnixTimeSeconds());
        faults.Clear();
        calls.Clear();
        limits.Change(new KnowledgeLimitsView(options.KnowledgeMaxTextBytes, options.KnowledgeMaxDocuments, options.KnowledgeRequestsPerMinute));
        return Results.Json(new { reset = true }, SseWriter.Json);
    }

    private static async Task<IResult> CreateDatasetAsync(HttpContext context, DifyKnowledge store, TimeProvider clock)
    {
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body || AiWire.String(body, "name") is not { Length: > 0 } name)
        {
            return Refuse("the body must be a JSON object such as {\"name\": \"Wiki\", \"id\": \"<uuid, optional>\", \"description\": \"\", \"indexing_technique\": \"high_quality\"}");
        }

        var given = AiWire.String(body, "id");
        var id = given is null ? null : DifyKnowledge.CanonicalId(given);
        if (given is not null && id is null)
        {
            return Refuse("id must be a UUID (Dify's dataset ids are UUIDs)");
        }

        var technique = AiWire.String(body, "indexing_technique");
        if (technique is not (null or "high_quality" or "economy"))
        {
            return Refuse("indexing_technique must be high_quality, economy or absent");
        }

        var (dataset, _) = store.CreateDataset(id, name, AiWire.String(body, "description") ?? string.Empty, technique, "only_me", clock.GetUtcNow().ToUnixTimeSeconds());
        return dataset is null
            ? Refuse($"a knowledge base named '{name}' or with id {id} exists already")
            : Results.Json(DatasetWire(dataset, store), SseWriter.Json);
    }

    private static async Task<IResult> ChangeDocumentAsync(string datasetId, string documentId, HttpContext context, DifyKnowledge store)
    {
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body
            || !body.TryGetProperty("archived", out var archived) || archived.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Refuse("the body must be {\"archived\": true} or {\"archived\": false}");
        }

        return DifyKnowledge.CanonicalId(datasetId) is { } dataset && DifyKnowledge.CanonicalId(documentId) is { } document && store.SetArchived(dataset, document, archived.GetBoolean())
            ? Results.Json(new { archived = archived.GetBoolean() }, SseWriter.Json)
            : Refuse($"knowledge base {datasetId} has no document {documentId}");
    }

    private static async Task<IResult> ChangeLimitsAsync(HttpContext context, KnowledgeLimits limits)
    {
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body)
        {
            return Refuse("the body must be a JSON object such as {\"max_text_bytes\": 1048576, \"max_documents\": 100, \"requests_per_minute\": null}");
        }

        var current = limits.Current;
        long maxText = current.MaxTextBytes;
        if (body.TryGetProperty("max_text_bytes", out var text) && (text.ValueKind != JsonValueKind.Number || !text.TryGetInt64(out maxText)))
        {
            return Refuse("max_text_bytes must be a whole number of bytes");
        }

        if (Optional(body, "max_documents", current.MaxDocuments) is not { } documents)
        {
            return Refuse("max_documents must be a whole number, or null for no limit");
        }

        if (Optional(body, "requests_per_minute", current.RequestsPerMinute) is not { } rate)
        {
            return Refuse("requests_per_minute must be a whole number, or null for no limit");
        }

        return limits.Change(new KnowledgeLimitsView(maxText, documents.Value, rate.Value)) is { } error
            ? Refuse(error)
            : Results.Json(limits.Current.ToWire(), SseWriter.Json);
    }

    private static async Task<IResult> ArmAsync(HttpContext context, KnowledgeFaults faults)
    {
        const string Example = "{\"preset\": \"server_error\", \"route\": \"create\", \"count\": 1} or {\"status\": 503, \"code\": \"…\", \"message\": \"…\"}";
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body)
        {
            return Refuse("the body must be a JSON object such as " + Example);
        }

        var presetName = AiWire.String(body, "preset");
        var preset = KnowledgeFault.Preset(presetName);
        if (presetName is not null && preset is null)
        {
            return Refuse($"preset must be one of {KnowledgeFault.PresetNames}, or absent (then give status, code and message)");
        }

        var routeName = AiWire.String(body, "route");
        var route = KnowledgeRoutes.Parse(routeName);
        if (routeName is not null && route is null)
        {
            return Refuse($"route must be one of {KnowledgeRoutes.Names}, or absent (every knowledge call)");
        }

        if (Optional(body, "count", 1) is not { Value: >= 1 } count)
        {
            return Refuse("count must be a whole number of at least 1");
        }

        if (Optional(body, "status", preset?.Status ?? 500) is not { Value: >= 400 and <= 599 } status)
        {
            return Refuse("status must be a 4xx or 5xx status");
        }

        var code = AiWire.String(body, "code") ?? preset?.Code ?? "internal_server_error";
        var message = AiWire.String(body, "message") ?? preset?.Message ?? "The server encountered an internal error and was unable to complete your request.";
        var fault = faults.Arm(route, count.Value!.Value, status.Value!.Value, code, message);
        return Results.Json(fault.ToWire(), SseWriter.Json);
    }

    private static async Task<IResult> HoldIndexingAsync(HttpContext context, DifyKnowledge store)
    {
        if (AiWire.ParseObject(await AiWire.ReadBodyAsync(context.Request, context.RequestAborted)) is not { } body
            || !body.TryGetProperty("hold", out var hold) || hold.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Refuse("the body must be {\"hold\": true} (documents stay waiting until POST indexing/complete) or {\"hold\": false}");
        }

        store.HoldIndexing = hold.GetBoolean();
        return Results.Json(new { hold = store.HoldIndexing }, SseWriter.Json);
    }

    /// <summary>
    /// A whole-number field that may be null: absent gives <paramref name="fallback"/>, null gives null, a number itself.
    /// The outer null means the field is neither (what to fix goes to the caller).
    /// </summary>
    private static Read<int?>? Optional(JsonElement body, string name, int? fallback) =>
        !body.TryGetProperty(name, out var value) ? new Read<int?>(fallback)
        : value.ValueKind == JsonValueKind.Null ? new Read<int?>(null)
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var parsed) ? new Read<int?>(parsed)
        : null;

    private static object DatasetWire(KnowledgeDataset dataset, DifyKnowledge store) => new
    {
        id = dataset.Id,
        name = dataset.Name,
        description = dataset.Description,
        indexing_technique = dataset.IndexingTechnique,
        created_at = dataset.CreatedAt,
        documents = store.Documents(dataset.Id).OrderBy(d => d.Position).Select(d => new
        {
            id = d.Id,
            position = d.Position,
            name = d.Name,
            text = d.Text,
            batch = d.Batch,
            indexing_status = d.Indexing == KnowledgeIndexing.Waiting ? "waiting" : "completed",
            indexing_technique = d.IndexingTechnique,
            doc_form = d.DocForm,
            doc_language = d.DocLanguage,
            archived = d.Archived,
            word_count = d.WordCount,
            tokens = d.Tokens,
            created_at = d.CreatedAt,
            updated_at = d.UpdatedAt,
        }),
    };

    private static IResult Refuse(string error) => Results.Json(new { error }, SseWriter.Json, statusCode: 400);

    /// <summary>A value that was read (possibly null), as opposed to one that could not be.</summary>
    private sealed record Read<T>(T Value);
}
