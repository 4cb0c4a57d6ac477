using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.Clients;

/// <summary>
/// The admin API for sign-in clients (the admin key only), problem+json on every refusal:
/// <c>POST /api/v1/identity/clients</c>, <c>GET /api/v1/identity/clients[?limit=&amp;after=]</c> (a page in id order), <c>GET|PATCH|DELETE /api/v1/identity/clients/{id}</c>,
/// <c>POST /api/v1/identity/clients/{id}/secret</c> (a new secret, shown once); and dynamic registration (RFC 7591) at
/// <c>POST /oidc/register</c> with the admin key as the initial access token.
/// </summary>
internal static class ClientsApi
{
    /// <summary>Clients a page holds unless <c>limit</c> says otherwise.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The most a page holds.</summary>
    public const int MaxLimit = 200;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var clients = endpoints.MapGroup("/api/v1/identity/clients").WithTags("Identity");
        clients.RequireHubAdmin("registers sign-in clients");
        clients.MapPost("", CreateAsync).WithName("CreateIdentityClient")
            .WithSummary("Register a sign-in client")
            .WithDescription("An application whose people sign in through the Hub with OpenID Connect (Sign in with Feishu); name and "
                + "redirect_uris are required. A confidential client's secret is in this answer only (client_secret).")
            .ReadsJson<ClientWriteDto>()
            .Answers<ClientDto>(StatusCodes.Status201Created);
        clients.MapGet("", ListAsync).WithName("ListIdentityClients")
            .WithSummary("List sign-in clients")
            .WithDescription("Every registered client in id order (no secrets).")
            .Paged(DefaultLimit, MaxLimit)
            .Answers<ClientListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        clients.MapGet("/{id}", GetAsync).WithName("GetIdentityClient")
            .WithSummary("Get a sign-in client")
            .WithDescription("The client's redirect URIs, scopes, who may sign in and whether it is enabled (no secret).")
            .Answers<ClientDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        clients.MapPatch("/{id}", UpdateAsync).WithName("UpdateIdentityClient")
            .WithSummary("Change a sign-in client")
            .WithDescription("Fields left out keep their values; enabled false refuses the client everywhere and revokes every token it holds. "
                + "A client made confidential gets a secret, in this answer only.")
            .ReadsJson<ClientWriteDto>()
            .Answers<ClientDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        clients.MapDelete("/{id}", DeleteAsync).WithName("DeleteIdentityClient")
            .WithSummary("Delete a sign-in client")
            .WithDescription("Removes the client: its people can no longer sign in to it.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        clients.MapPost("/{id}/secret", RotateSecretAsync).WithName("RotateIdentityClientSecret")
            .WithSummary("Give a sign-in client a new secret")
            .WithDescription("A new client_secret, in this answer only; the old one stops working at once. 409 for a public client, which has no secret.")
            .Answers<ClientDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.DynamicRegistration)
        {
            endpoints.MapPost(IdentitySite.RegistrationPath, RegisterAsync).RequireHubAdmin("registers sign-in clients").WithName("OidcRegister");
        }
    }

    private static async Task<Results<JsonHttpResult<ClientDto>, ProblemHttpResult>> CreateAsync(HttpContext http, [FromServices] ClientService service, CancellationToken cancellationToken)
    {
        var (request, refused) = await ReadAsync(http, "name, redirect_uris, and optionally kind, post_logout_redirect_uris, scopes, allowed_people, allowed_departments, require_pkce", cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var result = await service.CreateAsync(request!, cancellationToken).ConfigureAwait(false);
        if (result.Client is not { } row)
        {
            return Invalid(result.Problems);
        }

        await ApiAudit.WriteAsync(http, "identity_client.create", row.Id, ("name", row.Name), ("kind", WireKind(row.Kind))).ConfigureAwait(false);
        return TypedResults.Json(ClientDto.Of(row, result.Secret), IdentityApiJsonContext.Default.ClientDto, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<ClientListDto>, ProblemHttpResult>> ListAsync(
        [FromServices] ClientService service, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultLimit, MaxLimit, "lkc_");
        if (refused is not null)
        {
            return refused;
        }

        var (items, next) = paging.Page(await service.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false), r => r.Id);
        return TypedResults.Json(new ClientListDto([.. items.Select(r => ClientDto.Of(r, null))], next), IdentityApiJsonContext.Default.ClientListDto);
    }

    private static async Task<Results<JsonHttpResult<ClientDto>, ProblemHttpResult>> GetAsync(string id, [FromServices] ClientService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } row
            ? TypedResults.Json(ClientDto.Of(row, null), IdentityApiJsonContext.Default.ClientDto)
            : NotFound(id);

    private static async Task<Results<JsonHttpResult<ClientDto>, ProblemHttpResult>> UpdateAsync(HttpContext http, string id, [FromServices] ClientService service, CancellationToken cancellationToken)
    {
        var (request, refused) = await ReadAsync(http, "the fields to change (name, kind, redirect_uris, post_logout_redirect_uris, scopes, allowed_people, allowed_departments, require_pkce, enabled)", cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var result = await service.UpdateAsync(id, request!, cancellationToken).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound(id);
        }

        if (result.Client is not { } row)
        {
            return Invalid(result.Problems);
        }

        await ApiAudit.WriteAsync(http, "identity_client.update", row.Id, ("name", row.Name), ("enabled", row.Enabled ? "true" : "false")).ConfigureAwait(false);
        return TypedResults.Json(ClientDto.Of(row, result.Secret), IdentityApiJsonContext.Default.ClientDto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext http, string id, [FromServices] ClientService service, CancellationToken cancellationToken)
    {
        if (!await service.DeleteAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "identity_client.delete", id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<JsonHttpResult<ClientDto>, ProblemHttpResult>> RotateSecretAsync(HttpContext http, string id, [FromServices] ClientService service, CancellationToken cancellationToken)
    {
        var result = await service.RotateSecretAsync(id, cancellationToken).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound(id);
        }

        if (result.Client is not { } row)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No secret to rotate", detail: string.Join(" ", result.Problems));
        }

        await ApiAudit.WriteAsync(http, "identity_client.rotate_secret", row.Id).ConfigureAwait(false);
        return TypedResults.Json(ClientDto.Of(row, result.Secret), IdentityApiJsonContext.Default.ClientDto);
    }

    /// <summary>RFC 7591 §3: client metadata in, the registered client (with its secret) out; errors as §3.2.2 names them.</summary>
    private static async Task<IResult> RegisterAsync(HttpContext http, [FromServices] ClientService service, CancellationToken cancellationToken)
    {
        // RFC 7591 §2: metadata the server does not understand are ignored, so this body alone keeps unknown members.
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, IdentityApiJsonContext.Default.RegistrationDto,
            "client metadata (RFC 7591): redirect_uris, client_name, token_endpoint_auth_method, …", cancellationToken, unknownMembersIgnored: true).ConfigureAwait(false);
        if (unreadable is not null || body is null)
        {
            return RegistrationError("invalid_client_metadata", "The body must be a JSON object of client metadata (RFC 7591 §2).");
        }

        var kind = body.TokenEndpointAuthMethod switch
        {
            null or "client_secret_basic" or "client_secret_post" => ClientKind.Confidential,
            "none" => ClientKind.Public,
            _ => (ClientKind?)null,
        };
        if (kind is null)
        {
            return RegistrationError("invalid_client_metadata", "token_endpoint_auth_method takes client_secret_basic, client_secret_post or none.");
        }

        if (body.ResponseTypes is { } responseTypes && responseTypes.Any(t => t != "code"))
        {
            return RegistrationError("invalid_client_metadata", "response_types takes only code.");
        }

        if (body.GrantTypes is { } grantTypes && grantTypes.Any(t => t is not ("authorization_code" or "refresh_token")))
        {
            return RegistrationError("invalid_client_metadata", "grant_types takes authorization_code and refresh_token.");
        }

        var result = await service.CreateAsync(new ClientRequest
        {
            Name = body.ClientName ?? "Registered app",
            Kind = kind,
            RedirectUris = body.RedirectUris ?? [],
            PostLogoutRedirectUris = body.PostLogoutRedirectUris,
            Scopes = body.Scope is { } scope ? IdentityScopes.Split(scope) : null,
        }, cancellationToken).ConfigureAwait(false);
        if (result.Client is not { } row)
        {
            var redirectProblem = result.Problems.Any(p => p.StartsWith("redirect_uris", StringComparison.Ordinal));
            return RegistrationError(redirectProblem ? "invalid_redirect_uri" : "invalid_client_metadata", string.Join(" ", result.Problems));
        }

        await ApiAudit.WriteAsync(http, "identity_client.create", row.Id, ("name", row.Name), ("kind", WireKind(row.Kind)), ("via", "registration")).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new RegisteredDto(
            row.Id,
            result.Secret,
            row.CreatedAt.ToUnixTimeSeconds(),
            result.Secret is null ? null : 0,
            row.Name,
            ClientService.Lines(row.RedirectUris),
            ClientService.Lines(row.PostLogoutRedirectUris),
            row.Kind == ClientKind.Public ? "none" : body.TokenEndpointAuthMethod ?? "client_secret_basic",
            ["authorization_code", "refresh_token"],
            ["code"],
            row.AllowedScopes), IdentityApiJsonContext.Default.RegisteredDto, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The body as a client request (its kind parsed), or the problem answer.</summary>
    private static async Task<(ClientRequest? Request, ProblemHttpResult? Refused)> ReadAsync(HttpContext http, string expected, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, IdentityApiJsonContext.Default.ClientWriteDto, expected, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return (null, unreadable);
        }

        if (body is null)
        {
            return (null, Invalid(["The body must be a JSON object."]));
        }

        return ParseKind(body.Kind, out var kind) is { } kindProblem
            ? (null, Invalid([kindProblem]))
            : (body.ToRequest(kind) with { Enabled = body.Enabled }, null);
    }

    internal static string WireKind(ClientKind kind) => WireName<ClientKind>.Of(kind);

    private static string? ParseKind(string? text, out ClientKind? kind)
    {
        kind = null;
        if (text is null)
        {
            return null;
        }

        if (!WireName<ClientKind>.TryParseExact(text, out var parsed))
        {
            return $"kind: one of {WireName<ClientKind>.Choices}.";
        }

        kind = parsed;
        return null;
    }

    private static IResult RegistrationError(string error, string description) =>
        TypedResults.Json(new Dictionary<string, object>(StringComparer.Ordinal) { ["error"] = error, ["error_description"] = Provider.OidcError.Clean(description) },
            IdentityJsonContext.Default.DictionaryStringObject, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult Invalid(IReadOnlyList<string> problems) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid sign-in client", detail: string.Join(" ", problems),
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["problems"] = problems.ToArray() });

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Sign-in client not found", detail: $"No sign-in client has id '{(id.Length > 80 ? id[..80] + "…" : id)}' (GET /api/v1/identity/clients lists them).");
}

/// <summary>A client as the admin API takes it: name and redirect_uris required on POST, every member optional on PATCH.</summary>
internal sealed record ClientWriteDto(
    [property: Description("Shown on the sign-in page: 1 to 128 characters. Required on POST.")] string? Name,
    [property: Description("confidential (a server-side app that keeps a secret; the default) or public (a single-page or native app: no secret, PKCE always).")] string? Kind,
    [property: Description("1 to 20 URLs the sign-in may return to, compared exactly: https, or http on 127.0.0.1, [::1] or localhost only. Required on POST.")] string?[]? RedirectUris,
    [property: Description("Where a logout started by the app may return to, same rules.")] string?[]? PostLogoutRedirectUris,
    [property: Description("What the app may ask for: openid (always), profile, email, groups, offline_access. Default: all.")] string?[]? Scopes,
    [property: Description("Who may sign in: Hub person ids (per_…), union_ids (on_…) or open_ids under the sign-in app (ou_…). Both lists empty: everyone.")] string?[]? AllowedPeople,
    [property: Description("Departments (od-…) whose members may sign in.")] string?[]? AllowedDepartments,
    [property: Description("Whether S256 PKCE is required (default true; only a confidential client may turn it off).")] bool? RequirePkce,
    [property: Description("false refuses the client everywhere and revokes every token it holds.")] bool? Enabled)
{
    public ClientRequest ToRequest(ClientKind? kind) => new()
    {
        Name = Name,
        Kind = kind,
        RedirectUris = RedirectUris,
        PostLogoutRedirectUris = PostLogoutRedirectUris,
        Scopes = Scopes,
        AllowedPeople = AllowedPeople,
        AllowedDepartments = AllowedDepartments,
        RequirePkce = RequirePkce,
    };
}

/// <summary>A page of clients; <see cref="Next"/> (null on the last page) is the <c>after</c> of the next one.</summary>
internal sealed record ClientListDto(ClientDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A client as the admin API shows it; <see cref="ClientSecret"/> only in the answer that made it.</summary>
internal sealed record ClientDto(
    string ClientId,
    string Name,
    ClientKind Kind,
    string[] RedirectUris,
    string[] PostLogoutRedirectUris,
    string[] Scopes,
    string[] AllowedPeople,
    string[] AllowedDepartments,
    bool RequirePkce,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ClientSecret)
{
    public static ClientDto Of(ClientRow row, string? secret) => new(
        row.Id, row.Name, row.Kind, ClientService.Lines(row.RedirectUris), ClientService.Lines(row.PostLogoutRedirectUris), IdentityScopes.Split(row.AllowedScopes),
        ClientService.Lines(row.AllowedPeople), ClientService.Lines(row.AllowedDepartments), row.RequirePkce, row.Enabled, row.CreatedAt, row.UpdatedAt, secret);
}

/// <summary>RFC 7591 client metadata (the members the Hub reads).</summary>
internal sealed record RegistrationDto(
    string?[]? RedirectUris,
    string? ClientName,
    string? TokenEndpointAuthMethod,
    string?[]? PostLogoutRedirectUris,
    string? Scope,
    string[]? GrantTypes,
    string[]? ResponseTypes);

/// <summary>RFC 7591 §3.2.1's answer.</summary>
internal sealed record RegisteredDto(
    string ClientId,
    string? ClientSecret,
    long ClientIdIssuedAt,
    long? ClientSecretExpiresAt,
    string ClientName,
    string[] RedirectUris,
    string[] PostLogoutRedirectUris,
    string TokenEndpointAuthMethod,
    string[] GrantTypes,
    string[] ResponseTypes,
    string Scope);

/// <summary>Source-generated JSON for the identity admin API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientWriteDto))]
[JsonSerializable(typeof(ClientDto))]
[JsonSerializable(typeof(ClientListDto))]
[JsonSerializable(typeof(RegistrationDto))]
[JsonSerializable(typeof(RegisteredDto))]
[JsonSerializable(typeof(Sessions.SessionListDto))]
[JsonSerializable(typeof(Sessions.SignedOutDto))]
internal sealed partial class IdentityApiJsonContext : JsonSerializerContext;
