using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Larkway.Hub.Apps;
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
    /// <summary>A person's account on a platform other than the directory's.</summary>
    /// <param name="Platform">The platform's name (dingtalk, wecom, …).</param>
    /// <param name="App">The Hub app of that platform.</param>
    /// <param name="UserId">The person's userid there.</param>
    /// <param name="Source">How the link was made: email, mobile (the platform's contacts), admin or self (the person's /link with a code).</param>
    /// <param name="CreatedAt">When.</param>
    public sealed record PersonLinkDto(string Platform, string App, string UserId, string Source, DateTimeOffset CreatedAt)
    {
        internal static PersonLinkDto Of(PersonLinkRow row) => new(row.Platform, row.App, row.UserId, row.Source, row.CreatedAt);
    }

    /// <summary>Where a person is reached: their preference and accounts.</summary>
    public sealed record PersonPlatformsDto(string PersonId, string? PreferredPlatform, IReadOnlyList<string> Order, PersonLinkDto[] Links);

    /// <summary>The body of <c>PUT …/links/{platform}/{app}</c>.</summary>
    /// <param name="UserId">The person's userid on that platform.</param>
    public sealed record PersonLinkInputDto(
        [property: Required, Description("The person's userid on that platform (at most 128 characters), as its admin console or contacts API shows it.")] string? UserId);

    /// <summary>The body of <c>PUT …/preferred-platform</c>.</summary>
    /// <param name="Platform">The platform's name, or null.</param>
    public sealed record PreferredPlatformInputDto(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never), Description("The platform to reach the person on first (feishu, dingtalk, wecom, …); null or left out: the directory's order.")] string? Platform = null);

    /// <summary>Source-generated JSON for people's platforms.</summary>
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(PersonLinkDto))]
    [JsonSerializable(typeof(PersonPlatformsDto))]
    [JsonSerializable(typeof(PersonLinkInputDto))]
    [JsonSerializable(typeof(PreferredPlatformInputDto))]
    internal sealed partial class PersonLinksJsonContext : JsonSerializerContext;
}

namespace Microsoft.AspNetCore.Builder
{
    /// <summary>Maps where people are reached: their platform accounts and preference.</summary>
    public static class HubPersonLinksEndpointRouteBuilderExtensions
    {
        private const int MaxUserIdLength = 128;

        /// <summary>
        /// Maps, for the admin key: <c>GET /api/v1/directory/people/{id}/platforms</c> (preference, order, accounts),
        /// <c>PUT|DELETE /api/v1/directory/people/{id}/links/{platform}/{app}</c> (an administrator's link, body
        /// <c>{"user_id": "…"}</c>), <c>PUT /api/v1/directory/people/{id}/preferred-platform</c> (<c>{"platform": …}</c>, a
        /// platform's name, or null for the directory's order). The routing settings' own endpoints are the notifications' (<c>MapHubRoutingApi</c>).
        /// </summary>
        public static IEndpointRouteBuilder MapHubPersonLinksApi(this IEndpointRouteBuilder endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoints);
            var group = endpoints.MapGroup("/api/v1/directory").WithTags("People's platforms");
            group.RequireHubAdmin("manages where people are reached");
            group.MapGet("/people/{id}/platforms", GetAsync).WithName("GetPersonPlatforms")
                .WithSummary("Get where a person is reached")
                .WithDescription("The person's preferred platform, the order of platforms their notifications try, and their accounts on DingTalk, WeCom and the other platforms besides the directory's.")
                .Answers<PersonPlatformsDto>(StatusCodes.Status200OK)
                .Refuses(StatusCodes.Status404NotFound);
            group.MapPut("/people/{id}/links/{platform}/{app}", LinkAsync).WithName("LinkPersonAccount")
                .WithSummary("Link a person's account")
                .WithDescription("Links the person to their account (userid) on a platform whose accounts are linked by hand (DingTalk, WeCom), under one of its apps, "
                    + "and answers where the person is reached now. 409 when that account is linked to someone else: remove that link first.")
                .ReadsJson<PersonLinkInputDto>()
                .Answers<PersonPlatformsDto>(StatusCodes.Status200OK)
                .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
            group.MapDelete("/people/{id}/links/{platform}/{app}", UnlinkAsync).WithName("UnlinkPersonAccount")
                .WithSummary("Unlink a person's account")
                .WithDescription("Removes the person's link to their account on the platform under that app; 404 when there is none.")
                .AnswersEmpty()
                .Refuses(StatusCodes.Status404NotFound);
            group.MapPut("/people/{id}/preferred-platform", PreferAsync).WithName("SetPersonPreferredPlatform")
                .WithSummary("Set a person's preferred platform")
                .WithDescription("The platform the person's notifications try first (null: the directory's order), and answers where the person is reached now.")
                .ReadsJson<PreferredPlatformInputDto>()
                .Answers<PersonPlatformsDto>(StatusCodes.Status200OK)
                .Refuses(StatusCodes.Status404NotFound);
            return endpoints;
        }

        private static async Task<Results<JsonHttpResult<PersonPlatformsDto>, ProblemHttpResult>> GetAsync(
            string id, [FromServices] PeopleStore people, [FromServices] PersonLinkStore links, [FromServices] IPlatformOrder order, CancellationToken cancellationToken)
        {
            if (await FindAsync(id, people, cancellationToken).ConfigureAwait(false) is not { } person)
            {
                return PersonNotFound(id);
            }

            return TypedResults.Json(await PlatformsAsync(person, links, order, cancellationToken).ConfigureAwait(false), PersonLinksJsonContext.Default.PersonPlatformsDto);
        }

        private static async Task<Results<JsonHttpResult<PersonPlatformsDto>, ProblemHttpResult>> LinkAsync(
            HttpContext http, string id, string platform, string app, [FromServices] PeopleStore people, [FromServices] PersonLinkStore links, [FromServices] IPlatformOrder order,
            [FromServices] HubAppRegistry apps, [FromServices] HubPlatforms platforms, CancellationToken cancellationToken)
        {
            if (await FindAsync(id, people, cancellationToken).ConfigureAwait(false) is not { } person)
            {
                return PersonNotFound(id);
            }

            var (input, unreadable) = await JsonBody.ReadAsync(http.Request, PersonLinksJsonContext.Default.PersonLinkInputDto, "the string user_id", cancellationToken).ConfigureAwait(false);
            if (unreadable is not null)
            {
                return unreadable;
            }

            var problems = new List<(string Field, string Message)>();
            if (await AppProblemAsync(platform, app, apps, platforms, cancellationToken).ConfigureAwait(false) is { } appProblem)
            {
                problems.Add(appProblem);
            }

            var userId = input?.UserId?.Trim();
            if (string.IsNullOrEmpty(userId) || userId.Length > MaxUserIdLength)
            {
                problems.Add(("user_id", $"Required: the person's userid on {platforms.Display(platform)} (at most {MaxUserIdLength} characters), as its admin console or contacts API shows it."));
            }

            if (problems.Count > 0)
            {
                return Invalid(problems);
            }

            var outcome = await links.LinkAsync(person.Id, platform, app, userId!, PersonLinkSource.Admin, cancellationToken).ConfigureAwait(false);
            if (outcome == PersonLinkOutcome.TakenByOther)
            {
                var owner = await links.PersonOfAsync(platform, app, userId!, cancellationToken).ConfigureAwait(false);
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account linked to someone else",
                    detail: $"The {platforms.Display(platform)} account '{userId}' under app '{app}' is linked to {owner ?? "another person"}. Remove that link first (DELETE /api/v1/directory/people/{owner}/links/{platform}/{app}).");
            }

            await ApiAudit.WriteAsync(http, "directory.person.link", person.Id, ("platform", platform), ("app", app), ("user_id", userId)).ConfigureAwait(false);
            return TypedResults.Json(await PlatformsAsync(person, links, order, cancellationToken).ConfigureAwait(false), PersonLinksJsonContext.Default.PersonPlatformsDto);
        }

        private static async Task<Results<NoContent, ProblemHttpResult>> UnlinkAsync(
            HttpContext http, string id, string platform, string app, [FromServices] PeopleStore people, [FromServices] PersonLinkStore links, CancellationToken cancellationToken)
        {
            if (await FindAsync(id, people, cancellationToken).ConfigureAwait(false) is not { } person)
            {
                return PersonNotFound(id);
            }

            if (!await links.UnlinkAsync(person.Id, platform, app, cancellationToken).ConfigureAwait(false))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such link",
                    detail: $"{person.Name} has no {Shorten(platform)} account linked under app '{Shorten(app)}'. GET /api/v1/directory/people/{person.Id}/platforms lists their links.");
            }

            await ApiAudit.WriteAsync(http, "directory.person.unlink", person.Id, ("platform", platform), ("app", app)).ConfigureAwait(false);
            return TypedResults.NoContent();
        }

        private static async Task<Results<JsonHttpResult<PersonPlatformsDto>, ProblemHttpResult>> PreferAsync(
            HttpContext http, string id, [FromServices] PeopleStore people, [FromServices] PersonLinkStore links, [FromServices] IPlatformOrder order,
            [FromServices] PersonPlatforms platforms, CancellationToken cancellationToken)
        {
            if (await FindAsync(id, people, cancellationToken).ConfigureAwait(false) is not { } person)
            {
                return PersonNotFound(id);
            }

            var (input, unreadable) = await JsonBody.ReadAsync(http.Request, PersonLinksJsonContext.Default.PreferredPlatformInputDto, $"platform: {platforms.Listed} or null", cancellationToken).ConfigureAwait(false);
            if (unreadable is not null)
            {
                return unreadable;
            }

            var platform = input?.Platform;
            if (platform is not null && !platforms.IsKnown(platform))
            {
                return Invalid([("platform", $"'{Shorten(platform)}' is not a platform: {platforms.ListedOr} (null: follow the directory's order).")]);
            }

            await links.SetPreferredPlatformAsync(person.Id, platform, cancellationToken).ConfigureAwait(false);
            await ApiAudit.WriteAsync(http, "directory.person.prefer", person.Id, ("platform", platform)).ConfigureAwait(false);
            person.PreferredPlatform = platform;
            return TypedResults.Json(await PlatformsAsync(person, links, order, cancellationToken).ConfigureAwait(false), PersonLinksJsonContext.Default.PersonPlatformsDto);
        }

        private static async Task<PersonPlatformsDto> PlatformsAsync(PersonRow person, PersonLinkStore links, IPlatformOrder order, CancellationToken cancellationToken)
        {
            var platforms = await order.OrderForAsync(person.PreferredPlatform, cancellationToken).ConfigureAwait(false);
            var rows = await links.LinksAsync(person.Id, cancellationToken).ConfigureAwait(false);
            return new(person.Id, person.PreferredPlatform, platforms, [.. rows.Select(PersonLinkDto.Of)]);
        }

        private static async Task<(string Field, string Message)?> AppProblemAsync(string platform, string app, HubAppRegistry apps, HubPlatforms platforms, CancellationToken cancellationToken)
        {
            // Each platform says whether its accounts are linked by hand; a platform whose people come from the directory sync does not.
            if (platforms.Find(platform) is not { LinksPeopleByHand: true } linkable || linkable.Name != platform)
            {
                var byHand = platforms.All.Where(p => p.LinksPeopleByHand).Select(p => p.Name);
                var synced = platforms.All.Where(p => !p.LinksPeopleByHand).Select(p => p.DisplayName);
                return ("platform", $"'{Shorten(platform)}' cannot be linked: {string.Join(" or ", byHand)} (a {string.Join(" or ", synced)} account is the person's own, from the directory sync).");
            }

            var found = await apps.FindAsync(app, cancellationToken).ConfigureAwait(false);
            return found is null || found.Platform != platform
                ? ("app", $"The Hub has no {platforms.Display(platform)} app named '{Shorten(app)}'. Use the name of a {platforms.Display(platform)} app added to the Hub (GET /api/v1/apps).")
                : null;
        }

        private static async Task<PersonRow?> FindAsync(string id, PeopleStore people, CancellationToken cancellationToken) =>
            id.Length == 36 && id.StartsWith("per_", StringComparison.Ordinal) ? await people.FindAsync(id, cancellationToken).ConfigureAwait(false) : null;

        private static ProblemHttpResult PersonNotFound(string id) =>
            TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Person not found",
                detail: $"The directory has no person '{Shorten(id)}'. Ids look like per_ and 32 hex digits; find one with GET /api/v1/directory/people?email=…");

        private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

        private static ProblemHttpResult Invalid(IReadOnlyList<(string Field, string Message)> problems) =>
            FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid request", problems);
    }
}
