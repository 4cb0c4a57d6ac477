using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Larkway.Hub.Feishu.Docs.Knowledge;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the knowledge syncs' API: Feishu wiki spaces kept in step with Dify knowledge bases.</summary>
public static class HubKnowledgeSyncEndpointRouteBuilderExtensions
{
    private const int MaxRequestBytes = 16 * 1024;
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;
    private const int DefaultIntervalSeconds = 3600;

    /// <summary>
    /// Maps <c>/api/v1/knowledge-syncs</c> for the admin key: list and connect (<c>GET</c>, <c>POST</c>); one sync's status,
    /// edit and delete (<c>GET</c>, <c>PUT</c>, <c>DELETE /{id}</c>); <c>GET /{id}/documents[?state=]</c>; <c>POST /{id}/run</c>,
    /// <c>/pause</c>, <c>/resume</c>. Lists are paged (<c>?limit=</c>, default 50, at most 200; <c>?after=</c> the previous
    /// page's <c>next</c>). Needs <c>AddHubFeishuDocs</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubKnowledgeSyncApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var syncs = endpoints.MapGroup("/api/v1/knowledge-syncs").WithTags("Knowledge syncs");
        syncs.RequireHubAdmin("connects wiki spaces to knowledge bases");
        syncs.MapGet("", ListAsync).WithName("ListKnowledgeSyncs")
            .WithSummary("List knowledge syncs")
            .WithDescription("Every Feishu wiki space kept in step with a Dify knowledge base, in id order, with its documents counted by state.")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<ListPage<KnowledgeSyncDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        syncs.MapPost("", CreateAsync).WithName("CreateKnowledgeSync")
            .WithSummary("Connect a wiki space to a knowledge base")
            .WithDescription("Checks that the app sees the space and that the key opens the knowledge base (a 400 names each problem), stores the key encrypted, "
                + "and starts a full pass: every document of the space open to the whole company is pushed by text, then kept in step by Feishu's edit events "
                + "and a full pass every interval.")
            .ReadsJson<KnowledgeSyncInputDto>()
            .Answers<KnowledgeSyncDto>(StatusCodes.Status201Created);
        syncs.MapGet("/{id}", GetAsync).WithName("GetKnowledgeSync")
            .WithSummary("Get a knowledge sync")
            .WithDescription("The sync's settings (never its key) and where it stands: its last pass and outcome, its documents counted by state, whether a pass runs now.")
            .Answers<KnowledgeSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapPut("/{id}", EditAsync).WithName("EditKnowledgeSync")
            .WithSummary("Edit a knowledge sync")
            .WithDescription("Replaces the sync's settings, checked as a connect is; leave dify.api_key out to keep the stored key. The space and the knowledge base are fixed. "
                + "A change runs a full pass at once (what belongs in the knowledge base may have changed).")
            .ReadsJson<KnowledgeSyncInputDto>()
            .Answers<KnowledgeSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapDelete("/{id}", DeleteAsync).WithName("DeleteKnowledgeSync")
            .WithSummary("Delete a knowledge sync")
            .WithDescription("Stops following the space. The knowledge base keeps the documents pushed so far: delete them in Dify if they should go too.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapGet("/{id}/documents", DocumentsAsync).WithName("ListKnowledgeSyncDocuments")
            .WithSummary("List a knowledge sync's documents")
            .WithDescription("The space's documents in token order: each one's state (pending, pushed, restricted, unsupported, failed), why one is kept out, and its knowledge-base document.")
            .Paged(DefaultLimit, MaxLimit)
            .Query<string>("state", "Only documents in this state: " + string.Join(", ", WireName<KnowledgeDocumentState>.All) + ".")
            .Answers<ListPage<KnowledgeDocumentDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/run", RunAsync).WithName("RunKnowledgeSync")
            .WithSummary("Run a full pass now")
            .WithDescription("Walks the whole space now instead of at the next interval (202). A paused sync is refused (400): resume it.")
            .Answers<KnowledgeSyncDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/pause", PauseAsync).WithName("PauseKnowledgeSync")
            .WithSummary("Pause a knowledge sync")
            .WithDescription("Stops the passes; the knowledge base keeps what it has.")
            .Answers<KnowledgeSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeKnowledgeSync")
            .WithSummary("Resume a knowledge sync")
            .WithDescription("Starts the passes again with a full one, which catches up with what changed while paused.")
            .Answers<KnowledgeSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<ListPage<KnowledgeSyncDto>>, ProblemHttpResult>> ListAsync(
        [FromServices] KnowledgeSyncStore store, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultLimit, MaxLimit, "fks_");
        if (refused is not null)
        {
            return refused;
        }

        var counts = await store.CountsAsync(syncId: null, cancellationToken).ConfigureAwait(false);
        var page = paging.Answer(await store.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false), s => s.Id, s => Dto(s, counts.GetValueOrDefault(s.Id), running: null));
        return TypedResults.Json(page, KnowledgeSyncJsonContext.Default.ListPageKnowledgeSyncDto);
    }

    private static async Task<Results<JsonHttpResult<KnowledgeSyncDto>, ProblemHttpResult>> GetAsync(string id, [FromServices] KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return NotFound(id);
        }

        return TypedResults.Json(await DtoAsync(sync, store, cancellationToken).ConfigureAwait(false), KnowledgeSyncJsonContext.Default.KnowledgeSyncDto);
    }

    private static async Task<Results<JsonHttpResult<KnowledgeSyncDto>, ProblemHttpResult>> CreateAsync(
        HttpContext http, [FromServices] KnowledgeSyncService service, [FromServices] KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        var (input, problem) = await ReadAsync(http, editing: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.CreateAsync(input!, cancellationToken).ConfigureAwait(false);
        if (result.Value is not { } sync)
        {
            return Invalid(result.Problems ?? []);
        }

        await ApiAudit.WriteAsync(http, "knowledge_sync.create", sync.Id, ("name", sync.Name), ("space", sync.SpaceId), ("dataset", sync.DatasetId)).ConfigureAwait(false);
        return TypedResults.Json(await DtoAsync(sync, store, cancellationToken).ConfigureAwait(false), KnowledgeSyncJsonContext.Default.KnowledgeSyncDto, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<KnowledgeSyncDto>, ProblemHttpResult>> EditAsync(
        string id, HttpContext http, [FromServices] KnowledgeSyncService service, [FromServices] KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        var (input, problem) = await ReadAsync(http, editing: true, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.EditAsync(id, input!, cancellationToken).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound(id);
        }

        if (result.Value is not { } sync)
        {
            return Invalid(result.Problems ?? []);
        }

        await ApiAudit.WriteAsync(http, "knowledge_sync.edit", sync.Id, ("name", sync.Name), ("key_changed", input!.ApiKey is null ? "false" : "true")).ConfigureAwait(false);
        return TypedResults.Json(await DtoAsync(sync, store, cancellationToken).ConfigureAwait(false), KnowledgeSyncJsonContext.Default.KnowledgeSyncDto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, [FromServices] KnowledgeSyncService service, CancellationToken cancellationToken)
    {
        if (!await service.DeleteAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "knowledge_sync.delete", id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<JsonHttpResult<ListPage<KnowledgeDocumentDto>>, ProblemHttpResult>> DocumentsAsync(
        string id, [FromServices] KnowledgeSyncStore store, [FromQuery] string? limit, [FromQuery] string? after, [FromQuery] string? state, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultLimit, MaxLimit, ListCursor.Name(t => t.Length is > 0 and <= 64 && t.All(char.IsAsciiLetterOrDigit), "a document's token (letters and digits)"));
        if (refused is not null)
        {
            return refused;
        }

        KnowledgeDocumentState? only = null;
        if (state is not null)
        {
            if (!WireName<KnowledgeDocumentState>.TryParse(state, out var parsed))
            {
                return Invalid([("state", "One of " + string.Join(", ", WireName<KnowledgeDocumentState>.All) + ".")]);
            }

            only = parsed;
        }

        if (await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        var rows = await store.DocumentsPageAsync(id, only, paging.After, paging.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(paging.Answer(rows, d => d.ObjToken, DocumentDto), KnowledgeSyncJsonContext.Default.ListPageKnowledgeDocumentDto);
    }

    private static async Task<Results<JsonHttpResult<KnowledgeSyncDto>, ProblemHttpResult>> RunAsync(
        string id, HttpContext http, [FromServices] KnowledgeSyncService service, [FromServices] KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        var result = await service.RunNowAsync(id, cancellationToken).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound(id);
        }

        if (result.Value is not { } sync)
        {
            return Invalid(result.Problems ?? []);
        }

        await ApiAudit.WriteAsync(http, "knowledge_sync.run", id).ConfigureAwait(false);
        return TypedResults.Json(await DtoAsync(sync, store, cancellationToken).ConfigureAwait(false), KnowledgeSyncJsonContext.Default.KnowledgeSyncDto, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<Results<JsonHttpResult<KnowledgeSyncDto>, ProblemHttpResult>> PauseAsync(
        string id, HttpContext http, [FromServices] KnowledgeSyncService service, [FromServices] KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        if (await service.PauseAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "knowledge_sync.pause", id).ConfigureAwait(false);
        return TypedResults.Json(await DtoAsync(sync, store, cancellationToken).ConfigureAwait(false), KnowledgeSyncJsonContext.Default.KnowledgeSyncDto);
    }

    private static async Task<Results<JsonHttpResult<KnowledgeSyncDto>, ProblemHttpResult>> ResumeAsync(
        string id, HttpContext http, [FromServices] KnowledgeSyncService service, [FromServices] KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        if (await service.ResumeAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "knowledge_sync.resume", id).ConfigureAwait(false);
        return TypedResults.Json(await DtoAsync(sync, store, cancellationToken).ConfigureAwait(false), KnowledgeSyncJsonContext.Default.KnowledgeSyncDto);
    }

    private static async Task<(KnowledgeSyncInput? Input, ProblemHttpResult? Problem)> ReadAsync(HttpContext http, bool editing, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, KnowledgeSyncJsonContext.Default.KnowledgeSyncInputDto,
            "name, space_id, dify {dataset_id, api_key, base_url}, and optionally app, assistant, include_restricted, interval_seconds, dify_requests_per_minute, paused", cancellationToken, MaxRequestBytes).ConfigureAwait(false);
        if (unreadable is not null || body is null)
        {
            return (null, unreadable ?? JsonBody.BadBody("The body must be a JSON object."));
        }

        var problems = new List<(string Field, string Message)>();
        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        if (Blank(body.Name) is not { } name || name.Length > 200)
        {
            problems.Add(("name", "A name for people of 1 to 200 characters (e.g. \"Employee handbook\")."));
        }

        if (Blank(body.SpaceId) is not { } space || !space.All(char.IsAsciiDigit) || space.Length > 32)
        {
            problems.Add(("space_id", "The wiki space's id: the digits Feishu shows in the space's settings (GET /open-apis/wiki/v2/spaces lists them)."));
        }

        if (Blank(body.Dify?.DatasetId) is not { } dataset || dataset.Length > 64)
        {
            problems.Add(("dify.dataset_id", "The knowledge base's id, from its URL in Dify (/datasets/<id>/documents)."));
        }

        if (!editing && Blank(body.Dify?.ApiKey) is null)
        {
            problems.Add(("dify.api_key", "Required: the knowledge base's API key (Dify → Knowledge → API → API key, dataset-…)."));
        }

        var interval = body.IntervalSeconds ?? DefaultIntervalSeconds;
        if (interval is < KnowledgeSyncService.MinIntervalSeconds or > KnowledgeSyncService.MaxIntervalSeconds)
        {
            problems.Add(("interval_seconds", $"Seconds between full passes: from {KnowledgeSyncService.MinIntervalSeconds} to {KnowledgeSyncService.MaxIntervalSeconds} (a week). Edits arrive by events in between."));
        }

        if (body.DifyRequestsPerMinute is < 1 or > 100_000)
        {
            problems.Add(("dify_requests_per_minute", "Dify's knowledge requests a minute for this sync (your Dify Cloud plan's limit), from 1; leave it out for a self-hosted Dify."));
        }

        if (problems.Count > 0)
        {
            return (null, Invalid(problems));
        }

        return (new KnowledgeSyncInput(
            body.Name!.Trim(), Blank(body.App) is { } app && app != "default" ? app : "", body.SpaceId!.Trim(), Blank(body.Assistant), Blank(body.Dify!.BaseUrl)?.TrimEnd('/'),
            body.Dify.DatasetId!.Trim(), Blank(body.Dify.ApiKey), body.DifyRequestsPerMinute, body.IncludeRestricted ?? false, interval, body.Paused ?? false), null);
    }

    private static async Task<KnowledgeSyncDto> DtoAsync(KnowledgeSyncRow sync, KnowledgeSyncStore store, CancellationToken cancellationToken)
    {
        var counts = await store.CountsAsync(sync.Id, cancellationToken).ConfigureAwait(false);
        return Dto(sync, counts.GetValueOrDefault(sync.Id), await store.IsRunningAsync(sync.Id, cancellationToken).ConfigureAwait(false));
    }

    internal static KnowledgeSyncDto Dto(KnowledgeSyncRow s, IReadOnlyDictionary<KnowledgeDocumentState, int>? counts, bool? running) => new(
        s.Id, s.Name, s.App.Length == 0 ? "default" : s.App, s.SpaceId, s.Assistant, new KnowledgeSyncDifyDto(s.DatasetId, s.DifyBaseUrl, "(stored encrypted)"),
        s.DifyRequestsPerMinute, s.IncludeRestricted, s.IntervalSeconds, WireName<KnowledgeSyncState>.Of(s.State),
        new KnowledgeSyncStatusDto(s.LastPassAt, s.LastPassOutcome, s.LastFullPassAt, s.Passes, running,
            Enum.GetValues<KnowledgeDocumentState>().ToDictionary(WireName<KnowledgeDocumentState>.Of, st => counts?.GetValueOrDefault(st) ?? 0)),
        s.CreatedAt, s.UpdatedAt);

    internal static KnowledgeDocumentDto DocumentDto(KnowledgeDocumentRow d) => new(
        d.ObjToken, d.ObjType, d.NodeToken, d.Title, WireName<KnowledgeDocumentState>.Of(d.State), d.Error, d.DifyDocumentId, d.EditedAt, d.PushedAt, d.Subscribed);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no knowledge sync '{id}'. GET /api/v1/knowledge-syncs lists them.");

    private static ProblemHttpResult Invalid(IReadOnlyList<(string Field, string Message)> problems) =>
        FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid knowledge sync", problems);
}

#pragma warning disable SA1402, SA1649 // The API's wire shapes, together.

/// <summary>The body of <c>POST /api/v1/knowledge-syncs</c> and <c>PUT …/{id}</c>.</summary>
internal sealed record KnowledgeSyncInputDto(
    [property: Required, Description("A name for people (e.g. Employee handbook), unique among the knowledge syncs.")] string? Name,
    [property: Description("The Feishu app whose bot reads the space (GET /api/v1/apps); leave it out for the default app. The app must be a member of the space.")] string? App,
    [property: Required, Description("The wiki space's id (digits).")] string? SpaceId,
    [property: Description("The assistant whose Dify app uses the knowledge base; its Dify base URL is taken when dify.base_url is left out.")] string? Assistant,
    [property: Required, Description("The Dify knowledge base.")] KnowledgeSyncDifyInputDto? Dify,
    [property: Description("Push documents that only some people may open too. Default false: the knowledge base answers everyone who asks the assistant, so only documents open to the whole company go in.")] bool? IncludeRestricted,
    [property: Description("Seconds between full passes, which heal what events missed: 60 to 604800. Default 3600.")] int? IntervalSeconds,
    [property: Description("Dify knowledge requests a minute this sync may make (a Dify Cloud plan's limit). Default: unpaced.")] int? DifyRequestsPerMinute,
    [property: Description("Store it without running (resume it later). Default false.")] bool? Paused)
{
    /// <summary>The API reference's example.</summary>
    public static KnowledgeSyncInputDto Example { get; } = new(
        "Employee handbook", null, "7354000000000000001", "helpdesk", new KnowledgeSyncDifyInputDto("5d1f3c2a-7b4e-4c1a-9f0e-1a2b3c4d5e6f", "dataset-…", null), false, 3600, null, null);
}

internal sealed record KnowledgeSyncDifyInputDto(
    [property: Required, Description("The knowledge base's id (from its URL: /datasets/<id>/documents).")] string? DatasetId,
    [property: Description("The knowledge API key (dataset-…); required to connect, left out on an edit to keep the stored one. Never shown again.")] string? ApiKey,
    [property: Description("Dify's service API with its /v1 (https://api.dify.ai/v1 or your own); left out, the named assistant's.")] string? BaseUrl);

internal sealed record KnowledgeSyncDifyDto(string DatasetId, string BaseUrl, string ApiKey);

/// <summary>Where a sync stands. <see cref="Running"/> is absent in lists.</summary>
internal sealed record KnowledgeSyncStatusDto(DateTimeOffset? LastPassAt, string? LastPassOutcome, DateTimeOffset? LastFullPassAt, long Passes, bool? Running, Dictionary<string, int> Documents);

internal sealed record KnowledgeSyncDto(
    string Id, string Name, string App, string SpaceId, string? Assistant, KnowledgeSyncDifyDto Dify, int? DifyRequestsPerMinute, bool IncludeRestricted, int IntervalSeconds, string State,
    KnowledgeSyncStatusDto Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record KnowledgeDocumentDto(
    string ObjToken, string ObjType, string NodeToken, string Title, string State, string? Why, string? DifyDocumentId, DateTimeOffset? EditedAt, DateTimeOffset? PushedAt, bool EditEvents);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KnowledgeSyncInputDto))]
[JsonSerializable(typeof(KnowledgeSyncDto))]
[JsonSerializable(typeof(ListPage<KnowledgeSyncDto>))]
[JsonSerializable(typeof(ListPage<KnowledgeDocumentDto>))]
internal sealed partial class KnowledgeSyncJsonContext : JsonSerializerContext;
