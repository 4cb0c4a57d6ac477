using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Hub.Directory.Links
{
    /// <summary>A person an account might be.</summary>
    /// <param name="Id">The person's id.</param>
    /// <param name="Name">Their name.</param>
    /// <param name="Email">Their email, if any.</param>
    /// <param name="Status">active, frozen or resigned.</param>
    public sealed record LinkCandidateDto(string Id, string Name, string? Email, PersonStatus Status);

    /// <summary>An account whose person the Hub holds for an administrator.</summary>
    /// <param name="Id">The held match's id.</param>
    /// <param name="Platform">The account's platform.</param>
    /// <param name="App">The Hub app the account belongs to.</param>
    /// <param name="UserId">The account's userid there.</param>
    /// <param name="Reason">several_by_email, several_by_mobile or person_linked_elsewhere.</param>
    /// <param name="Status">open, resolved or dismissed.</param>
    /// <param name="Candidates">The people it could be (a person no longer in the directory is left out).</param>
    /// <param name="FirstSeenAt">When it was first held.</param>
    /// <param name="LastSeenAt">When it last matched so.</param>
    /// <param name="ClosedAt">When an administrator answered.</param>
    /// <param name="PersonId">The person it was linked to, once resolved.</param>
    public sealed record LinkConflictDto(
        long Id, string Platform, string App, string UserId, string Reason, string Status, LinkCandidateDto[] Candidates,
        DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, DateTimeOffset? ClosedAt, string? PersonId);

    /// <summary>The body of <c>POST /api/v1/directory/link-conflicts/{id}/resolve</c>.</summary>
    /// <param name="PersonId">The person the account is.</param>
    public sealed record LinkConflictResolutionDto(
        [property: Required, Description("The directory person the account belongs to (per_ and 32 hex digits): usually one of the candidates.")] string? PersonId);

    /// <summary>Source-generated JSON for held matches.</summary>
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(LinkConflictDto))]
    [JsonSerializable(typeof(ListPage<LinkConflictDto>))]
    [JsonSerializable(typeof(LinkConflictResolutionDto))]
    internal sealed partial class LinkConflictsJsonContext : JsonSerializerContext;

    /// <summary>Held matches as the API and the console show them: each with its candidates' names.</summary>
    internal sealed class LinkConflictViews(PersonLinkConflicts conflicts, PeopleStore people)
    {
        /// <summary>A page of held matches with <paramref name="status"/> (null: any), newest first.</summary>
        public async Task<IReadOnlyList<LinkConflictDto>> ListAsync(string? status, long? before, int limit, CancellationToken cancellationToken)
        {
            var rows = await conflicts.ListAsync(status, before, limit, cancellationToken).ConfigureAwait(false);
            var found = await people.FindManyAsync([.. rows.SelectMany(r => r.CandidateIds).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(r => Of(r, found))];
        }

        private static LinkConflictDto Of(PersonLinkConflictRow row, IReadOnlyDictionary<string, PersonRow> people) =>
            new(row.Id, row.Platform, row.App, row.UserId, row.Reason, row.Status,
                [.. row.CandidateIds.Where(people.ContainsKey).Select(id => people[id]).Select(p => new LinkCandidateDto(p.Id, p.Name, p.Email, p.Status))],
                row.FirstSeenAt, row.LastSeenAt, row.ClosedAt, row.PersonId);
    }
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Maps the accounts held for an administrator.</summary>
    public static class HubLinkConflictsEndpointRouteBuilderExtensions
    {
        private const int DefaultLimit = 50;
        private const int MaxLimit = 200;

        /// <summary>
        /// Maps, for the admin key: <c>GET /api/v1/directory/link-conflicts</c> (<c>status</c> open — the default —,
        /// resolved, dismissed or any; paged), <c>POST …/{id}/resolve</c> (<c>{"person_id": …}</c>: link the account to that
        /// person) and <c>POST …/{id}/dismiss</c> (none of them: leave it unlinked).
        /// </summary>
        public static IEndpointRouteBuilder MapHubLinkConflictsApi(this IEndpointRouteBuilder endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var group = endpoints.MapGroup("/api/v1/directory/link-conflicts").WithTags("People's platforms");
            group.RequireHubAdmin("decides whose a platform account is");
            group.MapGet("", ListAsync).WithName("ListLinkConflicts")
                .WithSummary("List accounts held for an administrator")
                .WithDescription("DingTalk, WeCom and other accounts the Hub did not link to a person by itself: their email or mobile number names several people of the directory, "
                    + "or the one it names is linked by an administrator to another account of that app. Newest first; `status` open (the default), resolved, dismissed or any.")
                .Answers<ListPage<LinkConflictDto>>(StatusCodes.Status200OK)
                .Refuses(StatusCodes.Status400BadRequest);
            group.MapPost("/{id}/resolve", ResolveAsync).WithName("ResolveLinkConflict")
                .WithSummary("Link a held account to a person")
                .WithDescription("Links the account to the person as an administrator's link (never replaced by a lookup) and closes the held match. 409 when the account was linked to someone else meanwhile, or the match is closed.")
                .ReadsJson<LinkConflictResolutionDto>()
                .Answers<LinkConflictDto>(StatusCodes.Status200OK)
                .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
            group.MapPost("/{id}/dismiss", DismissAsync).WithName("DismissLinkConflict")
                .WithSummary("Leave a held account unlinked")
                .WithDescription("The account is none of the candidates: it stays unlinked, is not held again, and is treated as a guest until an administrator links it by hand.")
                .Answers<LinkConflictDto>(StatusCodes.Status200OK)
                .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
            return endpoints;
        }

        private static async Task<Results<JsonHttpResult<ListPage<LinkConflictDto>>, ProblemHttpResult>> ListAsync(
            [FromQuery] string? status, [FromQuery] string? limit, [FromQuery] string? after, [FromServices] LinkConflictViews views, CancellationToken cancellationToken)
        {
            var problems = new List<(string Field, string Message)>();
            var take = ListPaging.ReadLimit(limit, DefaultLimit, MaxLimit, problems);
            var wanted = status ?? PersonLinkConflictStatus.Open;
            if (wanted != "any" && !PersonLinkConflictStatus.All.Contains(wanted))
            {
                problems.Add(("status", $"One of {string.Join(", ", PersonLinkConflictStatus.All)} or any (default open)."));
            }

            long? before = null;
            if (after is not null)
            {
                if (long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1)
                {
                    before = id;
                }
                else
                {
                    problems.Add(("after", "The `next` of the previous page (a whole number from 1)."));
                }
            }

            if (problems.Count > 0)
            {
                return FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid list query", problems);
            }

            var rows = await views.ListAsync(wanted == "any" ? null : wanted, before, take + 1, cancellationToken).ConfigureAwait(false);
            var page = new ListPaging(take, after).Answer(rows, r => r.Id.ToString(CultureInfo.InvariantCulture), r => r);
            return TypedResults.Json(page, LinkConflictsJsonContext.Default.ListPageLinkConflictDto);
        }

        private static async Task<Results<JsonHttpResult<LinkConflictDto>, ProblemHttpResult>> ResolveAsync(
            HttpContext http, string id, [FromServices] PersonLinkConflicts conflicts, [FromServices] LinkConflictViews views, CancellationToken cancellationToken)
        {
            if (!TryId(id, out var conflictId))
            {
                return NotFound(id);
            }

            var (input, unreadable) = await JsonBody.ReadAsync(http.Request, LinkConflictsJsonContext.Default.LinkConflictResolutionDto, "the string person_id", cancellationToken).ConfigureAwait(false);
            if (unreadable is not null)
            {
                return unreadable;
            }

            var personId = input?.PersonId?.Trim();
            if (personId is null || personId.Length != 36 || !personId.StartsWith("per_", StringComparison.Ordinal))
            {
                return FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid request",
                    [("person_id", "Required: the directory person the account belongs to (per_ and 32 hex digits), usually one of the held match's candidates.")]);
            }

            var outcome = await conflicts.ResolveAsync(conflictId, personId, cancellationToken).ConfigureAwait(false);
            if (outcome != PersonLinkConflictOutcome.Done)
            {
                return Refused(outcome, id, personId);
            }

            await ApiAudit.WriteAsync(http, "directory.link_conflict.resolve", id, ("person_id", personId)).ConfigureAwait(false);
            return TypedResults.Json(await OneAsync(views, conflictId, cancellationToken).ConfigureAwait(false), LinkConflictsJsonContext.Default.LinkConflictDto);
        }

        private static async Task<Results<JsonHttpResult<LinkConflictDto>, ProblemHttpResult>> DismissAsync(
            HttpContext http, string id, [FromServices] PersonLinkConflicts conflicts, [FromServices] LinkConflictViews views, CancellationToken cancellationToken)
        {
            if (!TryId(id, out var conflictId))
            {
                return NotFound(id);
            }

            var outcome = await conflicts.DismissAsync(conflictId, cancellationToken).ConfigureAwait(false);
            if (outcome != PersonLinkConflictOutcome.Done)
            {
                return Refused(outcome, id, null);
            }

            await ApiAudit.WriteAsync(http, "directory.link_conflict.dismiss", id).ConfigureAwait(false);
            return TypedResults.Json(await OneAsync(views, conflictId, cancellationToken).ConfigureAwait(false), LinkConflictsJsonContext.Default.LinkConflictDto);
        }

        private static async Task<LinkConflictDto> OneAsync(LinkConflictViews views, long id, CancellationToken cancellationToken) =>
            (await views.ListAsync(null, id + 1, 1, cancellationToken).ConfigureAwait(false))[0];

        private static bool TryId(string id, out long value) =>
            long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1;

        private static ProblemHttpResult Refused(PersonLinkConflictOutcome outcome, string id, string? personId) => outcome switch
        {
            PersonLinkConflictOutcome.NoPerson => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Person not found",
                detail: $"The directory has no person '{personId}'. Pick one of the held match's candidates, or find a person with GET /api/v1/directory/people?email=…"),
            PersonLinkConflictOutcome.Closed => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already decided",
                detail: $"Held match {id} was resolved or dismissed already: GET /api/v1/directory/link-conflicts?status=any shows how. To change a link, use the person's links (PUT|DELETE /api/v1/directory/people/{{id}}/links/{{platform}}/{{app}})."),
            PersonLinkConflictOutcome.TakenByOther => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account linked to someone else",
                detail: "The account was linked to another person meanwhile. Remove that link first (DELETE /api/v1/directory/people/{id}/links/{platform}/{app}), then resolve again."),
            _ => NotFound(id),
        };

        private static ProblemHttpResult NotFound(string id) =>
            TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such held match",
                detail: $"No account is held as '{(id.Length <= 32 ? id : id[..32] + "…")}'. GET /api/v1/directory/link-conflicts lists them by id.");
    }
}
