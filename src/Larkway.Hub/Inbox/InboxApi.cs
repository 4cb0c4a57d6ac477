using System.Text.Json.Serialization;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Hub's admin REST API.</summary>
public static class HubInboxEndpointRouteBuilderExtensions
{
    /// <summary>Default number of events listed.</summary>
    public const int DefaultListLimit = 100;

    /// <summary>Most events listed at once.</summary>
    public const int MaxListLimit = 1000;

    /// <summary>
    /// Maps <c>/api/v1</c>, every endpoint behind <c>Authorization: Bearer &lt;admin key&gt;</c>:
    /// <c>GET /api/v1/events?type=&amp;status=&amp;limit=&amp;after=</c> and <c>POST /api/v1/events/{id}/replay</c>.
    /// Needs <c>AddHubAuth</c> and <c>AddHubInbox</c>. Returns the group, for more endpoints or metadata.
    /// </summary>
    public static RouteGroupBuilder MapHubInboxApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api/v1");
        // An API key is known and refused (403), like on every other admin route.
        api.RequireHubAdmin("lists and replays inbox events");
        api.MapGet("/events", ListEventsAsync).WithName("ListInboxEvents").WithTags("Events")
            .WithSummary("List received platform events")
            .WithDescription("The events the Hub received from Feishu, DingTalk and WeCom (messages, card button clicks, approvals…), newest first, "
                + "with how handling them went; total counts every event that matches the filters.")
            .Query<string>("type", "Only events of this type (im.message.receive_v1, dingtalk.robot_message…).")
            .Query<InboxEventStatus>("status", "Only events in this state.")
            .Paged(DefaultListLimit, MaxListLimit)
            .Query<string>("before", "The earlier name of after, still read.")
            .Answers<AdminEventListDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        api.MapPost("/events/{id:long}/replay", ReplayEventAsync).WithName("ReplayInboxEvent").WithTags("Events")
            .WithSummary("Handle an event again")
            .WithDescription("Puts the event back to pending with its attempts reset, to be handled again (a dead-lettered one once its cause "
                + "is fixed, say). Webhook subscribers are not sent it a second time. 409 while it is being handled.")
            .Answers<AdminReplayDto>(StatusCodes.Status202Accepted)
            .Refuses(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<JsonHttpResult<AdminEventListDto>, ProblemHttpResult>> ListEventsAsync(
        HttpContext http,
        [FromServices] InboxEventService events,
        [FromQuery] string? type,
        [FromQuery] string? status,
        [FromQuery] string? limit,
        CancellationToken cancellationToken)
    {
        WorkState? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!HubAdminWire.TryParseStatus(status, out var parsed))
            {
                return BadParameter("status", $"must be one of: {WireName<InboxEventStatus>.Choices}.");
            }

            statusFilter = parsed;
        }

        var (cursorName, cursor) = ListPaging.Cursor(http.Request.Query);
        var (paging, refused) = ListPaging.Read(limit, cursor, DefaultListLimit, MaxListLimit, ListCursor.Number with { Shape = "an event id" }, cursorName);
        if (refused is not null)
        {
            return refused;
        }

        var take = paging.Limit;
        long? beforeId = paging.After is { } id ? long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) : null;
        var page = await events.ListAsync(string.IsNullOrEmpty(type) ? null : type, statusFilter, take, beforeId, cancellationToken).ConfigureAwait(false);
        var body = new AdminEventListDto([.. page.Items.Select(HubAdminWire.ToDto)], page.NextBefore?.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Total);
        return TypedResults.Json(body, HubAdminJsonContext.Default.AdminEventListDto);
    }

    private static async Task<Results<JsonHttpResult<AdminReplayDto>, ProblemHttpResult>> ReplayEventAsync(
        HttpContext http, [FromServices] InboxEventService events, long id, CancellationToken cancellationToken)
    {
        var result = await events.ReplayAsync(id, cancellationToken).ConfigureAwait(false);
        if (result == ReplayResult.Replayed)
        {
            await ApiAudit.WriteAsync(http, "event.replay", id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }

        return result switch
        {
            ReplayResult.Replayed => TypedResults.Json(
                new AdminReplayDto(id, InboxEventStatus.Pending),
                HubAdminJsonContext.Default.AdminReplayDto,
                statusCode: StatusCodes.Status202Accepted),
            ReplayResult.InProgress => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Event in progress",
                detail: $"Event {id} is being processed right now; replay it once it is done, failed or dead-lettered."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Event not found", detail: $"No inbox event has id {id}."),
        };
    }

    private static ProblemHttpResult BadParameter(string name, string rule) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: $"Invalid query parameter '{name}'",
            detail: $"Query parameter '{name}' {rule}",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["parameter"] = name });
}

/// <summary>An inbox event as the admin API lists it (snake_case on the wire).</summary>
/// <param name="Id">Event id (use it to replay).</param>
/// <param name="EventType">The event type (Feishu's <c>im.message.receive_v1</c>, <c>dingtalk.robot_message</c>…).</param>
/// <param name="DedupKey">First dedup key.</param>
/// <param name="ReceivedAt">When stored.</param>
/// <param name="Status">pending, in_progress, done, failed or dead_letter.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="LastError">Last failure (exception type and message).</param>
/// <param name="App">App name (<c>default</c> for the configured app).</param>
/// <param name="Transport">http or long_connection (Feishu), dingtalk_stream or dingtalk_callback (DingTalk), wecom_callback or wecom_aibot (WeCom): each platform's room names its own.</param>
public sealed record AdminEventDto(
    long Id,
    string EventType,
    string? DedupKey,
    DateTimeOffset ReceivedAt,
    InboxEventStatus Status,
    int Attempts,
    string? LastError,
    string App,
    InboxTransport Transport);

/// <summary>A page of inbox events.</summary>
/// <param name="Items">The events, newest first.</param>
/// <param name="Next">Pass as <c>after</c> (or, as before, <c>before</c>) for the next (older) page; null on the last page.</param>
/// <param name="Total">How many events match the filters (on every page).</param>
public sealed record AdminEventListDto(AdminEventDto[] Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next, long Total);

/// <summary>The answer to a replay.</summary>
/// <param name="Id">Event id.</param>
/// <param name="Status">Its new status (<c>pending</c>).</param>
public sealed record AdminReplayDto(long Id, InboxEventStatus Status);

/// <summary>Source-generated JSON for the admin API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminEventListDto))]
[JsonSerializable(typeof(AdminReplayDto))]
internal sealed partial class HubAdminJsonContext : JsonSerializerContext;

/// <summary>An inbox event's status as the events API shows it: the queue's states, with a retrying event "failed".</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<InboxEventStatus>))]
public enum InboxEventStatus
{
    Pending,
    InProgress,
    Done,
    Failed,
    DeadLetter,
}

/// <summary>Between the queue's states and the events API's statuses.</summary>
internal static class HubAdminWire
{
    public static InboxEventStatus Status(WorkState state) => state switch
    {
        WorkState.Pending => InboxEventStatus.Pending,
        WorkState.InProgress => InboxEventStatus.InProgress,
        WorkState.Done => InboxEventStatus.Done,
        WorkState.Retrying => InboxEventStatus.Failed,
        WorkState.DeadLetter => InboxEventStatus.DeadLetter,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Reads a status filter (wire or member name, any case) as the queue state it means.</summary>
    public static bool TryParseStatus(string value, out WorkState state) => WireName<InboxEventStatus>.TryParseAs(value, Status, out state);

    public static AdminEventDto ToDto(InboxEventSummary e) =>
        new(e.Id, e.EventType, e.DedupKey, e.ReceivedAt, Status(e.Status), e.Attempts, e.LastError, HubAppService.NameOnWire(e.AppName), e.Transport);
}
