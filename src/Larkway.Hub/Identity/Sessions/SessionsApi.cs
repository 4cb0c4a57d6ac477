using System.Globalization;
using System.Text.Json.Serialization;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Hub.Identity.Sessions;

/// <summary>A live broker session as the admin API shows it.</summary>
internal sealed record SessionDto(string Id, string PersonId, string[] Amr, DateTimeOffset AuthTime, DateTimeOffset ExpiresAt, string[] Clients);

/// <summary>A page of live sessions, newest sign-in first; <see cref="Next"/> (null on the last page) is the <c>after</c> of the next one.</summary>
internal sealed record SessionListDto(SessionDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>What a sign-out everywhere ended.</summary>
internal sealed record SignedOutDto(string PersonId, int SessionsEnded);

/// <summary>
/// The admin API for broker sessions (admin key only): <c>GET /api/v1/identity/sessions[?person=per_…&amp;limit=&amp;after=]</c> (a page),
/// <c>DELETE /api/v1/identity/sessions/{id}</c> (ends one, revoking its tokens) and
/// <c>POST /api/v1/identity/people/{personId}/sign-out</c> (ends every session and grant of a person).
/// </summary>
internal static class SessionsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/identity").WithTags("Identity");
        group.RequireHubAdmin("manages sign-in sessions");
        group.MapGet("/sessions", ListAsync).WithName("ListIdentitySessions")
            .WithSummary("List sign-in sessions")
            .WithDescription("The live sign-in sessions, newest sign-in first: who, how they signed in, until when, and the clients signed in with each.")
            .Query<string>("person", "Only this person's sessions (a Hub person id, per_…).")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<SessionListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        group.MapDelete("/sessions/{id}", EndAsync).WithName("EndIdentitySession")
            .WithSummary("End a sign-in session")
            .WithDescription("Signs the session out and revokes the tokens issued in it.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        group.MapPost("/people/{personId}/sign-out", SignOutPersonAsync).WithName("SignOutIdentityPerson")
            .WithSummary("Sign a person out everywhere")
            .WithDescription("Ends every session of the person and revokes every token issued to them; answers how many sessions ended (0 when none was live).")
            .Answers<SignedOutDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<JsonHttpResult<SessionListDto>, ProblemHttpResult>> ListAsync(
        [FromQuery] string? person, [FromQuery] string? limit, [FromQuery] string? after, [FromServices] SessionStore sessions, CancellationToken cancellationToken)
    {
        if (person is { Length: > 40 })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query parameter 'person'", detail: "Query parameter 'person' is a Hub person id (per_…).");
        }

        var (paging, refused) = ListPaging.Read(limit, after, DefaultLimit, MaxLimit, "ses_");
        if (refused is not null)
        {
            return refused;
        }

        if (await sessions.ListActiveAsync(person, paging.After, paging.Limit + 1, cancellationToken).ConfigureAwait(false) is not { } rows)
        {
            return ListPaging.UnknownCursor(paging.After!);
        }

        var (page, next) = paging.Page(rows, r => r.Id);
        var clients = await sessions.ClientsOfAsync([.. page.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(
            new SessionListDto([.. page.Select(r => new SessionDto(r.Id, r.PersonId, IdentityScopes.Split(r.Amr), r.AuthTime, r.ExpiresAt, [.. clients[r.Id]]))], next),
            IdentityApiJsonContext.Default.SessionListDto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndAsync(HttpContext http, string id, [FromServices] SessionStore sessions, CancellationToken cancellationToken)
    {
        if (id.Length > 40 || !await sessions.EndAsync(id, "admin", cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Session not found", detail: "No live sign-in session has that id (GET /api/v1/identity/sessions lists them).");
        }

        await ApiAudit.WriteAsync(http, "identity_session.end", id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<JsonHttpResult<SignedOutDto>, ProblemHttpResult>> SignOutPersonAsync(
        HttpContext http, string personId, [FromServices] SessionStore sessions, CancellationToken cancellationToken)
    {
        if (personId.Length > 40 || !personId.StartsWith("per_", StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid person", detail: "The path names a Hub person id (per_…), the id_token's sub.");
        }

        var ended = await sessions.EndPersonAsync(personId, "admin", cancellationToken).ConfigureAwait(false);
        await ApiAudit.WriteAsync(http, "identity_person.sign_out", personId, ("sessions_ended", ended.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        return TypedResults.Json(new SignedOutDto(personId, ended), IdentityApiJsonContext.Default.SignedOutDto);
    }
}
