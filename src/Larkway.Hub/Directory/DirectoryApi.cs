using System.Globalization;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the directory API.</summary>
public static class HubDirectoryEndpointRouteBuilderExtensions
{
    /// <summary>People or departments a page holds unless <c>limit</c> says otherwise.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The most a page holds.</summary>
    public const int MaxLimit = 200;

    /// <summary>Runs <c>GET /api/v1/directory/sync</c> lists unless <c>limit</c> says otherwise.</summary>
    public const int DefaultRunLimit = 10;

    private const int MaxQueryLength = 320;

    /// <summary>
    /// Maps <c>GET /api/v1/directory/people[?email=&amp;department=&amp;q=&amp;status=&amp;limit=&amp;after=]</c>,
    /// <c>GET /api/v1/directory/people/{id}</c>, <c>GET /api/v1/directory/departments[?q=&amp;parent=&amp;include_deleted=&amp;limit=&amp;after=]</c>
    /// and <c>GET /api/v1/directory/departments/{id}</c> for the admin key and every API key (a business system resolves
    /// email → person); mobile numbers masked, unmasked only for the admin key with <c>include_mobile=true</c>.
    /// <c>POST /api/v1/directory/sync[?kind=full|reconciliation]</c> and <c>GET /api/v1/directory/sync[?limit=&amp;after=]</c> (runs, newest first) for the admin key only.
    /// Needs <c>AddHubDirectory(configuration)</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var read = endpoints.MapGroup("/api/v1/directory").WithTags("Directory");
        read.RequireHubCaller();
        read.MapGet("/people", ListPeopleAsync).WithName("ListDirectoryPeople")
            .WithSummary("List people")
            .WithDescription("The people of the directory synchronised from the directory app's platform (Feishu, DingTalk or WeCom), by name; find one by email, or search by name. "
                + "Mobile numbers are masked; the admin key sees them unmasked with include_mobile=true (an API key asking for them is refused with 403).")
            .Query<string>("email", "Only the person with this email or enterprise email address (any case).")
            .Query<string>("department", "Only the direct members of this department (its open_department_id or department_id).")
            .Query<string>("q", "Part of the name or English name, or a whole employee number, user_id or open_id.")
            .Query<PersonStatus>("status", "Only people in this state.")
            .Query<bool>("include_mobile", "true: mobile numbers unmasked (the admin key only).")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<PersonListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden);
        read.MapGet("/people/{id}", GetPersonAsync).WithName("GetDirectoryPerson")
            .WithSummary("Get a person")
            .WithDescription("A person of the directory by id (per_…), with their history of changes and their DingTalk and WeCom accounts. "
                + "Mobile numbers are masked; the admin key sees them unmasked with include_mobile=true (an API key asking for them is refused with 403).")
            .Query<bool>("include_mobile", "true: the mobile number unmasked (the admin key only).")
            .Answers<PersonDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        read.MapGet("/departments", ListDepartmentsAsync).WithName("ListDirectoryDepartments")
            .WithSummary("List departments")
            .WithDescription("The departments of the directory, each with its path, leader and number of direct members.")
            .Query<string>("q", "Part of the name, or a whole open_department_id or department_id.")
            .Query<string>("parent", "Only the sub-departments of this department (its open_department_id; 0 for the first level).")
            .Query<bool>("include_deleted", "true: deleted departments too.")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<DepartmentListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        read.MapGet("/departments/{id}", GetDepartmentAsync).WithName("GetDirectoryDepartment")
            .WithSummary("Get a department")
            .WithDescription("A department by its open_department_id or department_id, with its history of changes.")
            .Answers<DepartmentDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);

        var sync = endpoints.MapGroup("/api/v1/directory/sync").WithTags("Directory");
        sync.RequireHubAdmin("starts and lists directory syncs");
        sync.MapPost("", StartSyncAsync).WithName("StartDirectorySync")
            .WithSummary("Start a directory sync")
            .WithDescription("Starts reading the directory from the directory app's platform now and answers the run at once (202); follow it with GET /api/v1/directory/sync. "
                + "409 while another sync is running (run_id names it).")
            .Query<string>("kind", "full (the default) or reconciliation: both read everything again; a reconciliation also reports what the app cannot see.")
            .Answers<DirectorySyncRunDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);
        sync.MapGet("", ListRunsAsync).WithName("ListDirectorySyncs")
            .WithSummary("List directory syncs")
            .WithDescription("The directory's sync runs, newest first, each with what it changed and the problems it found.")
            .Paged(DefaultRunLimit, MaxLimit)
            .Answers<DirectorySyncListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<PersonListDto>, ProblemHttpResult>> ListPeopleAsync(
        HttpContext http, [FromServices] DirectoryService directory,
        [FromQuery] string? email, [FromQuery] string? department, [FromQuery] string? q, [FromQuery] string? status,
        [FromQuery] string? limit, [FromQuery] string? after, [FromQuery(Name = "include_mobile")] string? includeMobile, CancellationToken cancellationToken)
    {
        var problems = new List<(string Field, string Message)>();
        var reveal = IncludeMobile(http, includeMobile, problems);
        PersonStatus? state = null;
        if (status is not null)
        {
            if (WireName<PersonStatus>.TryParseExact(status, out var parsed))
            {
                state = parsed;
            }
            else
            {
                problems.Add(("status", "One of " + WireName<PersonStatus>.Choices + "."));
            }
        }

        CheckText(email, "email", problems, requireAt: true);
        CheckText(department, "department", problems);
        CheckText(q, "q", problems);
        var take = ListPaging.ReadLimit(limit, DefaultLimit, MaxLimit, problems);
        if (after is not null && !IsPersonId(after))
        {
            problems.Add(("after", "The `next` of the previous page (a person id, per_ and 32 hex digits)."));
        }

        if (problems.Count > 0)
        {
            return Invalid(problems, reveal == Reveal.Refused ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
        }

        var rows = await directory.ListPeopleAsync(new PeopleQuery(Blank(email), Blank(department), Blank(q), state, after, take), cancellationToken).ConfigureAwait(false);
        var page = rows.Take(take).ToList();
        return TypedResults.Json(
            new PersonListDto([.. page.Select(p => ToDto(p, reveal == Reveal.Yes, history: false))], rows.Count > take ? page[^1].Person.Id : null),
            DirectoryJsonContext.Default.PersonListDto);
    }

    private static async Task<Results<JsonHttpResult<PersonDto>, ProblemHttpResult>> GetPersonAsync(
        HttpContext http, string id, [FromServices] DirectoryService directory, [FromServices] Larkway.Hub.Directory.Links.PersonLinkStore links, [FromQuery(Name = "include_mobile")] string? includeMobile, CancellationToken cancellationToken)
    {
        var problems = new List<(string Field, string Message)>();
        var reveal = IncludeMobile(http, includeMobile, problems);
        if (problems.Count > 0)
        {
            return Invalid(problems, reveal == Reveal.Refused ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
        }

        return IsPersonId(id) && await directory.GetPersonAsync(id, cancellationToken).ConfigureAwait(false) is { } person
            ? TypedResults.Json(ToDto(person, reveal == Reveal.Yes, history: true) with
            {
                Links = [.. (await links.LinksAsync(person.Person.Id, cancellationToken).ConfigureAwait(false)).Select(Larkway.Hub.Directory.Links.PersonLinkDto.Of)],
            }, DirectoryJsonContext.Default.PersonDto)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Person not found",
                detail: $"The directory has no person '{Shorten(id)}'. Ids look like per_ and 32 hex digits; find one with GET /api/v1/directory/people?email=…");
    }

    private static async Task<Results<JsonHttpResult<DepartmentListDto>, ProblemHttpResult>> ListDepartmentsAsync(
        [FromServices] DirectoryService directory, [FromQuery] string? q, [FromQuery] string? parent, [FromQuery(Name = "include_deleted")] string? includeDeleted,
        [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var problems = new List<(string Field, string Message)>();
        CheckText(q, "q", problems);
        CheckText(parent, "parent", problems);
        CheckText(after, "after", problems);
        var take = ListPaging.ReadLimit(limit, DefaultLimit, MaxLimit, problems);
        var deleted = Flag(includeDeleted, "include_deleted", problems);
        if (problems.Count > 0)
        {
            return Invalid(problems, StatusCodes.Status400BadRequest);
        }

        var rows = await directory.ListDepartmentsAsync(Blank(q), Blank(parent), deleted, Blank(after), take, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(take).ToList();
        return TypedResults.Json(
            new DepartmentListDto([.. page.Select(d => ToDto(d, history: false))], rows.Count > take ? page[^1].Department.OpenDepartmentId : null),
            DirectoryJsonContext.Default.DepartmentListDto);
    }

    private static async Task<Results<JsonHttpResult<DepartmentDto>, ProblemHttpResult>> GetDepartmentAsync(
        string id, [FromServices] DirectoryService directory, CancellationToken cancellationToken) =>
        id.Length <= 128 && await directory.GetDepartmentAsync(id, cancellationToken).ConfigureAwait(false) is { } department
            ? TypedResults.Json(ToDto(department, history: true), DirectoryJsonContext.Default.DepartmentDto)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Department not found",
                detail: $"The directory has no department '{Shorten(id)}' (by open_department_id or department_id). List them with GET /api/v1/directory/departments.");

    private static async Task<Results<JsonHttpResult<DirectorySyncRunDto>, ProblemHttpResult>> StartSyncAsync(
        HttpContext http, [FromServices] DirectoryService directory, [FromQuery] string? kind, CancellationToken cancellationToken)
    {
        var syncKind = DirectorySyncKind.Full;
        if (kind is not null && !(WireName<DirectorySyncKind>.TryParseExact(kind, out syncKind) && syncKind != DirectorySyncKind.Scope))
        {
            return Invalid([("kind", "full (the default) or reconciliation.")], StatusCodes.Status400BadRequest);
        }

        var (run, started) = await directory.StartSyncAsync(syncKind, "api", cancellationToken).ConfigureAwait(false);
        if (!started)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A sync is running",
                detail: $"Directory sync {run.Id} ({WireName<DirectorySyncKind>.Of(run.Kind)}) started at {run.StartedAt:u} is still running; follow it with GET /api/v1/directory/sync and start another once it ended.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["run_id"] = run.Id });
        }

        await ApiAudit.WriteAsync(http, "directory.sync", run.Id, ("kind", WireName<DirectorySyncKind>.Of(syncKind))).ConfigureAwait(false);
        return TypedResults.Json(DirectoryWire.Run(run, []), DirectoryJsonContext.Default.DirectorySyncRunDto, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<Results<JsonHttpResult<DirectorySyncListDto>, ProblemHttpResult>> ListRunsAsync(
        [FromServices] DirectoryService directory, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultRunLimit, MaxLimit, "dsr_");
        if (refused is not null)
        {
            return refused;
        }

        if (await directory.ListRunsAsync(paging.Limit + 1, paging.After, cancellationToken).ConfigureAwait(false) is not { } runs)
        {
            return ListPaging.UnknownCursor(paging.After!);
        }

        var (page, next) = paging.Page(runs, r => r.Run.Id);
        return TypedResults.Json(new DirectorySyncListDto([.. page.Select(r => DirectoryWire.Run(r.Run, r.Problems))], next), DirectoryJsonContext.Default.DirectorySyncListDto);
    }

    internal static PersonDto ToDto(PersonDetail p, bool revealMobile, bool history) =>
        DirectoryWire.Person(p.Person, p.OpenIds, p.Departments, p.Leader, revealMobile) with
        {
            History = history ? [.. p.History.Select(DirectoryWire.Change)] : null,
        };

    internal static DepartmentDto ToDto(DepartmentDetail d, bool history) =>
        DirectoryWire.Department(d.Department, d.Leader) with
        {
            Members = d.Members,
            History = history ? [.. d.History.Select(DirectoryWire.Change)] : null,
        };

    private enum Reveal
    {
        No,
        Yes,
        Refused,
    }

    private static Reveal IncludeMobile(HttpContext http, string? value, List<(string Field, string Message)> problems)
    {
        if (!Flag(value, "include_mobile", problems))
        {
            return Reveal.No;
        }

        if (HubCaller.Of(http.User).IsAdmin)
        {
            return Reveal.Yes;
        }

        problems.Add(("include_mobile", "Only the admin key may see unmasked mobile numbers; leave include_mobile out (API keys see them masked)."));
        return Reveal.Refused;
    }

    private static bool Flag(string? value, string name, List<(string Field, string Message)> problems)
    {
        switch (value)
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                problems.Add((name, "true or false."));
                return false;
        }
    }

    private static void CheckText(string? value, string name, List<(string Field, string Message)> problems, bool requireAt = false)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > MaxQueryLength || value.Any(char.IsControl))
        {
            problems.Add((name, $"At most {MaxQueryLength} characters, without control characters."));
        }
        else if (requireAt && value.Trim().Length > 0 && !value.Contains('@', StringComparison.Ordinal))
        {
            problems.Add((name, "An email address (name@domain); use q= to search by name."));
        }
    }

    private static bool IsPersonId(string id) => id.Length == 36 && id.StartsWith("per_", StringComparison.Ordinal) && id.AsSpan(4).ContainsOnlyHexDigits();

    private static bool ContainsOnlyHexDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(string id) => id.Length <= 64 ? id : id[..64] + "…";

    private static ProblemHttpResult Invalid(IReadOnlyList<(string Field, string Message)> problems, int status) =>
        FieldProblems.Result(status, status == StatusCodes.Status403Forbidden ? "Not allowed for this key" : "Invalid directory query", problems);
}
