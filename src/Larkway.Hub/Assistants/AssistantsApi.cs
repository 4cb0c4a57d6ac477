using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the assistants API (the admin key only).</summary>
public static class HubAssistantsEndpointRouteBuilderExtensions
{
    /// <summary>Largest request body of the assistants API (a policy may list many people).</summary>
    public const int MaxRequestBytes = 256 * 1024;

    private const string Expected = "name, backend, base_url, api_key, apps and optionally display_name, model, system_prompt, policy, sessions, masking, streaming and enabled";

    /// <summary>
    /// Maps <c>GET|POST /api/v1/assistants</c> and <c>GET|PATCH|DELETE /api/v1/assistants/{name}</c>, for the admin key
    /// only. Needs <c>AddHubAssistants</c> and <c>AddHubAuth</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubAssistantsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var assistants = endpoints.MapGroup("/api/v1/assistants").WithTags("Assistants");
        assistants.RequireHubAdmin("manages assistants");
        assistants.MapGet("", ListAsync).WithName("ListAssistants")
            .WithSummary("List assistants")
            .WithDescription("The AI assistants that answer people's messages on the Hub's apps, by name (never their backend key, only whether it is set).")
            .Paged(DefaultListLimit, MaxListLimit)
            .Answers<ListPage<AssistantInfo>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        assistants.MapPost("", CreateAsync).WithName("CreateAssistant")
            .WithSummary("Add an assistant")
            .WithDescription("An assistant answering on the given apps from a Dify or OpenAI-compatible backend; name, backend, base_url, "
                + "api_key and apps are required (and model for an OpenAI-compatible backend), the rest defaulted. 409 when an assistant has the name already, or another enabled "
                + "assistant answers on one of the apps.")
            .ReadsJson<AssistantInput>()
            .Answers<AssistantInfo>(StatusCodes.Status201Created)
            .Refuses(StatusCodes.Status409Conflict);
        assistants.MapGet("/{name}", GetAsync).WithName("GetAssistant")
            .WithSummary("Get an assistant")
            .WithDescription("Its backend, apps, policy and settings, and the apps it names where another assistant answers.")
            .Answers<AssistantInfo>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        assistants.MapPatch("/{name}", UpdateAsync).WithName("UpdateAssistant")
            .WithSummary("Change an assistant")
            .WithDescription("Fields left out keep their values (the key too); a settings object given (policy, sessions, masking, streaming) "
                + "replaces the stored one whole. The name cannot change. 409 when another enabled assistant answers on one of the apps.")
            .ReadsJson<AssistantInput>()
            .Answers<AssistantInfo>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        assistants.MapDelete("/{name}", DeleteAsync).WithName("DeleteAssistant")
            .WithSummary("Delete an assistant")
            .WithDescription("It stops answering at once; its sessions, turns and feedback go with it.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>Assistants a page holds unless <c>limit</c> says otherwise.</summary>
    public const int DefaultListLimit = 50;

    /// <summary>The most a page holds.</summary>
    public const int MaxListLimit = 200;

    /// <summary>The assistants by name; <c>next</c> is the <c>after</c> of the next page.</summary>
    private static async Task<Results<JsonHttpResult<ListPage<AssistantInfo>>, ProblemHttpResult>> ListAsync(
        [FromServices] AssistantService service, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultListLimit, MaxListLimit, ListCursor.Name(Larkway.Hub.Apps.HubAppValidation.IsValidName, "an assistant name"));
        if (refused is not null)
        {
            return refused;
        }

        var rows = await service.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(paging.Answer(rows, a => a.Name, a => a), AssistantJsonContext.Default.ListPageAssistantInfo);
    }

    private static async Task<Results<JsonHttpResult<AssistantInfo>, ProblemHttpResult>> GetAsync(string name, [FromServices] AssistantService service, CancellationToken cancellationToken) =>
        await service.GetAsync(name, cancellationToken).ConfigureAwait(false) is { } assistant
            ? TypedResults.Json(assistant, AssistantJsonContext.Default.AssistantInfo)
            : NotFound(name);

    private static async Task<Results<JsonHttpResult<AssistantInfo>, ProblemHttpResult>> CreateAsync(HttpContext http, [FromServices] AssistantService service, CancellationToken cancellationToken)
    {
        var (input, unreadable) = await JsonBody.ReadAsync(http.Request, AssistantJsonContext.Default.AssistantInput, Expected, cancellationToken, MaxRequestBytes).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var change = await service.CreateAsync(input!, cancellationToken).ConfigureAwait(false);
        await AuditAsync(http, "assistant.create", change).ConfigureAwait(false);
        return Answer(change, StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<AssistantInfo>, ProblemHttpResult>> UpdateAsync(string name, HttpContext http, [FromServices] AssistantService service, CancellationToken cancellationToken)
    {
        var (input, unreadable) = await JsonBody.ReadAsync(http.Request, AssistantJsonContext.Default.AssistantInput, Expected, cancellationToken, MaxRequestBytes).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var change = await service.UpdateAsync(name, input!, cancellationToken).ConfigureAwait(false);
        await AuditAsync(http, "assistant.update", change).ConfigureAwait(false);
        return Answer(change, StatusCodes.Status200OK);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, HttpContext http, [FromServices] AssistantService service, CancellationToken cancellationToken)
    {
        if (!await service.DeleteAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(name);
        }

        await ApiAudit.WriteAsync(http, "assistant.delete", name).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>Audits a stored change: what it points at and what became of the key (<see cref="AuditSecret"/>), never the key.</summary>
    private static Task AuditAsync(HttpContext http, string action, AssistantChange change) =>
        change is { Status: AssistantChangeStatus.Ok, Assistant: { } a }
            ? ApiAudit.WriteAsync(http, action, a.Name,
                ("backend", a.Backend),
                ("base_url", a.BaseUrl),
                ("api_key", change.ApiKey),
                ("apps", string.Join(',', a.Apps)),
                ("enabled", a.Enabled ? "true" : "false"))
            : Task.CompletedTask;

    private static Results<JsonHttpResult<AssistantInfo>, ProblemHttpResult> Answer(AssistantChange change, int okStatus) => change.Status switch
    {
        AssistantChangeStatus.Ok => TypedResults.Json(change.Assistant!, AssistantJsonContext.Default.AssistantInfo, statusCode: okStatus),
        AssistantChangeStatus.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Assistant not found", detail: change.Problems[0].Message),
        AssistantChangeStatus.Conflict => Problem(StatusCodes.Status409Conflict, "Assistant exists", change.Problems),
        AssistantChangeStatus.Overlap => Problem(StatusCodes.Status409Conflict, "App answered by another assistant", change.Problems),
        _ => Problem(StatusCodes.Status400BadRequest, "Invalid assistant", change.Problems),
    };

    private static ProblemHttpResult Problem(int status, string title, IReadOnlyList<AssistantProblem> problems) =>
        FieldProblems.Result(status, title, problems.Select(p => (p.Field, p.Message)));

    private static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Assistant not found", detail: $"No assistant is named '{name}'; GET /api/v1/assistants lists them.");
}
