using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The notification types API: any caller reads and previews; the admin key changes.</summary>
public static partial class HubNotificationsEndpointRouteBuilderExtensions
{
    /// <summary>The members of a type's PUT body: <see cref="NotificationTypeBody"/>'s, so the document and the check agree.</summary>
    private static JsonShape TypeShape => JsonShape.For(NotificationTypesJsonContext.Default.NotificationTypeBody);

    /// <summary>The members of a preview body: <see cref="NotificationTypePreviewBody"/>'s.</summary>
    private static JsonShape PreviewShape => JsonShape.For(NotificationTypesJsonContext.Default.NotificationTypePreviewBody);

    private static void MapNotificationTypes(RouteGroupBuilder types)
    {
        types.WithTags("Notification types");
        types.RequireHubCaller();
        types.MapGet("", ListTypesAsync).WithName("ListNotificationTypes")
            .WithSummary("List notification types")
            .WithDescription("Every notification type by name, with its card template, sample data, recipients and button actions.")
            .Paged(DefaultKeyListLimit, MaxKeyListLimit)
            .Answers<ListPage<NotificationTypeDto>>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest);
        types.MapGet("/{name}", GetTypeAsync).WithName("GetNotificationType")
            .WithSummary("Get a notification type")
            .WithDescription("The type's switch, card template, sample data, recipients and button actions.")
            .Answers<NotificationTypeDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
        types.MapPut("/{name}", PutTypeAsync).WithName("PutNotificationType")
            .WithSummary("Create or change a notification type")
            .WithDescription("201 when the type is new (template required), 200 when it changed; fields left out keep their values, so "
                + "{\"enabled\": false} switches it off. Checked by rendering the sample data into the card: every placeholder must be filled, "
                + "and the card valid, or it is a 400 naming each problem and nothing is stored.")
            .RequireHubAdmin("changes notification types")
            .ReadsJson<NotificationTypeBody>()
            .Answers<NotificationTypeDto>(StatusCodes.Status201Created, StatusCodes.Status200OK);
        types.MapDelete("/{name}", DeleteTypeAsync).WithName("DeleteNotificationType")
            .WithSummary("Delete a notification type")
            .WithDescription("Removes the type; notifications already sent with it are kept.")
            .RequireHubAdmin("deletes notification types")
            .AnswersEmpty()
            .Refuses(StatusCodes.Status404NotFound);
        types.MapPost("/{name}/preview", PreviewTypeAsync).WithName("PreviewNotificationType")
            .WithSummary("Preview a notification type's card")
            .WithDescription("Renders the type's card with the data (the type's sample data when the body is left out) and names who it would go to, "
                + "checked like a send: data a send would refuse is the same 400, with the rendered card beside errors.")
            .ReadsJson<NotificationTypePreviewBody>(required: false)
            .Answers<NotificationPreviewDto>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status404NotFound);
    }

    /// <summary>A type name as a list cursor: what <see cref="NotificationTypeDefinition.Validate"/> accepts as a name.</summary>
    private static readonly ListCursor TypeCursor = ListCursor.Name(
        c => c.Length <= NotificationLimits.MaxTypeLength && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-'), "a notification type name");

    /// <summary>The types by name; <c>next</c> is the <c>after</c> of the next page.</summary>
    private static async Task<Results<JsonHttpResult<ListPage<NotificationTypeDto>>, ProblemHttpResult>> ListTypesAsync(
        [FromServices] NotificationTypeService types, [FromQuery] string? limit, [FromQuery] string? after, CancellationToken cancellationToken)
    {
        var (paging, refused) = ListPaging.Read(limit, after, DefaultKeyListLimit, MaxKeyListLimit, TypeCursor);
        if (refused is not null)
        {
            return refused;
        }

        var rows = await types.ListPageAsync(paging.After, paging.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(paging.Answer(rows, t => t.Name, ToDto), NotificationTypesJsonContext.Default.ListPageNotificationTypeDto);
    }

    private static async Task<Results<JsonHttpResult<NotificationTypeDto>, ProblemHttpResult>> GetTypeAsync(
        string name, [FromServices] NotificationTypeService types, CancellationToken cancellationToken) =>
        await types.GetAsync(name, cancellationToken).ConfigureAwait(false) is { } type
            ? TypedResults.Json(ToDto(type), NotificationTypesJsonContext.Default.NotificationTypeDto)
            : TypeNotFound(name);

    /// <summary>Creates or changes a type; fields left out keep their current values (so <c>{"enabled": false}</c> is the switch).</summary>
    private static async Task<Results<JsonHttpResult<NotificationTypeDto>, ProblemHttpResult>> PutTypeAsync(
        HttpContext http, string name, [FromServices] NotificationTypeService types, CancellationToken cancellationToken)
    {
        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (!JsonBody.TryReadObject(body, "description, enabled, template, sample_data, recipients and actions", out var root, out var invalid))
        {
            return Invalid([new("body", invalid)]);
        }

        // Template, sample data, recipients and actions are free-form here; the type's own checks read them.
        var unknown = new List<NotificationProblem>();
        NotificationRequest.AddUnknown(TypeShape, root, unknown);
        if (unknown.Count > 0)
        {
            return Invalid(unknown);
        }

        // Checked strictly above (no duplicate keys, valid text), so the mutable copy cannot fail.
        var changes = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = JsonBody.MaxDepth })!.AsObject();
        var put = await types.PutAsync(name, changes, cancellationToken).ConfigureAwait(false);
        if (put is not { Type: { } type })
        {
            return Invalid(put.Problems);
        }

        var created = put.Outcome == NotificationTypePutOutcome.Created;
        await ApiAudit.WriteAsync(http, created ? "notification_type.create" : "notification_type.update", name, ("enabled", type.Enabled ? "true" : "false")).ConfigureAwait(false);
        return TypedResults.Json(ToDto(type), NotificationTypesJsonContext.Default.NotificationTypeDto,
            statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTypeAsync(
        HttpContext http, string name, [FromServices] NotificationTypeService types, CancellationToken cancellationToken)
    {
        if (!await types.DeleteAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return TypeNotFound(name);
        }

        await ApiAudit.WriteAsync(http, "notification_type.delete", name).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>Renders the type's card with the posted data (or its sample data): what recipients would see, checked.</summary>
    private static async Task<Results<JsonHttpResult<NotificationPreviewDto>, ProblemHttpResult>> PreviewTypeAsync(
        HttpContext http, string name, [FromServices] NotificationTypeService types, CancellationToken cancellationToken)
    {
        if (await types.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } type)
        {
            return TypeNotFound(name);
        }

        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var data = type.SampleData;
        if (body!.Length > 0)
        {
            if (!JsonBody.TryReadObject(body, "'data' (an object), or nothing for the sample data", out var posted, out var invalid))
            {
                return Invalid([new("body", invalid)]);
            }

            var unknown = new List<NotificationProblem>();
            NotificationRequest.AddUnknown(PreviewShape, posted, unknown);
            if (unknown.Count > 0)
            {
                return Invalid(unknown);
            }

            if (posted.TryGetProperty("data", out var given))
            {
                if (given.ValueKind != JsonValueKind.Object)
                {
                    return Invalid([new("data", "Must be a JSON object: the values for the type's template (leave 'data' out to preview with the type's sample data).")]);
                }

                data = given.GetRawText();
            }
        }

        // The same checks as a submit: a preview that shows problems would be refused as a notification.
        var preview = NotificationTypeService.Preview(type, data, types.RecipientTypes);
        if (preview.Problems.Count > 0)
        {
            return Invalid(preview.Problems, preview.Card is { } shown ? new() { ["card"] = shown } : null);
        }

        return TypedResults.Json(
            new NotificationPreviewDto(JsonSerializer.SerializeToElement(preview.Card), [.. preview.Recipients.Select(r => new NotificationPreviewRecipientDto(r.Type, r.Value))], []),
            NotificationTypesJsonContext.Default.NotificationPreviewDto);
    }

    private static NotificationTypeDto ToDto(NotificationTypeRow type) => new(
        type.Name,
        type.Description,
        type.Enabled,
        JsonDocument.Parse(type.Template).RootElement.Clone(),
        JsonDocument.Parse(type.SampleData).RootElement.Clone(),
        JsonDocument.Parse(type.Recipients).RootElement.Clone(),
        JsonDocument.Parse(type.Actions).RootElement.Clone(),
        type.UpdatedAt);

    private static ProblemHttpResult TypeNotFound(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification type not found", detail: $"No notification type is named '{name}'.");
}

/// <summary>A notification type as the API shows it.</summary>
public sealed record NotificationTypeDto(
    string Name,
    string Description,
    bool Enabled,
    [property: JsonKind(JsonValueKind.Object), System.ComponentModel.Description("The card template: Feishu card JSON whose strings may hold Handlebars placeholders ({{po.number}}).")] JsonElement Template,
    [property: JsonKind(JsonValueKind.Object), System.ComponentModel.Description("The data the template is checked and previewed with.")] JsonElement SampleData,
    [property: JsonKind(JsonValueKind.Array), System.ComponentModel.Description("The recipient objects every notification of the type goes to, placeholders allowed.")] JsonElement Recipients,
    [property: JsonKind(JsonValueKind.Object), System.ComponentModel.Description("What a click on each of the card's buttons does, keyed by the button value's action.")] JsonElement Actions,
    DateTimeOffset UpdatedAt);

/// <summary>A rendered card, who it would go to, and what is wrong with it (empty when nothing).</summary>
public sealed record NotificationPreviewDto(
    [property: JsonKind(JsonValueKind.Object), System.ComponentModel.Description("The card as rendered from the data: what the recipients would see.")] JsonElement Card,
    NotificationPreviewRecipientDto[] Recipients,
    string[] Errors);

/// <summary>One recipient of a preview.</summary>
public sealed record NotificationPreviewRecipientDto(string Type, string Value);

/// <summary>Source-generated JSON for the notification types API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NotificationTypeDto))]
[JsonSerializable(typeof(NotificationTypeDto[]))]
[JsonSerializable(typeof(ListPage<NotificationTypeDto>))]
[JsonSerializable(typeof(NotificationPreviewDto))]
[JsonSerializable(typeof(NotificationTypeBody))]
[JsonSerializable(typeof(NotificationTypePreviewBody))]
internal sealed partial class NotificationTypesJsonContext : JsonSerializerContext;
