using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
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
        var syncs = endpoints.MapGroup("/api/v1/bitable-syncs").WithTags("Bitable syncs");
        syncs.RequireHubAdmin("manages Bitable syncs");
        syncs.MapGet("", ListAsync).WithName("ListBitableSyncs")
            .WithSummary("List Bitable syncs")
            .WithDescription("Every sync between a database table and a Bitable table, in id order, with where each stands.")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<BitableSyncListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        syncs.MapPost("", CreateAsync).WithName("CreateBitableSync")
            .WithSummary("Create a Bitable sync")
            .WithDescription("Defines a sync between a database table and a Bitable table, checked against the live table and base (a 400 names each problem, "
                + "with the columns or fields to choose from). It starts paused: check it with a dry run, then resume it.")
            .ReadsJson<BitableSyncInputDto>()
            .Answers<BitableSyncDto>(StatusCodes.Status201Created);
        syncs.MapGet("/{id}", GetAsync).WithName("GetBitableSync")
            .WithSummary("Get a Bitable sync")
            .WithDescription("The sync's definition and where it stands: its last pass, lag, rows each way, schema problems, and whether a pass runs right now.")
            .Answers<BitableSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapPut("/{id}", EditAsync).WithName("EditBitableSync")
            .WithSummary("Edit a Bitable sync")
            .WithDescription("Replaces the sync's definition, checked as a create is. Once the sync has run, its base, Bitable table, database kind, table and key pair "
                + "are fixed (a change to them is a 400); columns, direction, policies, interval and connection string can change at any time.")
            .ReadsJson<BitableSyncInputDto>()
            .Answers<BitableSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapDelete("/{id}", DeleteAsync).WithName("DeleteBitableSync")
            .WithSummary("Delete a Bitable sync")
            .WithDescription("Removes the sync with its passes, conflicts and dead letters; the rows of both tables stay as they are.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/dry-run", DryRunAsync).WithName("DryRunBitableSync")
            .WithSummary("Dry-run a Bitable sync")
            .WithDescription("Decides every row as a full diff would and writes nothing: the mapping as resolved, how many rows each action would take, "
                + "the first rows with both sides' values, and the first 100 rows that would be refused and why. 400 when the database, mapping or base cannot be read.")
            .Query<int>("sample", $"How many rows' decisions to show: 1 to {MaxSample} (default {DefaultSample}).")
            .Answers<BitableSyncDryRunDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/pause", PauseAsync).WithName("PauseBitableSync")
            .WithSummary("Pause a Bitable sync")
            .WithDescription("Stops the sync's passes until it is resumed.")
            .Answers<BitableSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/resume", ResumeAsync).WithName("ResumeBitableSync")
            .WithSummary("Resume a Bitable sync")
            .WithDescription("Starts the sync's passes again; the first is a full diff and runs at once.")
            .Answers<BitableSyncDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/run", RunAsync).WithName("RunBitableSync")
            .WithSummary("Run a Bitable sync now")
            .WithDescription("Starts a pass now instead of at the next interval (202); follow it with GET /api/v1/bitable-syncs/{id}/passes. A paused sync is refused (400): resume it.")
            .Query<bool>("full", "true: a full diff of both sides instead of the changes since the last pass.")
            .Answers<BitableSyncDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapGet("/{id}/passes", PassesAsync).WithName("ListBitableSyncPasses")
            .WithSummary("List a Bitable sync's passes")
            .WithDescription("The sync's history, newest first: each pass's kind, outcome, rows each way, conflicts, refused rows and API calls.")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<BitableSyncPassPageDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapGet("/{id}/conflicts", ConflictsAsync).WithName("ListBitableSyncConflicts")
            .WithSummary("List a Bitable sync's conflicts")
            .WithDescription("Rows changed on both sides, with both sides' values and how each was resolved (open ones without a resolution), and their total.")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<BitableSyncConflictPageDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/conflicts/{conflict}/resolve", ResolveAsync).WithName("ResolveBitableSyncConflict")
            .WithSummary("Resolve a Bitable sync's conflict")
            .WithDescription("Settles an open conflict for one side: database writes the database's row to Bitable, bitable writes the record to the database. 404 when the sync has no such open conflict.")
            .ReadsJson<BitableSyncResolveDto>()
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        syncs.MapGet("/{id}/dead-letters", DeadLettersAsync).WithName("ListBitableSyncDeadLetters")
            .WithSummary("List a Bitable sync's dead letters")
            .WithDescription("Rows a pass could not write (a value the other side refused, an unknown person), with why, and their total.")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<BitableSyncDeadLetterPageDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        syncs.MapPost("/{id}/dead-letters/retry", RetryAsync).WithName("RetryBitableSyncDeadLetters")
            .WithSummary("Retry a Bitable sync's dead letters")
            .WithDescription("Asks the next pass to write the dead letters again (one, or every one of the sync), and answers how many.")
            .Query<long>("id", "One dead letter's id; leave it out to retry them all.")
            .Answers<BitableSyncRetriedDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
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

    private static async Task<Results<JsonHttpResult<BitableSyncDryRunDto>, ProblemHttpResult>> DryRunAsync(string id, [FromServices] BitableSyncService service, [FromQuery] string? sample, CancellationToken cancellationToken)
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
            new BitableSyncDryRunDto(
                [.. dry.Columns.Select(c => new BitableSyncColumnDto(c.Column, c.FieldId, c.FieldName, (int)c.Type, ColumnKindName(c.Kind), c.ToBitable ? "both" : "to_database"))],
                [.. dry.SchemaProblems.Select(p => new BitableSyncSchemaProblemDto(p.Column, p.FieldId, p.Problem))],
                dry.Actions,
                [.. dry.Sample.Select(d => new BitableSyncDryRowDto(d.Key, d.RecordId, WireName<RowAction>.Of(d.Action), Values(dry.Columns, d.Database), Values(dry.Columns, d.Bitable)))],
                [.. dry.Problems.Select(LetterDto)],
                dry.ApiCalls)
            {
                Decisions = dry.Decisions,
                ProblemsTotal = dry.ProblemsTotal,
            },
            BitableSyncJsonContext.Default.BitableSyncDryRunDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncPassPageDto>, ProblemHttpResult>> PassesAsync(
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
        var page = passes.Take(take).Select(p => new BitableSyncPassDto(p.Id, p.Kind, p.StartedAt, p.EndedAt, p.Outcome, p.ToBitable, p.ToDatabase, p.Conflicts, p.Refused, p.ApiCalls)).ToArray();
        return TypedResults.Json(new BitableSyncPassPageDto(page, passes.Count > take ? page[^1].Id.ToString(CultureInfo.InvariantCulture) : null), BitableSyncJsonContext.Default.BitableSyncPassPageDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncConflictPageDto>, ProblemHttpResult>> ConflictsAsync(
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
        return TypedResults.Json(new BitableSyncConflictPageDto([.. page.Items.Select(Conflict)], page.Total, page.Next?.ToString(CultureInfo.InvariantCulture)), BitableSyncJsonContext.Default.BitableSyncConflictPageDto);
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
        var (body, problem) = await JsonBody.ReadAsync(http.Request, BitableSyncJsonContext.Default.BitableSyncResolveDto, "a string field side: \"database\" or \"bitable\"", cancellationToken, MaxRequestBytes).ConfigureAwait(false);
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

    private static async Task<Results<JsonHttpResult<BitableSyncDeadLetterPageDto>, ProblemHttpResult>> DeadLettersAsync(
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
        return TypedResults.Json(new BitableSyncDeadLetterPageDto([.. page.Items.Select(LetterDto)], page.Total, page.Next?.ToString(CultureInfo.InvariantCulture)), BitableSyncJsonContext.Default.BitableSyncDeadLetterPageDto);
    }

    private static async Task<Results<JsonHttpResult<BitableSyncRetriedDto>, ProblemHttpResult>> RetryAsync(string id, HttpContext http, [FromServices] BitableSyncService service, [FromQuery(Name = "id")] string? letter, CancellationToken cancellationToken)
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
        return TypedResults.Json(new BitableSyncRetriedDto(count), BitableSyncJsonContext.Default.BitableSyncRetriedDto);
    }

    private static async Task<(SyncInput? Input, ProblemHttpResult? Problem)> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, BitableSyncJsonContext.Default.BitableSyncInputDto,
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
            s.Id, s.Name, s.App, s.AppToken, s.TableId, new BitableSyncDatabaseDto(WireName<SyncDatabaseKind>.Of(s.DatabaseKind), s.ConnectionProtected is null ? null : "(stored encrypted)"), s.TableName,
            new BitableSyncMappingDto(mapping.KeyColumn, mapping.KeyFieldId), [.. mapping.Columns.Select(c => new BitableSyncMappingDto(c.Column, c.FieldId))],
            WireName<SyncDirection>.Of(s.Direction), WireName<ChangeCapture>.Of(s.Capture), s.UpdatedAtColumn, WireName<ConflictPolicy>.Of(s.Conflicts),
            s.PropagateDeletes, s.SoftDeleteColumn, WireName<SyncState>.Of(s.State), s.IntervalSeconds, s.FullDiffEvery,
            new BitableSyncStatusDto(s.LastPassAt, s.LastPassOutcome, s.LagMilliseconds, s.Passes, s.RowsToBitable, s.RowsToDatabase,
                s.SchemaProblemsJson is null ? [] : [.. (JsonSerializer.Deserialize(s.SchemaProblemsJson, SyncMappingJsonContext.Default.ListSchemaProblem) ?? []).Select(p => new BitableSyncSchemaProblemDto(p.Column, p.FieldId, p.Problem))]),
            s.CreatedAt, s.UpdatedAt);
    }

    internal static BitableSyncConflictDto Conflict(BitableSyncConflictRow c) => new(c.Id, c.RowKey, c.RecordId, Parse(c.DatabaseJson), Parse(c.BitableJson), c.FoundAt, c.Resolution);

    internal static BitableSyncDeadLetterDto LetterDto(BitableSyncDeadLetterRow d) => new(d.Id, d.RowKey, d.RecordId, d.Direction, d.Code, d.Message, d.FailedAt, d.Attempts, d.RetryRequestedAt is not null);

    private static Dictionary<string, string?>? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize(json, SyncMappingJsonContext.Default.DictionaryStringString);

    private static Dictionary<string, string?>? Values(IReadOnlyList<ResolvedColumn> columns, IReadOnlyList<string?>? values) =>
        values is null ? null : columns.Select((c, i) => (c.Column, values[i])).ToDictionary(x => x.Column, x => x.Item2, StringComparer.Ordinal);

    private static string ColumnKindName(ColumnKind kind) => kind.ToString().ToLowerInvariant();
}

#pragma warning disable SA1402, SA1649 // The API's wire shapes, together.
/// <summary>The body of <c>POST /api/v1/bitable-syncs</c> and <c>PUT …/{id}</c>: a sync's definition, checked against the live table and base.</summary>
internal sealed record BitableSyncInputDto(
    [property: Required, Description("A name for people (e.g. ERP orders), unique among the syncs.")] string? Name,
    [property: Description("The Feishu app that reads and writes the base (GET /api/v1/apps); leave it out for the default app.")] string? App,
    [property: Required, Description("The base's app_token (from its URL: /base/<app_token>).")] string? AppToken,
    [property: Required, Description("The Bitable table's id (tbl…).")] string? TableId,
    [property: Required, Description("The database the table is in.")] BitableSyncDatabaseDto? Database,
    [property: Required, Description("The database table's name.")] string? Table,
    [property: Required, Description("The key pair: the database column that identifies a row and the Bitable field (by id or name) holding the same value.")] BitableSyncMappingInputDto? Key,
    [property: Description("The other columns synchronised, each a database column and its Bitable field (by id or name).")] IReadOnlyList<BitableSyncMappingInputDto?>? Columns,
    [property: Description("Which way rows flow: to_bitable, to_database or both (the default).")] string? Direction,
    [property: Description("How the database's changes are found: triggers (the default) or updated_at (with updated_at_column).")] string? Capture,
    [property: Description("With capture updated_at: the column holding each row's modification time.")] string? UpdatedAtColumn,
    [property: Description("What wins when both sides changed: database_wins, bitable_wins, latest_wins or hold_for_review (the default: neither, listed under conflicts).")] string? Conflicts,
    [property: Description("Whether a delete on one side deletes on the other (default false).")] bool? PropagateDeletes,
    [property: Description("With propagate_deletes: a column set to the deletion time instead of deleting the row.")] string? SoftDeleteColumn,
    [property: Description("A pass at least this often, in seconds (default 60).")] int? IntervalSeconds,
    [property: Description("Every n-th pass is a full diff of both sides (default 60).")] int? FullDiffEvery);

/// <summary>A database column and the Bitable field paired with it.</summary>
internal sealed record BitableSyncMappingInputDto(
    [property: Required, Description("The database column.")] string? Column,
    [property: Required, Description("The Bitable field, by id (fld…) or name.")] string? Field);

/// <summary>The database a sync reads and writes.</summary>
internal sealed record BitableSyncDatabaseDto(
    [property: Required, Description("postgres or sqlite.")] string? Kind,
    [property: Description("The database's connection string, stored encrypted; answers show \"(stored encrypted)\" instead. An edit that leaves it out keeps the stored one.")] string? ConnectionString);

internal sealed record BitableSyncMappingDto(string Column, string FieldId);

internal sealed record BitableSyncStatusDto(DateTimeOffset? LastPassAt, string? LastPassOutcome, long? LagMs, long Passes, long RowsToBitable, long RowsToDatabase, IReadOnlyList<BitableSyncSchemaProblemDto> SchemaProblems)
{
    /// <summary>Whether a pass runs right now (shown by GET /{id}; null in lists).</summary>
    public bool? Running { get; init; }
}

internal sealed record BitableSyncDto(
    string Id, string Name, string App, string AppToken, string TableId, BitableSyncDatabaseDto Database, string Table, BitableSyncMappingDto Key, IReadOnlyList<BitableSyncMappingDto> Columns,
    string Direction, string Capture, string? UpdatedAtColumn, string Conflicts, bool PropagateDeletes, string? SoftDeleteColumn, string State, int IntervalSeconds, int FullDiffEvery,
    BitableSyncStatusDto Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record BitableSyncColumnDto(string Column, string FieldId, string FieldName, int FieldType, string ColumnKind, string Flows);

internal sealed record BitableSyncSchemaProblemDto(string Column, string FieldId, string Problem);

internal sealed record BitableSyncDryRowDto(string Key, string? RecordId, string Action, Dictionary<string, string?>? Database, Dictionary<string, string?>? Bitable);

internal sealed record BitableSyncDryRunDto(IReadOnlyList<BitableSyncColumnDto> Columns, IReadOnlyList<BitableSyncSchemaProblemDto> SchemaProblems, IReadOnlyDictionary<string, int> Actions, IReadOnlyList<BitableSyncDryRowDto> Sample, IReadOnlyList<BitableSyncDeadLetterDto> Problems, int ApiCalls)
{
    /// <summary>Rows decided in all (the sample shows the first <c>sample</c>).</summary>
    public int Decisions { get; init; }

    /// <summary>Rows refused in all (<c>problems</c> lists the first 100).</summary>
    public int ProblemsTotal { get; init; }
}

internal sealed record BitableSyncConflictPageDto(IReadOnlyList<BitableSyncConflictDto> Items, int Total, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

internal sealed record BitableSyncDeadLetterPageDto(IReadOnlyList<BitableSyncDeadLetterDto> Items, int Total, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A page of syncs in id order; <see cref="Next"/> (absent on the last page) is the <c>after</c> of the next one.</summary>
internal sealed record BitableSyncListDto(BitableSyncDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A page of a sync's passes, newest first; <see cref="Next"/> (absent on the last page) is the <c>after</c> of the next one.</summary>
internal sealed record BitableSyncPassPageDto(BitableSyncPassDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

internal sealed record BitableSyncPassDto(long Id, string Kind, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Outcome, int ToBitable, int ToDatabase, int Conflicts, int Refused, int ApiCalls);

internal sealed record BitableSyncConflictDto(long Id, string Key, string? RecordId, Dictionary<string, string?>? Database, Dictionary<string, string?>? Bitable, DateTimeOffset FoundAt, string? Resolution);

internal sealed record BitableSyncDeadLetterDto(long Id, string Key, string? RecordId, string Direction, int Code, string Message, DateTimeOffset FailedAt, int Attempts, bool RetryRequested);

/// <summary>The body of <c>POST …/conflicts/{conflict}/resolve</c>.</summary>
internal sealed record BitableSyncResolveDto(
    [property: Required, Description("database: write the database's row to Bitable; bitable: write the record to the database.")] string? Side);

internal sealed record BitableSyncRetriedDto(int Retried);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BitableSyncInputDto))]
[JsonSerializable(typeof(BitableSyncDto))]
[JsonSerializable(typeof(BitableSyncListDto))]
[JsonSerializable(typeof(BitableSyncDryRunDto))]
[JsonSerializable(typeof(BitableSyncPassPageDto))]
[JsonSerializable(typeof(BitableSyncConflictPageDto))]
[JsonSerializable(typeof(BitableSyncDeadLetterPageDto))]
[JsonSerializable(typeof(BitableSyncResolveDto))]
[JsonSerializable(typeof(BitableSyncRetriedDto))]
internal sealed partial class BitableSyncJsonContext : JsonSerializerContext;
#pragma warning restore SA1402, SA1649
