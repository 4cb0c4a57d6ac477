using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.BitableSync;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Bitable syncs' API.</summary>
public static class HubBitableSyncEndpointRouteBuilderExtensions
{
    private const int MaxRequestBytes = 32 * 1024;
    private const int DefaultSample = 10;
    private const int MaxSample = 100;
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    /// <summary>
    /// Maps <c>/api/v1/bitable-syncs</c> for the admin key: list and create (<c>GET</c>, <c>POST</c>); one sync's status, edit
    /// and delete (<c>GET</c>, <c>PUT</c>, <c>DELETE /{id}</c>); <c>POST /{id}/dry-run[?sample=]</c>, <c>/pause</c>,
    /// <c>/resume</c>, <c>/run[?full=true]</c>; <c>GET /{id}/passes</c> (history, newest first); <c>GET /{id}/conflicts</c> and
    /// <c>POST /{id}/conflicts/{conflict}/resolve</c> (<c>{"side":"database"|"bitable"}</c>); <c>GET /{id}/dead-letters</c>
    /// and <c>POST /{id}/dead-letters/retry[?id=]</c>. Every list is paged (<c>?limit=</c>, default 50, at most 200, and
    /// <c>?after=</c> the previous page's <c>next</c>): <c>{items, next}</c>, with <c>total</c> for conflicts and dead
    /// letters. Needs <c>AddHubBitableSync</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubBitableSyncApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var syncs = endpoints.MapGroup("/api/v1/bitable-syncs");
        syncs.RequireHubAdmin("manages Bitable syncs");
        syncs.MapGet("", ListAsync).WithName("ListBitableSyncs");
        syncs.MapPost("", CreateAsync).WithName("CreateBitableSync");
        syncs.MapGet("/{id}", GetAsync).WithName("GetBitableSync");
        syncs.MapPut("/{id}", EditAsync).WithName("EditBitableSync");
        syncs.MapDelete("/{id}", DeleteAsync).WithName("DeleteBitableSync");
        syncs.MapPost("/{id}/dry-run", DryRunAsync).WithName("DryRunBitableSync");
        syncs.MapPost("/{id}/pause", PauseAsync).WithName("PauseBitableSync");
        syncs.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeBitableSync");
        syncs.MapPost("/{id}/run", RunAsync).WithName("RunBitableSync");
        syncs.MapGet("/{id}/passes", PassesAsync).WithName("ListBitableSyncPasses");
        syncs.MapGet("/{id}/conflicts", ConflictsAsync).WithName("ListBitableSyncConflicts");
        syncs.MapPost("/{id}/conflicts/{conflict}/resolve", ResolveAsync).WithName("ResolveBitableSyncConflict");
        syncs.MapGet("/{id}/dead-letters", DeadLettersAsync).WithName("ListBitableSyncDeadLetters");
        syncs.MapPost("/{id}/dead-letters/retry", RetryAsync).WithName("RetryBitableSyncDeadLetters");
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<BitableSyncListDto>, ProblemHttpResult>> ListAsync(
        [FromServices] BitableSyncService service, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultLimit, MaxLimit, "bsy_");
        if (refused is not null)
        {
            return refused;
        }

        var (items, next) = paging.Page(await service.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false), s => s.Id);
        return TypedResults.Json(new BitableSyncListDto([.. items.Select(Dto)], next), BitableSyncJsonContext.Default.BitableSyncListDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult>> GetAsync(string id, [FromServices] BitableSyncService service, [FromServices] BitableSyncStore store, CancellationToken cancellationToken)
    {
        if (await service.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return NotFound(id);
        }

        var dto = Dto(sync);
        return TypedResults.Json(dto with { Status = dto.Status with { Running = await store.IsRunningAsync(id, cancellationToken).ConfigureAwait(false) } }, BitableSyncJsonContext.Default.BitableSyncDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult>> CreateAsync(HttpContext http, [FromServices] BitableSyncService service, CancellationToken cancellationToken)
    {
        var (input, problem) = await ReadAsync(http, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.CreateAsync(input!, cancellationToken).ConfigureAwait(false);
        if (result.Value is { } sync)
        {
            await ApiAudit.WriteAsync(http, "bitable_sync.create", sync.Id, ("name", sync.Name), ("table", sync.TableName), ("bitable_table", sync.TableId)).ConfigureAwait(false);
        }

        return Answer(result, StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult>> EditAsync(string id, HttpContext http, [FromServices] BitableSyncService service, CancellationToken cancellationToken)
    {
        var (input, problem) = await ReadAsync(http, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var result = await service.EditAsync(id, input!, cancellationToken).ConfigureAwait(false);
        if (result.Value is { } sync)
        {
            await ApiAudit.WriteAsync(http, "bitable_sync.edit", sync.Id, ("name", sync.Name)).ConfigureAwait(false);
        }

        return result.NotFound ? NotFound(id) : Answer(result, StatusCodes.Status200OK);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, [FromServices] BitableSyncService service, CancellationToken cancellationToken)
    {
        if (!await service.DeleteAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "bitable_sync.delete", id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult>> PauseAsync(string id, HttpContext http, [FromServices] BitableSyncService service, CancellationToken cancellationToken)
    {
        if (await service.PauseAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "bitable_sync.pause", id).ConfigureAwait(false);
        return TypedResults.Json(Dto(sync), BitableSyncJsonContext.Default.BitableSyncDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult>> ResumeAsync(string id, HttpContext http, [FromServices] BitableSyncService service, CancellationToken cancellationToken)
    {
        if (await service.ResumeAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "bitable_sync.resume", id).ConfigureAwait(false);
        return TypedResults.Json(Dto(sync), BitableSyncJsonContext.Default.BitableSyncDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult>> RunAsync(string id, HttpContext http, [FromServices] BitableSyncService service, [FromQuery] string? full, CancellationToken cancellationToken)
    {
        if (full is not null && !bool.TryParse(full, out _))
        {
            return Invalid([("full", "true or false.")]);
        }

        var result = await service.RunNowAsync(id, full is not null && bool.Parse(full), cancellationToken).ConfigureAwait(false);
        if (result.Value is not null)
        {
            await ApiAudit.WriteAsync(http, "bitable_sync.run", id, ("full", full ?? "false")).ConfigureAwait(false);
        }

        return result.NotFound ? NotFound(id) : Answer(result, StatusCodes.Status202Accepted);
    }

    private static async Task<Results<JsonHttpResult<DryRunDto>, ProblemHttpResult>> DryRunAsync(string id, [FromServices] BitableSyncService service, [FromQuery] string? sample, CancellationToken cancellationToken)
    {
        var take = DefaultSample;
        if (sample is not null && (!int.TryParse(sample, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxSample))
        {
            return Invalid([("sample", $"A whole number from 1 to {MaxSample.ToString(CultureInfo.InvariantCulture)}.")]);
        }

        var result = await service.DryRunAsync(id, take, cancellationToken).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound(id);
        }

        if (result.Value is not { } dry)
        {
            return Invalid(result.Problems!);
        }

        return TypedResults.Json(
            new DryRunDto(
                [.. dry.Columns.Select(c => new ColumnDto(c.Column, c.FieldId, c.FieldName, (int)c.Type, ColumnKindName(c.Kind), c.ToBitable ? "both" : "to_database"))],
                [.. dry.SchemaProblems.Select(p => new SchemaProblemDto(p.Column, p.FieldId, p.Problem))],
                dry.Actions,
                [.. dry.Sample.Select(d => new DryRowDto(d.Key, d.RecordId, WireName<RowAction>.Of(d.Action), Values(dry.Columns, d.Database), Values(dry.Columns, d.Bitable)))],
                [.. dry.Problems.Select(LetterDto)],
                dry.ApiCalls)
            {
                Decisions = dry.Decisions,
                ProblemsTotal = dry.ProblemsTotal,
            },
            BitableSyncJsonContext.Default.DryRunDto);
    }

    private static async Task<Results<JsonHttpResult<PassPageDto>, ProblemHttpResult>> PassesAsync(
        string id, [FromServices] BitableSyncService service, [FromServices] BitableSyncStore store, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (take, from, problems) = Paging(limit, after);
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        if (await service.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        // Newest first: the next page holds the passes older than the last one shown.
        var passes = await store.PassesAsync(id, before: from, take + 1, cancellationToken).ConfigureAwait(false);
        var page = passes.Take(take).Select(p => new PassDto(p.Id, p.Kind, p.StartedAt, p.EndedAt, p.Outcome, p.ToBitable, p.ToDatabase, p.Conflicts, p.Refused, p.ApiCalls)).ToArray();
        return TypedResults.Json(new PassPageDto(page, passes.Count > take ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null), BitableSyncJsonContext.Default.PassPageDto);
    }

    private static async Task<Results<JsonHttpResult<ConflictPageDto>, ProblemHttpResult>> ConflictsAsync(
        string id, [FromServices] BitableSyncService service, [FromServices] BitableSyncStore store, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (take, from, problems) = Paging(limit, after);
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        if (await service.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        var page = await store.ConflictsPageAsync(id, openOnly: false, from, take, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(new ConflictPageDto([.. page.Items.Select(ConflictDto)], page.Total, page.Next?.ToString(CultureInfo.InvariantCulture)), BitableSyncJsonContext.Default.ConflictPageDto);
    }

    /// <summary>A list's <c>limit</c> (default 50, at most 200) and <c>after</c> (the previous page's <c>next</c>).</summary>
    private static (int Take, long? After, List<(string Field, string Message)> Problems) Paging(string? limit, string? after)
    {
        var problems = new List<(string Field, string Message)>();
        var take = ListPaging.ReadLimit(limit, DefaultLimit, MaxLimit, problems);
        long? from = null;
        if (after is not null)
        {
            if (long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                from = parsed;
            }
            else
            {
                problems.Add(("after", "The `next` of the previous page (a whole number)."));
            }
        }

        return (take, from, problems);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResolveAsync(string id, string conflict, HttpContext http, [FromServices] BitableSyncService service, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, BitableSyncJsonContext.Default.ResolveDto, "a string field side: \"database\" or \"bitable\"", cancellationToken, MaxRequestBytes).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body?.Side is not ("database" or "bitable"))
        {
            return Invalid([("side", "\"database\" (write the database's row to Bitable) or \"bitable\" (write the record to the database).")]);
        }

        if (!long.TryParse(conflict, NumberStyles.None, CultureInfo.InvariantCulture, out var conflictId) || !await service.ResolveConflictAsync(id, conflictId, body.Side, cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Sync '{id}' has no open conflict {conflict}.");
        }

        await ApiAudit.WriteAsync(http, "bitable_sync.conflict.resolve", id, ("conflict", conflict), ("side", body.Side)).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<JsonHttpResult<DeadLetterPageDto>, ProblemHttpResult>> DeadLettersAsync(
        string id, [FromServices] BitableSyncService service, [FromServices] BitableSyncStore store, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (take, from, problems) = Paging(limit, after);
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        if (await service.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        var page = await store.DeadLettersPageAsync(id, from, take, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(new DeadLetterPageDto([.. page.Items.Select(LetterDto)], page.Total, page.Next?.ToString(CultureInfo.InvariantCulture)), BitableSyncJsonContext.Default.DeadLetterPageDto);
    }

    private static async Task<Results<JsonHttpResult<RetriedDto>, ProblemHttpResult>> RetryAsync(string id, HttpContext http, [FromServices] BitableSyncService service, [FromQuery(Name = "id")] string? letter, CancellationToken cancellationToken)
    {
        long? letterId = null;
        if (letter is not null)
        {
            if (!long.TryParse(letter, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Invalid([("id", "A dead letter's id (a whole number), or leave it out to retry them all.")]);
            }

            letterId = parsed;
        }

        if (await service.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        var count = await service.RetryDeadLettersAsync(id, letterId, cancellationToken).ConfigureAwait(false);
        await ApiAudit.WriteAsync(http, "bitable_sync.dead_letters.retry", id, ("count", count.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        return TypedResults.Json(new RetriedDto(count), BitableSyncJsonContext.Default.RetriedDto);
    }

    private static async Task<(SyncInput? Input, ProblemHttpResult? Problem)> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, BitableSyncJsonContext.Default.SyncInputDto,
            "name, app_token, table_id, database {kind, connection_string}, table, key {column, field}, columns [{column, field}], direction, capture, conflicts", cancellationToken, MaxRequestBytes).ConfigureAwait(false);
        if (unreadable is not null || body is null)
        {
            return (null, unreadable ?? JsonBody.BadBody("The body must be a JSON object."));
        }

        var problems = new List<(string Field, string Message)>();
        static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        void Required(string? value, string field, string what)
        {
            if (Blank(value) is null)
            {
                problems.Add((field, what));
            }
        }

        Required(body.Name, "name", "A name for people (e.g. \"ERP orders\").");
        Required(body.AppToken, "app_token", "The base's app_token (from its URL: /base/<app_token>).");
        Required(body.TableId, "table_id", "The Bitable table's id (tbl…).");
        Required(body.Table, "table", "The database table's name.");
        Required(body.Key?.Column, "key.column", "The database column that identifies a row.");
        Required(body.Key?.Field, "key.field", "The Bitable field (id or name) holding the same value.");
        var kind = SyncDatabaseKind.Postgres;
        if (Blank(body.Database?.Kind) is not { } kindName)
        {
            problems.Add(("database.kind", "Required: \"postgres\" or \"sqlite\", with the database's connection_string."));
        }
        else if (kindName == "hub")
        {
            problems.Add(("database.kind", SyncDatabases.HubKindRefused));
        }
        else if (!WireName<SyncDatabaseKind>.TryParse(kindName, out kind))
        {
            problems.Add(("database.kind", "\"postgres\" or \"sqlite\"."));
        }

        var direction = Enum<SyncDirection>(body.Direction ?? "both", "direction", problems);
        var capture = Enum<ChangeCapture>(body.Capture ?? "triggers", "capture", problems);
        var conflicts = Enum<ConflictPolicy>(body.Conflicts ?? "hold_for_review", "conflicts", problems);
        var columns = new List<(string, string)>();
        foreach (var (column, i) in (body.Columns ?? []).Select((c, i) => (c, i)))
        {
            if (Blank(column?.Column) is not { } c || Blank(column?.Field) is not { } f)
            {
                problems.Add(($"columns[{i.ToString(CultureInfo.InvariantCulture)}]", "Each mapped column needs column (the database's) and field (Bitable's, by id or name)."));
            }
            else
            {
                columns.Add((c, f));
            }
        }

        if (problems.Count > 0)
        {
            return (null, Invalid(problems));
        }

        return (new SyncInput(
            body.Name!.Trim(), Blank(body.App) ?? "", body.AppToken!.Trim(), body.TableId!.Trim(), kind, Blank(body.Database?.ConnectionString), body.Table!.Trim(),
            body.Key!.Column!.Trim(), body.Key.Field!.Trim(), columns, direction, capture, Blank(body.UpdatedAtColumn), conflicts,
            body.PropagateDeletes ?? false, Blank(body.SoftDeleteColumn), body.IntervalSeconds ?? 60, body.FullDiffEvery ?? 60), null);
    }

    private static T Enum<T>(string value, string field, List<(string Field, string Message)> problems)
        where T : struct, Enum
    {
        if (WireName<T>.TryParse(value, out var parsed))
        {
            return parsed;
        }

        problems.Add((field, "One of " + string.Join(", ", WireName<T>.All) + "."));
        return default;
    }

    private static Results<JsonHttpResult<BitableSyncDto>, ProblemHttpResult> Answer(SyncResult<BitableSyncRow> result, int status) =>
        result.Value is { } sync ? TypedResults.Json(Dto(sync), BitableSyncJsonContext.Default.BitableSyncDto, statusCode: status) : Invalid(result.Problems ?? []);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"There is no Bitable sync '{id}'. GET /api/v1/bitable-syncs lists them.");

    private static ProblemHttpResult Invalid(IReadOnlyList<(string Field, string Message)> problems) =>
        FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid Bitable sync", problems);

    internal static BitableSyncDto Dto(BitableSyncRow s)
    {
        var mapping = SyncMapping.FromJson(s.MappingJson);
        return new BitableSyncDto(
            s.Id, s.Name, s.App, s.AppToken, s.TableId, new DatabaseDto(WireName<SyncDatabaseKind>.Of(s.DatabaseKind), s.ConnectionProtected is null ? null : "(stored encrypted)"), s.TableName,
            new MappingDto(mapping.KeyColumn, mapping.KeyFieldId), [.. mapping.Columns.Select(c => new MappingDto(c.Column, c.FieldId))],
            WireName<SyncDirection>.Of(s.Direction), WireName<ChangeCapture>.Of(s.Capture), s.UpdatedAtColumn, WireName<ConflictPolicy>.Of(s.Conflicts),
            s.PropagateDeletes, s.SoftDeleteColumn, WireName<SyncState>.Of(s.State), s.IntervalSeconds, s.FullDiffEvery,
            new StatusDto(s.LastPassAt, s.LastPassOutcome, s.LagMilliseconds, s.Passes, s.RowsToBitable, s.RowsToDatabase,
                s.SchemaProblemsJson is null ? [] : [.. (JsonSerializer.Deserialize(s.SchemaProblemsJson, SyncMappingJsonContext.Default.ListSchemaProblem) ?? []).Select(p => new SchemaProblemDto(p.Column, p.FieldId, p.Problem))]),
            s.CreatedAt, s.UpdatedAt);
    }

    internal static ConflictDto ConflictDto(BitableSyncConflictRow c) => new(c.Id, c.RowKey, c.RecordId, Parse(c.DatabaseJson), Parse(c.BitableJson), c.FoundAt, c.Resolution);

    internal static DeadLetterDto LetterDto(BitableSyncDeadLetterRow d) => new(d.Id, d.RowKey, d.RecordId, d.Direction, d.Code, d.Message, d.FailedAt, d.Attempts, d.RetryRequestedAt is not null);

    private static Dictionary<string, string?>? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize(json, SyncMappingJsonContext.Default.DictionaryStringString);

    private static Dictionary<string, string?>? Values(IReadOnlyList<ResolvedColumn> columns, IReadOnlyList<string?>? values) =>
        values is null ? null : columns.Select((c, i) => (c.Column, values[i])).ToDictionary(x => x.Column, x => x.Item2, StringComparer.Ordinal);

    private static string ColumnKindName(ColumnKind kind) => kind.ToString().ToLowerInvariant();
}

#pragma warning disable SA1402, SA1649 // The API's wire shapes, together.
internal sealed record SyncInputDto(
    string? Name, string? App, string? AppToken, string? TableId, DatabaseDto? Database, string? Table, MappingInputDto? Key, IReadOnlyList<MappingInputDto?>? Columns,
    string? Direction, string? Capture, string? UpdatedAtColumn, string? Conflicts, bool? PropagateDeletes, string? SoftDeleteColumn, int? IntervalSeconds, int? FullDiffEvery);

internal sealed record MappingInputDto(string? Column, string? Field);

internal sealed record DatabaseDto(string? Kind, string? ConnectionString);

internal sealed record MappingDto(string Column, string FieldId);

internal sealed record StatusDto(DateTimeOffset? LastPassAt, string? LastPassOutcome, long? LagMs, long Passes, long RowsToBitable, long RowsToDatabase, IReadOnlyList<SchemaProblemDto> SchemaProblems)
{
    /// <summary>Whether a pass runs right now (shown by GET /{id}; null in lists).</summary>
    public bool? Running { get; init; }
}

internal sealed record BitableSyncDto(
    string Id, string Name, string App, string AppToken, string TableId, DatabaseDto Database, string Table, MappingDto Key, IReadOnlyList<MappingDto> Columns,
    string Direction, string Capture, string? UpdatedAtColumn, string Conflicts, bool PropagateDeletes, string? SoftDeleteColumn, string State, int IntervalSeconds, int FullDiffEvery,
    StatusDto Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record ColumnDto(string Column, string FieldId, string FieldName, int FieldType, string ColumnKind, string Flows);

internal sealed record SchemaProblemDto(string Column, string FieldId, string Problem);

internal sealed record DryRowDto(string Key, string? RecordId, string Action, Dictionary<string, string?>? Database, Dictionary<string, string?>? Bitable);

internal sealed record DryRunDto(IReadOnlyList<ColumnDto> Columns, IReadOnlyList<SchemaProblemDto> SchemaProblems, IReadOnlyDictionary<string, int> Actions, IReadOnlyList<DryRowDto> Sample, IReadOnlyList<DeadLetterDto> Problems, int ApiCalls)
{
    /// <summary>Rows decided in all (the sample shows the first <c>sample</c>).</summary>
    public int Decisions { get; init; }

    /// <summary>Rows refused in all (<c>problems</c> lists the first 100).</summary>
    public int ProblemsTotal { get; init; }
}

internal sealed record ConflictPageDto(IReadOnlyList<ConflictDto> Items, int Total, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

internal sealed record DeadLetterPageDto(IReadOnlyList<DeadLetterDto> Items, int Total, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A page of syncs in id order; <see cref="Next"/> (absent on the last page) is the <c>after</c> of the next one.</summary>
internal sealed record BitableSyncListDto(BitableSyncDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A page of a sync's passes, newest first; <see cref="Next"/> (absent on the last page) is the <c>after</c> of the next one.</summary>
internal sealed record PassPageDto(PassDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

internal sealed record PassDto(long Id, string Kind, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Outcome, int ToBitable, int ToDatabase, int Conflicts, int Refused, int ApiCalls);

internal sealed record ConflictDto(long Id, string Key, string? RecordId, Dictionary<string, string?>? Database, Dictionary<string, string?>? Bitable, DateTimeOffset FoundAt, string? Resolution);

internal sealed record DeadLetterDto(long Id, string Key, string? RecordId, string Direction, int Code, string Message, DateTimeOffset FailedAt, int Attempts, bool RetryRequested);

internal sealed record ResolveDto(string? Side);

internal sealed record RetriedDto(int Retried);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncInputDto))]
[JsonSerializable(typeof(BitableSyncDto))]
[JsonSerializable(typeof(BitableSyncListDto))]
[JsonSerializable(typeof(DryRunDto))]
[JsonSerializable(typeof(PassPageDto))]
[JsonSerializable(typeof(ConflictPageDto))]
[JsonSerializable(typeof(DeadLetterPageDto))]
[JsonSerializable(typeof(ResolveDto))]
[JsonSerializable(typeof(RetriedDto))]
internal sealed partial class BitableSyncJsonContext : JsonSerializerContext;
#pragma warning restore SA1402, SA1649
