using System.Globalization;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the webhook subscriptions API (the admin key only).</summary>
public static class HubWebhooksEndpointRouteBuilderExtensions
{
    /// <summary>Default number of webhooks or deliveries a page lists.</summary>
    public const int DefaultListLimit = 100;

    /// <summary>Most webhooks or deliveries a page lists.</summary>
    public const int MaxListLimit = 1000;

    /// <summary>
    /// Maps <c>POST|GET /api/v1/webhooks</c>, <c>DELETE /api/v1/webhooks/{id}</c>, <c>GET /api/v1/webhooks/{id}/deliveries</c>
    /// and <c>POST /api/v1/webhook-deliveries/{id}/replay</c>, all for the admin key only (an API key gets 403, anything
    /// else 401). Needs <c>AddHubWebhooks</c>, <c>AddHubAuth</c> and <c>AddHubNotifications</c> (for API keys).
    /// </summary>
    public static IEndpointRouteBuilder MapHubWebhooksApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var webhooks = endpoints.MapGroup("/api/v1/webhooks").WithTags("Webhooks");
        webhooks.RequireHubAdmin("manages webhooks");
        webhooks.MapPost("", CreateAsync).WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to events")
            .WithDescription("The Hub POSTs every platform event of the given types (messages, card button clicks, approvals…) to the URL, "
                + "signed the Standard Webhooks way with the subscription's secret, with retries and a delivery log. The secret is in this answer only: keep it to check the signatures.")
            .ReadsJson<WebhookCreateDto>(example: WebhookCreateDto.Example)
            .Answers<WebhookCreatedDto>(StatusCodes.Status201Created);
        webhooks.MapGet("", ListAsync).WithName("ListWebhooks")
            .WithSummary("List webhook subscriptions")
            .WithDescription("Every subscription in the order it was created (no secrets).")
            .Paged(DefaultListLimit, MaxListLimit)
            .Answers<ListPage<WebhookDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        webhooks.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook")
            .WithSummary("Delete a webhook subscription")
            .WithDescription("Stops sending events to its URL at once; its queued deliveries and its delivery log are deleted with it.")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{id}/deliveries", ListDeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("List a subscription's deliveries")
            .WithDescription("Each event sent (or to be sent) to the subscription's URL, newest first: its status, attempts, the URL's last answer and how long it took.")
            .Query<WebhookDeliveryStatus>("status", "Only deliveries in this state.")
            .Paged(DefaultListLimit, MaxListLimit)
            .Answers<ListPage<WebhookDeliveryDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        webhooks.MapPost("/{id}/secret/rotate", RotateSecretAsync).WithName("RotateWebhookSecret")
            .WithSummary("Rotate a subscription's signing secret")
            .WithDescription("A new signing secret, in this answer only. Until previous_secret_expires_at every delivery is signed with both, "
                + "so the receiver can switch to the new one without missing an event.")
            .Answers<WebhookSecretRotatedDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);

        var deliveries = endpoints.MapGroup("/api/v1/webhook-deliveries").WithTags("Webhooks");
        deliveries.RequireHubAdmin("manages webhooks");
        deliveries.MapPost("/{id:long}/replay", ReplayAsync).WithName("ReplayWebhookDelivery")
            .WithSummary("Send a delivery again")
            .WithDescription("Queues the delivery again, with the same event and delivery id (the receiver dedupes on webhook-id): "
                + "a dead-lettered one once the receiver is fixed, say. 409 while it is being sent.")
            .Answers<WebhookReplayDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Results<JsonHttpResult<WebhookCreatedDto>, ProblemHttpResult>> CreateAsync(
        HttpContext http, [FromServices] WebhookService webhooks, CancellationToken cancellationToken)
    {
        var (request, unreadable) = await JsonBody.ReadAsync(http.Request, HubWebhooksJsonContext.Default.WebhookCreateDto, "url, event_types and description", cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var created = await webhooks.CreateAsync(request?.Url, request?.EventTypes, request?.Description, cancellationToken).ConfigureAwait(false);
        if (created.Subscription is not { } row)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid webhook", detail: string.Join(" ", created.Problems));
        }

        await ApiAudit.WriteAsync(http, "webhook.create", row.Id, ("url", row.Url), ("event_types", row.EventTypes)).ConfigureAwait(false);
        return TypedResults.Json(
            new WebhookCreatedDto(row.Id, row.Url, created.EventTypes, row.Description, row.CreatedAt, row.Secret),
            HubWebhooksJsonContext.Default.WebhookCreatedDto,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The subscriptions in creation order (their ids are time-ordered); <c>next</c> is the <c>after</c> of the next page.</summary>
    private static async Task<Results<JsonHttpResult<ListPage<WebhookDto>>, ProblemHttpResult>> ListAsync(
        [FromServices] WebhookService webhooks, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultListLimit, MaxListLimit, "whk_");
        if (refused is not null)
        {
            return refused;
        }

        var rows = await webhooks.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(
            paging.Answer(rows, r => r.Id, r => new WebhookDto(r.Id, r.Url, WebhookEventFilter.Split(r.EventTypes), r.Description, r.CreatedAt)),
            HubWebhooksJsonContext.Default.ListPageWebhookDto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext http, string id, [FromServices] WebhookService webhooks, CancellationToken cancellationToken)
    {
        if (!await webhooks.DeleteAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "webhook.delete", id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A new signing secret for the subscription, shown only in this answer; the previous one is still signed with until
    /// <c>previous_secret_expires_at</c> (<c>Larkway:Webhooks:SecretRotationWindow</c> from now).
    /// </summary>
    private static async Task<Results<JsonHttpResult<WebhookSecretRotatedDto>, ProblemHttpResult>> RotateSecretAsync(
        HttpContext http, string id, [FromServices] WebhookService webhooks, CancellationToken cancellationToken)
    {
        if (await webhooks.RotateSecretAsync(id, cancellationToken).ConfigureAwait(false) is not { } rotated)
        {
            return NotFound(id);
        }

        await ApiAudit.WriteAsync(http, "webhook.secret.rotate", id).ConfigureAwait(false);
        return TypedResults.Json(
            new WebhookSecretRotatedDto(id, rotated.Secret, rotated.PreviousSecretExpiresAt),
            HubWebhooksJsonContext.Default.WebhookSecretRotatedDto);
    }

    /// <summary>A subscription's deliveries, newest first; <c>next</c> is the <c>after</c> of the next page.</summary>
    private static async Task<Results<JsonHttpResult<ListPage<WebhookDeliveryDto>>, ProblemHttpResult>> ListDeliveriesAsync(
        string id, [FromQuery] string? status, [FromQuery] string? limit, [FromQuery] string? after, [FromServices] WebhookService webhooks, CancellationToken cancellationToken)
    {
        WorkState? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!WebhookWire.TryParseStatus(status, out var parsed))
            {
                return BadParameter("status", $"must be one of: {WireName<WebhookDeliveryStatus>.Choices}.");
            }

            filter = parsed;
        }

        var (paging, refused) = ListPaging.Read(limit, after, DefaultListLimit, MaxListLimit, ListCursor.Number);
        if (refused is not null)
        {
            return refused;
        }

        var from = paging.After is { } cursor ? long.Parse(cursor, CultureInfo.InvariantCulture) : (long?)null;
        return await webhooks.ListDeliveriesAsync(id, filter, from, paging.Limit + 1, cancellationToken).ConfigureAwait(false) is { } rows
            ? TypedResults.Json(paging.Answer(rows, d => d.Id.ToString(CultureInfo.InvariantCulture), WebhookWire.ToDto), HubWebhooksJsonContext.Default.ListPageWebhookDeliveryDto)
            : NotFound(id);
    }

    private static async Task<Results<JsonHttpResult<WebhookReplayDto>, ProblemHttpResult>> ReplayAsync(
        HttpContext http, long id, [FromServices] WebhookService webhooks, CancellationToken cancellationToken)
    {
        var result = await webhooks.ReplayAsync(id, cancellationToken).ConfigureAwait(false);
        if (result == ReplayResult.Replayed)
        {
            await ApiAudit.WriteAsync(http, "webhook_delivery.replay", id.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }

        return result switch
        {
            ReplayResult.Replayed => TypedResults.Json(
                new WebhookReplayDto(id, WebhookDeliveryStatus.Pending),
                HubWebhooksJsonContext.Default.WebhookReplayDto,
                statusCode: StatusCodes.Status202Accepted),
            ReplayResult.InProgress => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Delivery in progress",
                detail: $"Delivery {id} is being sent right now; replay it once it is delivered, retrying or dead-lettered."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: $"No webhook delivery has id {id}."),
        };
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Webhook not found", detail: $"No webhook has id '{id}'.");

    private static ProblemHttpResult BadParameter(string name, string rule) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid query parameter '{name}'",
            detail: $"Query parameter '{name}' {rule}",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["parameter"] = name });
}

/// <summary>Creates a webhook subscription.</summary>
public sealed record WebhookCreateDto(
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.Description("Where the events are POSTed: an absolute http or https URL without credentials or fragment, at most 2048 characters.")] string? Url,
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.Description("1 to 50 event types: exact names (im.message.receive_v1, card.action.trigger), families (im.message.*), or * for all.")] string?[]? EventTypes,
    [property: System.ComponentModel.Description("What the subscription is for, at most 500 characters.")] string? Description)
{
    /// <summary>The body the OpenAPI document shows as the example: an ERP's approvals and card buttons, as docs/hub-webhooks.md subscribes it.</summary>
    public static System.Text.Json.Nodes.JsonObject Example => new()
    {
        ["url"] = "https://erp.example.com/hooks/larkway",
        ["event_types"] = new System.Text.Json.Nodes.JsonArray("im.message.receive_v1", "approval.*", "card.action.trigger"),
        ["description"] = "ERP: approvals and card buttons",
    };
}

/// <summary>A new subscription, with its signing secret (shown only here).</summary>
public sealed record WebhookCreatedDto(string Id, string Url, string[] EventTypes, string Description, DateTimeOffset CreatedAt, string Secret);

/// <summary>A rotated subscription's new signing secret (shown only here), and until when the previous one is still signed with (null: no longer).</summary>
public sealed record WebhookSecretRotatedDto(string Id, string Secret, DateTimeOffset? PreviousSecretExpiresAt);

/// <summary>A subscription as listed (no secret).</summary>
public sealed record WebhookDto(string Id, string Url, string[] EventTypes, string Description, DateTimeOffset CreatedAt);

/// <summary>One delivery in the log.</summary>
public sealed record WebhookDeliveryDto(
    long Id,
    string WebhookId,
    long? InboxEventId,
    string? EventId,
    string EventType,
    WebhookDeliveryStatus Status,
    int Attempts,
    int? StatusCode,
    string? LastError,
    int? ResponseTimeMs,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt);

/// <summary>The answer to a replay.</summary>
public sealed record WebhookReplayDto(long Id, WebhookDeliveryStatus Status);

/// <summary>Source-generated JSON for the webhooks API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookCreateDto))]
[JsonSerializable(typeof(WebhookCreatedDto))]
[JsonSerializable(typeof(ListPage<WebhookDto>))]
[JsonSerializable(typeof(ListPage<WebhookDeliveryDto>))]
[JsonSerializable(typeof(WebhookReplayDto))]
[JsonSerializable(typeof(WebhookSecretRotatedDto))]
internal sealed partial class HubWebhooksJsonContext : JsonSerializerContext;

/// <summary>A webhook delivery's status as the API shows it: the queue's states, with a done delivery "delivered".</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<WebhookDeliveryStatus>))]
public enum WebhookDeliveryStatus
{
    Pending,
    InProgress,
    Delivered,
    Retrying,
    DeadLetter,
}

/// <summary>Between the queue's states and the webhooks API's statuses.</summary>
internal static class WebhookWire
{
    public static WebhookDeliveryStatus Status(WorkState state) => state switch
    {
        WorkState.Pending => WebhookDeliveryStatus.Pending,
        WorkState.InProgress => WebhookDeliveryStatus.InProgress,
        WorkState.Done => WebhookDeliveryStatus.Delivered,
        WorkState.Retrying => WebhookDeliveryStatus.Retrying,
        WorkState.DeadLetter => WebhookDeliveryStatus.DeadLetter,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParseStatus(string value, out WorkState state) => WireName<WebhookDeliveryStatus>.TryParseAs(value, Status, out state);

    public static WebhookDeliveryDto ToDto(WebhookDeliveryRow d) => new(
        d.Id,
        d.SubscriptionId,
        d.InboxEventId,
        d.EventId,
        d.EventType,
        Status(d.State),
        d.Attempts,
        d.StatusCode,
        d.LastError,
        d.ResponseTimeMs,
        d.CreatedAt,
        d.State is WorkState.Pending or WorkState.Retrying ? d.NextAttemptAt : null,
        d.DeliveredAt);
}
