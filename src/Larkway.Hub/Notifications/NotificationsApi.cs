using Larkway.Hub.Platform.Auth.ApiKeys;
using System.Globalization;
using System.Text.Json.Serialization;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.OpenApi;
using Larkway.Hub.Platform.Queue;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the notifications API and the admin endpoints for API keys.</summary>
public static partial class HubNotificationsEndpointRouteBuilderExtensions
{
    /// <summary>Largest request body the notifications API reads.</summary>
    public const int MaxRequestBytes = JsonBody.DefaultLimit;

    /// <summary>
    /// Maps <c>POST /api/v1/notifications</c> and <c>GET /api/v1/notifications/{id}</c> (an API key or the admin key),
    /// and <c>POST|GET /api/v1/api-keys</c>, <c>DELETE /api/v1/api-keys/{id}</c> (the admin key only).
    /// Needs <c>AddHubNotifications</c> and <c>AddHubAuth</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHubNotificationsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var notifications = endpoints.MapGroup("/api/v1/notifications").WithTags("Notifications");
        notifications.RequireHubCaller();
        notifications.MapPost("", CreateAsync).WithName("CreateNotification")
            .WithSummary("Send a notification")
            .WithDescription("Queues a card to its recipients, once per idempotency key: 202 when queued, 200 with the first one for a repeat "
                + "(duplicate true) or when the type is switched off (status disabled). 503 when a platform did not answer the recipients' lookup: nothing was stored, send it again.")
            .ReadsJson<NotificationCreateBody>(example: NotificationCreateBody.Example)
            .Header("Idempotency-Key", "The notification's idempotency key, instead of the body's idempotency_key (or the same value in both).")
            .Answers<NotificationAcceptedDto>(StatusCodes.Status202Accepted, StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        notifications.MapGet("", ListAsync).WithName("ListNotifications")
            .WithSummary("List notifications")
            .WithDescription("The caller's notifications (every caller's for the admin key), newest first, with their recipients.")
            .Query<string>("type", "Only this notification type.")
            .Query<NotificationStatus>("status", "Only notifications in this state.")
            .Query<DateTimeOffset>("created_after", "Only those created at or after this time (ISO 8601).")
            .Query<DateTimeOffset>("created_before", "Only those created before this time (ISO 8601).")
            .Query<string>("reference", "Only the notification with this idempotency key.")
            .Paged(NotificationService.DefaultListLimit, MaxListLimit)
            .Answers<NotificationListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        notifications.MapGet("/{id}", GetAsync).WithName("GetNotification")
            .WithSummary("Get a notification")
            .WithDescription("Where each recipient stands, the clicks on its card and their decisions.")
            .Answers<NotificationDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        notifications.MapPost("/{id}/retry", RetryAsync).WithName("RetryNotification")
            .WithSummary("Retry failed deliveries")
            .WithDescription("Sends the failed deliveries again, with the same message ids: nothing is posted twice.")
            .Answers<NotificationRetriedDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status404NotFound);
        notifications.MapPatch("/{id}", UpdateAsync).WithName("UpdateNotification")
            .WithSummary("Change a notification's card")
            .WithDescription("Replaces the card and updates every message already sent, in place.")
            .ReadsJson<NotificationUpdateBody>()
            .Answers<NotificationUpdatedDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status404NotFound);

        var keys = endpoints.MapGroup("/api/v1/api-keys").WithTags("API keys");
        keys.RequireHubAdmin("manages API keys");
        keys.MapPost("", CreateKeyAsync).WithName("CreateApiKey")
            .WithSummary("Create an API key")
            .WithDescription("A key for a business system, limited to the notification types it may send; its secret is in this answer only.")
            .ReadsJson<ApiKeyCreateDto>()
            .Answers<ApiKeyCreatedDto>(StatusCodes.Status201Created);
        keys.MapGet("", ListKeysAsync).WithName("ListApiKeys")
            .WithSummary("List API keys")
            .WithDescription("Every key, revoked ones too, newest first (no secrets: only their hashes are kept).")
            .Paged(DefaultKeyListLimit, MaxKeyListLimit)
            .Answers<ListPage<ApiKeyDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        keys.MapDelete("/{id}", RevokeKeyAsync).WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);

        MapNotificationTypes(endpoints.MapGroup("/api/v1/notification-types"));
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<NotificationAcceptedDto>, ProblemHttpResult>> CreateAsync(
        HttpContext http,
        [FromServices] IAuthorizationService authorization,
        [FromServices] NotificationService notifications,
        CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var problems = new List<NotificationProblem>();
        var idempotencyHeader = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } h ? h : null;
        var request = NotificationRequest.Parse(body, idempotencyHeader, problems, notifications.RecipientTypes, out var draft);
        var caller = Caller(http);
        if (request is null)
        {
            // Every error at once: what the type's template finds in the data too, for a caller who may send the type.
            if (draft is not null && (await authorization.AuthorizeAsync(http.User, draft.Type, HubAuth.MaySendPolicy).ConfigureAwait(false)).Succeeded)
            {
                problems.AddRange(await notifications.CheckTypeContentAsync(draft, cancellationToken).ConfigureAwait(false));
            }

            return Invalid(problems);
        }

        if (!(await authorization.AuthorizeAsync(http.User, request.Type, HubAuth.MaySendPolicy).ConfigureAwait(false)).Succeeded)
        {
            return Forbidden($"This API key may not send notifications of type '{request.Type}' (it may send: {caller.Types}). Ask the Hub's administrator for a key with that type.");
        }

        var submitted = await notifications.SubmitAsync(request, caller, cancellationToken).ConfigureAwait(false);
        return submitted.Outcome switch
        {
            NotificationSubmitOutcome.Queued => Accepted(new(submitted.Id, "queued", submitted.Recipients, Duplicate: false), StatusCodes.Status202Accepted),
            NotificationSubmitOutcome.Repeated => Accepted(new(submitted.Id, "existing", submitted.Recipients, Duplicate: true), StatusCodes.Status200OK),
            NotificationSubmitOutcome.Disabled => Accepted(new(null, "disabled", 0, Duplicate: false), StatusCodes.Status200OK),
            NotificationSubmitOutcome.KeyReused => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Idempotency key already used",
                detail: $"The key '{request.IdempotencyKey}' was used for a different notification ({submitted.Id}). Use a new key for a new notification; resend the identical request to get the original.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["notification_id"] = submitted.Id }),
            NotificationSubmitOutcome.PlatformUnavailable => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: $"{HubAppPlatform.Display(submitted.Failure?.Platform ?? HubAppPlatform.Feishu)} unavailable",
                detail: $"{HubAppPlatform.Display(submitted.Failure?.Platform ?? HubAppPlatform.Feishu)} did not answer the recipients' lookup; nothing was stored. Send the same request again (same idempotency key) in a moment.",
                extensions: submitted.Failure is { } failure ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["error"] = FailureMembers.Of(failure.ToDto()) } : null),
            _ => Invalid(submitted.Problems),
        };
    }

    private static JsonHttpResult<NotificationAcceptedDto> Accepted(NotificationAcceptedDto accepted, int statusCode) =>
        TypedResults.Json(accepted, HubNotificationsJsonContext.Default.NotificationAcceptedDto, statusCode: statusCode);

    /// <summary>Most notifications one page lists.</summary>
    public const int MaxListLimit = 200;

    /// <summary>
    /// The caller's notifications (every caller's for the admin key), newest first, with their recipients; narrowed by
    /// type, status, created_after/created_before (ISO 8601) and reference (the idempotency key); <c>next</c> is the
    /// <c>after</c> of the next page.
    /// </summary>
    private static async Task<Results<JsonHttpResult<NotificationListDto>, ProblemHttpResult>> ListAsync(
        HttpContext http, [FromServices] NotificationService notifications, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var problems = new List<NotificationProblem>();
        NotificationStatus? status = null;
        if (query["status"].ToString() is { Length: > 0 } statusText)
        {
            if (WireName<NotificationStatus>.TryParse(statusText, out var parsed))
            {
                status = parsed;
            }
            else
            {
                problems.Add(new("status", $"One of {WireName<NotificationStatus>.Choices} (got '{statusText}')."));
            }
        }

        var from = Instant(query, "created_after", problems);
        var to = Instant(query, "created_before", problems);
        if (from > to)
        {
            problems.Add(new("created_after", "Must be before created_before."));
        }

        var limit = NotificationService.DefaultListLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxListLimit))
        {
            problems.Add(new("limit", $"A whole number from 1 to {MaxListLimit} (default {NotificationService.DefaultListLimit})."));
        }

        var (cursorName, cursorValue) = ListPaging.Cursor(query);
        if (cursorValue is { } cursor && !PageCursor.IsHexId(cursor, "ntf_"))
        {
            problems.Add(new(cursorName, "The `next` of the previous page (a notification id, ntf_ and 32 hex digits)."));
        }

        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        var filter = new NotificationFilter(Text(query, "type"), status, from, to, Text(query, "reference"), cursorValue);
        var (items, next) = await notifications.ListAsync(Caller(http), filter, limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(
            new NotificationListDto([.. items.Select(i => NotificationWire.ToDto(i.Notification, i.Deliveries))], next),
            HubNotificationsJsonContext.Default.NotificationListDto);
    }

    private static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? Instant(IQueryCollection query, string name, List<NotificationProblem> problems)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant;
        }

        problems.Add(new(name, $"An ISO 8601 time such as 2026-11-23T08:00:00Z or 2026-11-23 (got '{text}')."));
        return null;
    }

    private static async Task<Results<JsonHttpResult<NotificationDto>, ProblemHttpResult>> GetAsync(
        HttpContext http, string id, [FromServices] NotificationService notifications, CancellationToken cancellationToken) =>
        await notifications.GetAsync(id, Caller(http), cancellationToken).ConfigureAwait(false) is { } found
            ? TypedResults.Json(NotificationWire.ToDto(found.Notification, found.Deliveries, found.Actions), HubNotificationsJsonContext.Default.NotificationDto)
            : NotificationNotFound(id);

    /// <summary>
    /// Replaces the notification's card (<c>card</c>, <c>feishu_template</c>, or <c>data</c> for the type's template) and
    /// updates every message already sent, in place: the purchase order it announced changed status, say.
    /// </summary>
    private static async Task<Results<JsonHttpResult<NotificationUpdatedDto>, ProblemHttpResult>> UpdateAsync(
        HttpContext http, string id, [FromServices] NotificationService notifications, CancellationToken cancellationToken)
    {
        // Looked up before the body is read: another caller's id is a 404 whatever was sent.
        if (await notifications.FindAsync(id, Caller(http), cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return NotificationNotFound(id);
        }

        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var problems = new List<NotificationProblem>();
        if (!JsonBody.TryReadObject(body, "card, feishu_template or data", out var root, out var invalid))
        {
            return Invalid([new("body", invalid)]);
        }

        var (kind, content) = NotificationRequest.ParseContentOnly(root, problems);
        NotificationRequest.AddUnknown(NotificationRequest.UpdateShape, root, problems);
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        string? data = null;
        if (kind == NotificationRequest.FromType)
        {
            data = root.TryGetProperty("data", out var given) && given.ValueKind == System.Text.Json.JsonValueKind.Object ? given.GetRawText() : null;
            if (data is null)
            {
                return Invalid([new("data", "Send the new card in 'card' or 'feishu_template', or the values for the type's template in 'data' (an object).")]);
            }
        }

        var updated = await notifications.UpdateContentAsync(found, kind!, content, data, cancellationToken).ConfigureAwait(false);
        return updated.Outcome switch
        {
            NotificationUpdateOutcome.Updated => TypedResults.Json(
                new NotificationUpdatedDto(id, updated.Version, updated.Updating), HubNotificationsJsonContext.Default.NotificationUpdatedDto, statusCode: StatusCodes.Status202Accepted),
            NotificationUpdateOutcome.Invalid => Invalid(updated.Problems),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification not found", detail: $"No notification '{id}'."),
        };
    }

    /// <summary>Sends the failed deliveries of a notification again (same uuids: nothing posted twice).</summary>
    private static async Task<Results<JsonHttpResult<NotificationRetriedDto>, ProblemHttpResult>> RetryAsync(
        HttpContext http, string id, [FromServices] NotificationService notifications, CancellationToken cancellationToken) =>
        await notifications.RetryAsync(id, Caller(http), cancellationToken).ConfigureAwait(false) is { } retried
            ? TypedResults.Json(new NotificationRetriedDto(id, retried), HubNotificationsJsonContext.Default.NotificationRetriedDto, statusCode: StatusCodes.Status202Accepted)
            : NotificationNotFound(id);

    private static async Task<Results<JsonHttpResult<ApiKeyCreatedDto>, ProblemHttpResult>> CreateKeyAsync(
        HttpContext http, [FromServices] ApiKeyService keys, CancellationToken cancellationToken)
    {
        // Read here, after the admin filters: a bound body parameter would be read before anyone is authenticated.
        var (request, unreadable) = await JsonBody.ReadAsync(http.Request, HubNotificationsJsonContext.Default.ApiKeyCreateDto, "name and types", cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var created = await keys.CreateAsync(request?.Name, request?.Types, cancellationToken).ConfigureAwait(false);
        if (created is not { Key: { } key, Secret: { } secret })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid API key request", detail: created.Problem);
        }

        await ApiAudit.WriteAsync(http, "api_key.create", key.Id, ("name", key.Name), ("types", key.Types)).ConfigureAwait(false);
        return TypedResults.Json(
            new ApiKeyCreatedDto(key.Id, key.Name, created.Types, key.CreatedAt, secret),
            HubNotificationsJsonContext.Default.ApiKeyCreatedDto,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>API keys a page holds unless <c>limit</c> says otherwise (types use the same numbers).</summary>
    public const int DefaultKeyListLimit = 50;

    /// <summary>The most a page of API keys or types holds.</summary>
    public const int MaxKeyListLimit = 200;

    /// <summary>An API key id as a list cursor: key_ and 16 hex digits.</summary>
    private static readonly ListCursor KeyCursor = ListCursor.Name(
        c => c.Length == 20 && c.StartsWith("key_", StringComparison.Ordinal) && c.AsSpan(4).IndexOfAnyExcept("0123456789abcdef") < 0, "an API key id: key_ and 16 hex digits");

    /// <summary>Every key, revoked ones too, newest first; <c>next</c> is the <c>after</c> of the next page.</summary>
    private static async Task<Results<JsonHttpResult<ListPage<ApiKeyDto>>, ProblemHttpResult>> ListKeysAsync(
        [FromServices] ApiKeyService keys, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultKeyListLimit, MaxKeyListLimit, KeyCursor);
        if (refused is not null)
        {
            return refused;
        }

        if (await keys.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false) is not { } rows)
        {
            return ListPaging.UnknownCursor(paging.After!);
        }

        return TypedResults.Json(
            paging.Answer(rows, k => k.Id, k => new ApiKeyDto(k.Id, k.Name, k.Types.Split(','), k.CreatedAt, k.RevokedAt)),
            HubNotificationsJsonContext.Default.ListPageApiKeyDto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(HttpContext http, string id, [FromServices] ApiKeyService keys, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "API key not found", detail: $"No API key has id '{id}'.");
        }

        await ApiAudit.WriteAsync(http, "api_key.revoke", id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>A 400 listing every problem as {field, message} in <c>errors</c>, with any <paramref name="more"/> members beside it.</summary>
    internal static ProblemHttpResult Invalid(IReadOnlyList<NotificationProblem> problems, Dictionary<string, object?>? more = null) =>
        FieldProblems.Result(StatusCodes.Status400BadRequest, "Invalid notification", problems.Select(p => (p.Field, p.Message)), more);

    private static ProblemHttpResult NotificationNotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification not found", detail: $"No notification '{id}' was created with this key.");

    internal static HubCaller Caller(HttpContext http) => HubCaller.Of(http.User);

    private static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: detail);
}

/// <summary>The answer to a create: the id to poll, and whether this was a repeat of an earlier request.</summary>
public sealed record NotificationAcceptedDto(string? Id, string Status, int Recipients, bool Duplicate);

/// <summary>The answer to an update: the content's new version and how many sent messages will be updated.</summary>
public sealed record NotificationUpdatedDto(string Id, int Version, int Updating);

/// <summary>The answer to a retry: how many failed deliveries were queued again.</summary>
public sealed record NotificationRetriedDto(string Id, int Retried);

/// <summary>A notification and where each of its recipients stands.</summary>
public sealed record NotificationDto(
    string Id,
    string Type,
    string IdempotencyKey,
    DateTimeOffset CreatedAt,
    int Version,
    NotificationStatus Status,
    NotificationRecipientDto[] Recipients,
    string? Decision = null,
    NotificationActionDto[]? Actions = null,
    string App = HubAppService.DefaultAppName);

/// <summary>
/// A click on the notification's card: the action, who (<see cref="Operator"/>; <see cref="OperatorOpenId"/> only on
/// Feishu, kept for Feishu callers), on which recipient's message, with which values, when.
/// </summary>
public sealed record NotificationActionDto(
    string Action,
    bool Known,
    string? OperatorOpenId,
    string? Recipient,
    string? MessageId,
    [property: JsonKind(System.Text.Json.JsonValueKind.Object), System.ComponentModel.Description("The values of the card's form inputs by name; empty for a button outside a form.")] System.Text.Json.JsonElement FormValues,
    string? Decision,
    DateTimeOffset At)
{
    /// <summary>Who clicked, the same way on every platform (null only for a click recorded before operators were).</summary>
    public NotificationOperatorDto? Operator { get; init; }
}

/// <summary>One recipient's delivery: queued, sending, sent (with the message id), retrying or failed (with the platform's failure).</summary>
public sealed record NotificationRecipientDto(
    string Type,
    string Value,
    NotificationDeliveryStatus Status,
    int Attempts,
    string? MessageId,
    DateTimeOffset? SentAt,
    int? Version,
    DateTimeOffset? NextAttemptAt,
    PlatformFailureDto? Error)
{
    /// <summary>The directory person this recipient was routed for (a <c>person</c> recipient, or an email of a person who prefers another platform).</summary>
    public string? PersonId { get; init; }

    /// <summary>The platform it goes to: feishu, dingtalk or wecom.</summary>
    public string Platform { get; init; } = "feishu";

    /// <summary>The app that sends it when not the notification's own.</summary>
    public string? App { get; init; }

    /// <summary>
    /// For a routed person: every platform routing considered, in order, each with how it ended — the one it is on now
    /// with this delivery's status.
    /// </summary>
    public PlatformTriedDto[]? PlatformsTried { get; init; }
}

/// <summary>
/// One platform routing considered for a person: <c>refused</c> (with the platform's <c>code</c> as it gave it, and its
/// <c>error</c>), <c>app_off</c> (no enabled app of it in the Hub), <c>no_account</c>; or, for the platform the delivery is
/// on, the delivery's status (<c>queued</c>, <c>sending</c>, <c>sent</c>, <c>retrying</c>, <c>failed</c>, with its code and
/// error when it failed).
/// </summary>
public sealed record PlatformTriedDto(
    string Platform,
    string Outcome,
    [property: JsonKind(System.Text.Json.JsonValueKind.Number, System.Text.Json.JsonValueKind.String), System.ComponentModel.Description("The platform's code as it gave it, when it refused or the delivery failed: a number, or a string (DingTalk's new API).")] System.Text.Json.JsonElement? Code = null)
{
    /// <summary>The failure, in the shape every platform's failure has.</summary>
    public PlatformFailureDto? Error { get; init; }
}

/// <summary>Who pressed a notification's button, the same way on every platform.</summary>
/// <param name="Platform">feishu, dingtalk or wecom.</param>
/// <param name="UserId">The platform's own id of the account: an open_id on Feishu, a userid on DingTalk and WeCom.</param>
/// <param name="PersonId">The directory person, when the Hub knows the account (a link, or the directory's open_id), however the recipient was addressed.</param>
public sealed record NotificationOperatorDto(string Platform, string UserId, string? PersonId);


/// <summary>Creates an API key.</summary>
public sealed record ApiKeyCreateDto(
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.Description("The business system the key is for, at most 128 characters.")] string? Name,
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.Description("The notification types it may send: exact names (purchase_order.created), families (purchase_order.*), or * for all.")] string?[]? Types);

/// <summary>A new API key, with its secret (shown only here).</summary>
public sealed record ApiKeyCreatedDto(string Id, string Name, string[] Types, DateTimeOffset CreatedAt, string Key);

/// <summary>An API key as listed (no secret: only its hash is stored).</summary>
public sealed record ApiKeyDto(string Id, string Name, string[] Types, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Source-generated JSON for the notifications API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NotificationAcceptedDto))]
[JsonSerializable(typeof(NotificationDto))]
[JsonSerializable(typeof(NotificationRetriedDto))]
[JsonSerializable(typeof(NotificationUpdatedDto))]
[JsonSerializable(typeof(NotificationListDto))]
[JsonSerializable(typeof(ApiKeyCreateDto))]
[JsonSerializable(typeof(ApiKeyCreatedDto))]
[JsonSerializable(typeof(ListPage<ApiKeyDto>))]
[JsonSerializable(typeof(NotificationCreateBody))]
[JsonSerializable(typeof(NotificationUpdateBody))]
internal sealed partial class HubNotificationsJsonContext : JsonSerializerContext;

/// <summary>Wire names and the overall status.</summary>
internal static class NotificationWire
{
    public static NotificationDto ToDto(NotificationRow notification, IReadOnlyList<NotificationDeliveryRow> deliveries, IReadOnlyList<NotificationActionRow>? actions = null)
    {
        var recipients = deliveries.Select(d => new NotificationRecipientDto(
            d.RecipientType,
            d.Recipient,
            Status(d.State),
            d.Attempts,
            d.MessageId,
            d.SentAt,
            d.SentVersion,
            d.State is WorkState.Pending or WorkState.Retrying ? d.NextAttemptAt : null,
            Failure(d)?.ToDto())
        {
            PersonId = d.PersonId,
            Platform = NotificationSender.PlatformOf(d),
            App = d.App is null ? null : HubAppService.NameOnWire(d.App),
            PlatformsTried = PlatformsTried(d),
        }).ToArray();
        return new NotificationDto(notification.Id, notification.Type, notification.IdempotencyKey, notification.CreatedAt, notification.Version, Overall(deliveries), recipients,
            notification.Decision,
            [.. (actions ?? []).Select(a => new NotificationActionDto(
                a.Action, a.Known, a.OperatorOpenId, a.Recipient, a.MessageId, System.Text.Json.JsonDocument.Parse(a.FormValues).RootElement.Clone(), a.Decision, a.At)
            {
                Operator = a.OperatorPlatform is { } platform ? new NotificationOperatorDto(platform, a.OperatorUserId ?? "", a.OperatorPersonId) : null,
            })],
            HubAppService.NameOnWire(notification.App));
    }

    /// <summary>
    /// A routed delivery's way (null for one sent as named): the stored steps, the current platform's filled with the
    /// delivery's status (added at the end for a row stored before steps were kept).
    /// </summary>
    private static PlatformTriedDto[]? PlatformsTried(NotificationDeliveryRow d)
    {
        if (d.PersonId is null && d.PlatformsTried is null)
        {
            return null;
        }

        var steps = Larkway.Hub.Notifications.Routing.RouteStep.Read(d.PlatformsTried).ToList();
        if (!steps.Any(s => s.Outcome is null))
        {
            steps.Add(new Larkway.Hub.Notifications.Routing.RouteStep(NotificationSender.PlatformOf(d)));
        }

        return [.. steps.Select(s => s.Outcome is { } outcome
            ? Tried(s.Platform, outcome, s.Failure)
            : Tried(s.Platform, StatusName(d.State), d.State is WorkState.Done ? null : Failure(d)))];
    }

    private static PlatformTriedDto Tried(string platform, string outcome, PlatformFailure? failure) =>
        new(platform, outcome, failure?.CodeElement) { Error = failure?.ToDto() };

    /// <summary>
    /// A delivery's last failure: the platform that failed and its code as stored, or — a row stored before they were
    /// kept — the numeric code under the delivery's platform; null without one.
    /// </summary>
    public static PlatformFailure? Failure(NotificationDeliveryRow d) =>
        PlatformFailure.Read(d.ErrorPlatform ?? NotificationSender.PlatformOf(d), d.PlatformCode, d.ErrorCode, d.LastError, d.LogId);

    public static NotificationDeliveryStatus Status(WorkState state) => state switch
    {
        WorkState.Pending => NotificationDeliveryStatus.Queued,
        WorkState.InProgress => NotificationDeliveryStatus.Sending,
        WorkState.Done => NotificationDeliveryStatus.Sent,
        WorkState.Retrying => NotificationDeliveryStatus.Retrying,
        _ => NotificationDeliveryStatus.Failed,
    };

    /// <summary>The wire name of the status a delivery in <paramref name="state"/> shows.</summary>
    public static string StatusName(WorkState state) => WireName<NotificationDeliveryStatus>.Of(Status(state));

    /// <summary>sent when every recipient got it, failed when every one failed for good, partially_failed when it is over with some of each; else in_progress.</summary>
    private static NotificationStatus Overall(IReadOnlyList<NotificationDeliveryRow> deliveries)
    {
        if (deliveries.Any(d => d.State is not (WorkState.Done or WorkState.DeadLetter)))
        {
            return NotificationStatus.InProgress;
        }

        return deliveries.All(d => d.State == WorkState.Done) ? NotificationStatus.Sent
            : deliveries.All(d => d.State == WorkState.DeadLetter) ? NotificationStatus.Failed
            : NotificationStatus.PartiallyFailed;
    }
}

/// <summary>A page of notifications, newest first; <c>next</c> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record NotificationListDto(NotificationDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);

/// <summary>A notification's status over all its deliveries.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<NotificationStatus>))]
public enum NotificationStatus
{
    InProgress,
    Sent,
    PartiallyFailed,
    Failed,
}

/// <summary>One delivery's status as the API shows it: the queue's states in the words of sending.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<NotificationDeliveryStatus>))]
public enum NotificationDeliveryStatus
{
    Queued,
    Sending,
    Sent,
    Retrying,
    Failed,
}
