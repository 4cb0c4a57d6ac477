using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the apps API (admin key only).</summary>
public static class HubAppsEndpointRouteBuilderExtensions
{
    /// <summary>Largest request body of the apps API.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    /// <summary>
    /// Maps <c>GET|POST /api/v1/apps</c>, <c>GET|PATCH|DELETE /api/v1/apps/{name}</c>, <c>POST /api/v1/apps/{name}/test</c> and
    /// <c>GET /api/v1/apps/{name}/scopes</c> (admin key only). Needs <c>AddHubApps</c> and <c>AddHubAuth</c>. Each platform's
    /// room maps its apps' callbacks (<c>MapHubFeishu</c>, <c>MapHubDingTalk</c>, <c>MapHubWeCom</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapHubApps(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var apps = endpoints.MapGroup("/api/v1/apps").WithTags("Apps");
        apps.RequireHubAdmin("manages platform apps");
        apps.MapGet("", ListAsync).WithName("ListApps")
            .WithSummary("List apps")
            .WithDescription("The Feishu, Lark, DingTalk and WeCom apps the Hub sends and receives through: the configured default app first, "
                + "then the others by name; never a secret, only whether each is set.")
            .Paged(DefaultListLimit, MaxListLimit)
            .Answers<ListPage<HubAppDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        apps.MapPost("", AddAsync).WithName("AddApp")
            .WithSummary("Add an app")
            .WithDescription("Stores a platform app's credentials (encrypted) so the Hub can send and receive through it; name, app_id and "
                + "app_secret are required (and agent_id for WeCom). The answer has the event and card URLs to paste into the platform's "
                + "developer console. 409 when an app has the name already.")
            .ReadsJson<HubAppInputDto>()
            .Answers<HubAppDto>(StatusCodes.Status201Created)
            .Refuses(StatusCodes.Status409Conflict);
        apps.MapGet("/{name}", GetAsync).WithName("GetApp")
            .WithSummary("Get an app")
            .WithDescription("The app's settings, its callback URLs and the permissions it needs (never a secret, only whether each is set).")
            .Answers<HubAppDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        apps.MapPatch("/{name}", UpdateAsync).WithName("UpdateApp")
            .WithSummary("Change an app")
            .WithDescription("Fields left out keep their values, a secret included; the name and platform cannot change. "
                + "409 for the default app, which comes from configuration.")
            .ReadsJson<HubAppInputDto>()
            .Answers<HubAppDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        apps.MapDelete("/{name}", DeleteAsync).WithName("DeleteApp")
            .WithSummary("Delete an app")
            .WithDescription("The Hub stops sending and receiving through it. 409 for the default app, which comes from configuration.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        apps.MapPost("/{name}/test", TestAsync).WithName("TestApp")
            .WithSummary("Test an app's connection")
            .WithDescription("Asks the platform for the app's bot with the stored credentials: ok and the bot, or the platform's code, message "
                + "and log id (or the network error) with a hint what to fix. Answered 200 either way.")
            .Answers<HubAppTestResult>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        apps.MapGet("/{name}/scopes", ScopesAsync).WithName("GetAppScopes")
            .WithSummary("List an app's permissions")
            .WithDescription("The features the Hub uses the app for and each permission (scope) they need on the platform, and why.")
            .Answers<HubAppScopesDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>Apps a page holds unless <c>limit</c> says otherwise.</summary>
    public const int DefaultListLimit = 50;

    /// <summary>The most a page holds.</summary>
    public const int MaxListLimit = 200;

    /// <summary>The configured app first, then the stored apps by name; <c>next</c> is the <c>after</c> of the next page.</summary>
    private static async Task<Results<JsonHttpResult<ListPage<HubAppDto>>, ProblemHttpResult>> ListAsync(
        HttpContext http, [FromServices] HubAppService service, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultListLimit, MaxListLimit, ListCursor.Name(HubAppValidation.IsValidName, "an app name"));
        if (refused is not null)
        {
            return refused;
        }

        var rows = await service.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(paging.Answer(rows, a => a.Name, a => Dto(http, a)), HubAppsJsonContext.Default.ListPageHubAppDto);
    }

    private static async Task<Results<JsonHttpResult<HubAppDto>, ProblemHttpResult>> GetAsync(string name, HttpContext http, [FromServices] HubAppService service, CancellationToken cancellationToken) =>
        await service.GetAsync(name, cancellationToken).ConfigureAwait(false) is { } app
            ? TypedResults.Json(Dto(http, app), HubAppsJsonContext.Default.HubAppDto)
            : NotFound(name);

    private static async Task<Results<JsonHttpResult<HubAppDto>, ProblemHttpResult>> AddAsync(HttpContext http, [FromServices] HubAppService service, CancellationToken cancellationToken)
    {
        var (input, error) = await ReadAsync(http, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var change = await service.AddAsync(input!, cancellationToken).ConfigureAwait(false);
        await AuditAsync(http, "app.create", change).ConfigureAwait(false);
        return Answer(http, change, StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<HubAppDto>, ProblemHttpResult>> UpdateAsync(string name, HttpContext http, [FromServices] HubAppService service, CancellationToken cancellationToken)
    {
        var (input, error) = await ReadAsync(http, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var change = await service.UpdateAsync(name, input!, cancellationToken).ConfigureAwait(false);
        await AuditAsync(http, "app.update", change).ConfigureAwait(false);
        return Answer(http, change, StatusCodes.Status200OK);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, HttpContext http, [FromServices] HubAppService service, CancellationToken cancellationToken)
    {
        switch (await service.DeleteAsync(name, cancellationToken).ConfigureAwait(false))
        {
            case HubAppDeleteOutcome.ReadOnly:
                return ReadOnly();
            case HubAppDeleteOutcome.NotFound:
                return NotFound(name);
            default:
                await ApiAudit.WriteAsync(http, "app.delete", name).ConfigureAwait(false);
                return TypedResults.NoContent();
        }
    }

    /// <summary>Audits a stored change as the console does: what became of each secret (<see cref="AuditSecret"/>), never their values.</summary>
    private static Task AuditAsync(HttpContext http, string action, HubAppChange change) =>
        change is { Status: HubAppChangeStatus.Ok, App: { } app }
            ? ApiAudit.WriteAsync(http, action, app.Name,
                ("app_id", app.AppId),
                ("base_url", app.BaseUrl.AbsoluteUri),
                ("app_secret", change.Secrets["app_secret"]),
                ("encrypt_key", change.Secrets["encrypt_key"]),
                ("verification_token", change.Secrets["verification_token"]),
                ("legacy_card_callbacks", app.LegacyCardCallbacks ? "accepted" : "refused"),
                ("enabled", app.Enabled ? "true" : "false"))
            : Task.CompletedTask;

    private static async Task<Results<JsonHttpResult<HubAppTestResult>, ProblemHttpResult>> TestAsync(string name, [FromServices] HubAppService service, CancellationToken cancellationToken) =>
        await service.TestConnectionAsync(name, cancellationToken).ConfigureAwait(false) is { } result
            ? TypedResults.Json(result, HubAppsJsonContext.Default.HubAppTestResult)
            : NotFound(name);

    private static async Task<Results<JsonHttpResult<HubAppScopesDto>, ProblemHttpResult>> ScopesAsync(string name, [FromServices] HubAppService service, CancellationToken cancellationToken) =>
        await service.GetAsync(name, cancellationToken).ConfigureAwait(false) is { } app
            ? TypedResults.Json(ScopesDto(app), HubAppsJsonContext.Default.HubAppScopesDto)
            : NotFound(name);

    private static async Task<(HubAppInput? Input, ProblemHttpResult? Error)> ReadAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var (input, unreadable) = await JsonBody.ReadAsync(http.Request, HubAppsJsonContext.Default.HubAppInputDto,
            "string fields name, platform, app_id, base_url, app_secret, encrypt_key, verification_token and robot_code, ai_bot_id, ai_bot_secret and ai_bot_url, the number agent_id and booleans enabled, legacy_card_callbacks and long_connection", cancellationToken, MaxRequestBytes).ConfigureAwait(false);
        return unreadable is not null || input is null
            ? (null, unreadable ?? BadBody("The body must be a JSON object."))
            : (new HubAppInput
            {
                Name = input.Name,
                Platform = input.Platform,
                RobotCode = input.RobotCode,
                AgentId = input.AgentId,
                AppId = input.AppId,
                BaseUrl = input.BaseUrl,
                AppSecret = input.AppSecret,
                EncryptKey = input.EncryptKey,
                VerificationToken = input.VerificationToken,
                Enabled = input.Enabled,
                LegacyCardCallbacks = input.LegacyCardCallbacks,
                AiBotId = input.AiBotId,
                AiBotSecret = input.AiBotSecret,
                AiBotUrl = input.AiBotUrl,
                LongConnection = input.LongConnection,
            }, null);
    }

    private static Results<JsonHttpResult<HubAppDto>, ProblemHttpResult> Answer(HttpContext http, HubAppChange change, int okStatus) => change.Status switch
    {
        HubAppChangeStatus.Ok => TypedResults.Json(Dto(http, change.App!), HubAppsJsonContext.Default.HubAppDto, statusCode: okStatus),
        HubAppChangeStatus.NotFound => NotFound(change.Problems.Count > 0 ? change.Problems[0].Message : ""),
        HubAppChangeStatus.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
            detail: string.Join(" ", change.Problems.Select(p => p.Message)), extensions: Errors(change.Problems)),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid app",
            detail: string.Join(" ", change.Problems.Select(p => $"{p.Field}: {p.Message}")), extensions: Errors(change.Problems)),
    };

    private static Dictionary<string, object?> Errors(IReadOnlyList<HubAppProblem> problems) => FieldProblems.Extensions(problems.Select(p => (p.Field, p.Message)));

    private static HubAppDto Dto(HttpContext http, HubAppInfo app)
    {
        // The configured public URL, not the Host header a caller may set.
        var origin = (http.RequestServices.GetService<Larkway.Hub.Platform.Configuration.HubSettings>() ?? new Larkway.Hub.Platform.Configuration.HubSettings()).OriginFor(http.Request);
        return new HubAppDto(
            app.Name,
            app.AppId,
            app.BaseUrl.AbsoluteUri,
            app.Enabled,
            app.ReadOnly,
            app.AppSecretSet,
            app.EncryptKeySet,
            app.VerificationTokenSet,
            app.LegacyCardCallbacks,
            app.CreatedAt,
            app.UpdatedAt,
            origin + app.EventsPath,
            origin + app.CardsPath,
            ScopesDto(app),
            app.Platform,
            app.RobotCode,
            app.AgentId,
            app.AiBotId,
            app.PlatformInfo?.OwnFields.HasFlag(HubAppFields.AiBot) == true ? app.AiBotSecretSet : null,
            app.AiBotUrl?.AbsoluteUri,
            app.PlatformInfo?.OwnFields.HasFlag(HubAppFields.LongConnection) == true ? app.LongConnection : null);
    }

    private static HubAppScopesDto ScopesDto(HubAppInfo app)
    {
        return new HubAppScopesDto(
            HubAppScopes.FeatureNames(app.Features).ToArray(),
            app.Scopes.Select(s => new HubAppScopeDto(s.Scope, s.Title, s.Reason, s.Features.ToArray(), s.Confirmed)).ToArray());
    }

    private static ProblemHttpResult NotFound(string nameOrMessage) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "App not found",
        detail: nameOrMessage.Contains(' ', StringComparison.Ordinal) ? nameOrMessage : $"No app is named '{nameOrMessage}' (GET /api/v1/apps lists them).");

    private static ProblemHttpResult ReadOnly() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Read-only app",
        detail: "The default app comes from configuration (FEISHU_APP_ID, FEISHU_APP_SECRET, …); change it there and restart the Hub.");

    private static ProblemHttpResult BadBody(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid app",
        detail: detail,
        extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["errors"] = new[] { new Dictionary<string, string>(StringComparer.Ordinal) { ["field"] = "body", ["message"] = detail } },
        });
}

/// <summary>The body of POST and PATCH <c>/api/v1/apps</c> (docs/hub-apps.md, hub-dingtalk.md, hub-wecom.md).</summary>
/// <param name="Name">The app's name in the Hub (add only; part of its URLs).</param>
/// <param name="AppId">Feishu's App ID, DingTalk's AppKey, or WeCom's corp id (企业ID, <c>ww…</c>).</param>
/// <param name="BaseUrl"><c>feishu</c>, <c>lark</c>, <c>dingtalk</c>, <c>wecom</c>, or an http(s) URL (the Emulator's).</param>
/// <param name="AppSecret">Feishu's App Secret, DingTalk's AppSecret, or the WeCom app's Secret; write-only.</param>
/// <param name="EncryptKey">Feishu's Encrypt Key, DingTalk's aes_key, or WeCom's callback EncodingAESKey (43 letters and digits); write-only, <c>""</c> clears.</param>
/// <param name="VerificationToken">Feishu's Verification Token, DingTalk's token, or WeCom's callback Token (1–32 letters and digits); write-only, <c>""</c> clears.</param>
/// <param name="Enabled">Whether the Hub receives and sends for it (default true).</param>
/// <param name="LegacyCardCallbacks">Feishu only: accept old-style card callbacks (default true).</param>
/// <param name="Platform"><c>feishu</c> (default), <c>lark</c>, <c>dingtalk</c> or <c>wecom</c>; fixed once stored.</param>
/// <param name="RobotCode">DingTalk only: the app robot's code when it is not the AppKey.</param>
/// <param name="AgentId">DingTalk: the AgentId for work notifications (0 clears). WeCom: the app's AgentId, required.</param>
public sealed record HubAppInputDto(
    [property: Description("The app's name in the Hub: 1–40 characters of a–z, 0–9 and '-', part of its callback URLs. Required on POST; it cannot change.")] string? Name,
    [property: Description("Feishu's App ID, DingTalk's AppKey, or WeCom's corp id (ww…). Required on POST.")] string? AppId,
    [property: Description("feishu, lark, dingtalk, wecom, or an http(s) URL of a compatible server; default the platform's.")] string? BaseUrl,
    [property: Description("Feishu's App Secret, DingTalk's AppSecret, or the WeCom app's Secret; write-only. Required on POST, and again with a new base_url.")] string? AppSecret,
    [property: Description("Feishu's Encrypt Key, DingTalk's aes_key, or WeCom's callback EncodingAESKey; write-only, \"\" clears it.")] string? EncryptKey,
    [property: Description("Feishu's Verification Token, DingTalk's token, or WeCom's callback Token; write-only, \"\" clears it.")] string? VerificationToken,
    [property: Description("Whether the Hub receives and sends for it (default true).")] bool? Enabled,
    [property: Description("Feishu only: accept old-style card callbacks (default true).")] bool? LegacyCardCallbacks = null,
    [property: Description("feishu (default), lark, dingtalk or wecom; fixed once stored.")] string? Platform = null,
    [property: Description("DingTalk only: the app robot's code when it is not the AppKey; \"\" clears it.")] string? RobotCode = null,
    [property: Description("DingTalk: the AgentId for work notifications (0 clears it). WeCom: the app's AgentId, required.")] long? AgentId = null,
    [property: Description("WeCom only: the corp's AI bot (the bot's page in the WeCom admin console, API mode: long connection); \"\" in a PATCH removes it.")] string? AiBotId = null,
    [property: Description("WeCom only: the AI bot's Secret, required with ai_bot_id; write-only.")] string? AiBotSecret = null,
    [property: Description("WeCom only: the AI bot's long-connection URL, only to point somewhere else than WeCom's wss://openws.work.weixin.qq.com.")] string? AiBotUrl = null,
    [property: Description("Feishu only: receive the app's events and card callbacks over Feishu's long connection (held by one replica) instead of at its events and cards URLs (default false). Choose the same in the app's Events & Callbacks page.")] bool? LongConnection = null);

/// <summary>An app as the API shows it (never a secret), with the URLs to paste into the developer console.</summary>
public sealed record HubAppDto(
    string Name,
    string AppId,
    string BaseUrl,
    bool Enabled,
    bool ReadOnly,
    bool AppSecretSet,
    bool EncryptKeySet,
    bool VerificationTokenSet,
    bool LegacyCardCallbacks,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    string EventsUrl,
    string CardsUrl,
    HubAppScopesDto Permissions,
    string Platform,
    string? RobotCode,
    long? AgentId,
    string? AiBotId = null,
    bool? AiBotSecretSet = null,
    string? AiBotUrl = null,
    bool? LongConnection = null);

/// <summary>The features the Hub uses an app for and the scopes they need.</summary>
public sealed record HubAppScopesDto(string[] Features, HubAppScopeDto[] Scopes);

/// <summary>One scope and why.</summary>
public sealed record HubAppScopeDto(string Scope, string Title, string Reason, string[] Features, bool Confirmed);

/// <summary>Source-generated JSON for the apps API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HubAppInputDto))]
[JsonSerializable(typeof(HubAppDto))]
[JsonSerializable(typeof(ListPage<HubAppDto>))]
[JsonSerializable(typeof(HubAppScopesDto))]
[JsonSerializable(typeof(HubAppTestResult))]
internal sealed partial class HubAppsJsonContext : JsonSerializerContext;
