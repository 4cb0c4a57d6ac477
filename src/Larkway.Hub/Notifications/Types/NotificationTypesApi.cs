using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The notification types API: any caller reads and previews; the admin key changes.</summary>
public static partial class HubNotificationsEndpointRouteBuilderExtensions
{
    private static void MapNotificationTypes(RouteGroupBuilder types)
    {
        types.RequireHubCaller();
        types.MapGet("", ListTypesAsync).WithName("ListNotificationTypes");
        types.MapGet("/{name}", GetTypeAsync).WithName("GetNotificationType");
        types.MapPut("/{name}", PutTypeAsync).WithName("PutNotificationType");
        types.MapDelete("/{name}", DeleteTypeAsync).WithName("DeleteNotificationType");
        types.MapPost("/{name}/preview", PreviewTypeAsync).WithName("PreviewNotificationType");
    }

    private static async Task<IResult> ListTypesAsync([FromServices] NotificationTypeStore store, CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(list.Select(ToDto).ToArray(), NotificationTypesJsonContext.Default.NotificationTypeDtoArray);
    }

    private static async Task<IResult> GetTypeAsync(string name, [FromServices] NotificationTypeStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(name, cancellationToken).ConfigureAwait(false) is { } type
            ? TypedResults.Json(ToDto(type), NotificationTypesJsonContext.Default.NotificationTypeDto)
            : TypeNotFound(name);

    /// <summary>Creates or changes a type; fields left out keep their current values (so <c>{"enabled": false}</c> is the switch).</summary>
    private static async Task<IResult> PutTypeAsync(HttpContext http, string name, [FromServices] NotificationTypeStore store, CancellationToken cancellationToken)
    {
        if (!Caller(http).IsAdmin)
        {
            return AdminOnly("changes notification types");
        }

        var (body, unreadable) = await JsonBody.ReadAsync(http.Request, cancellationToken).ConfigureAwait(false);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (!JsonBody.TryReadObject(body, "description, enabled, template, sample_data, recipients and actions", out _, out var invalid))
        {
            return Invalid([new("body", invalid)]);
        }

        // Checked strictly above (no duplicate keys, valid text), so the mutable copy cannot fail.
        var changes = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = JsonBody.MaxDepth })!.AsObject();

        var existing = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        var problems = new List<NotificationProblem>();
        var type = new NotificationTypeRow
        {
            Name = name,
            Description = Text(changes, "description", problems) ?? existing?.Description ?? "",
            Enabled = Flag(changes, "enabled", problems) ?? existing?.Enabled ?? true,
            Template = Json(changes, "template", problems) ?? existing?.Template ?? "",
            SampleData = Json(changes, "sample_data", problems) ?? existing?.SampleData ?? "{}",
            Recipients = Json(changes, "recipients", problems) ?? existing?.Recipients ?? "[]",
            Actions = Json(changes, "actions", problems) ?? existing?.Actions ?? "{}",
        };
        if (existing is null && !changes.ContainsKey("template"))
        {
            problems.Add(new("template", "Required for a new type: the card JSON, with {{placeholders}} for the data."));
        }

        if (problems.Count == 0)
        {
            problems.AddRange(NotificationTypeDefinition.Validate(type.Name, type.Template, type.SampleData, type.Recipients));
            if (problems.Count == 0)
            {
                problems.AddRange(Larkway.Hub.Notifications.Actions.NotificationTypeAction.Validate(type.Actions, type.SampleData));
            }
        }

        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        var created = await store.PutAsync(type, cancellationToken).ConfigureAwait(false);
        await ApiAudit.WriteAsync(http, created ? "notification_type.create" : "notification_type.update", name, ("enabled", type.Enabled ? "true" : "false")).ConfigureAwait(false);
        return TypedResults.Json(ToDto(type), NotificationTypesJsonContext.Default.NotificationTypeDto,
            statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> DeleteTypeAsync(HttpContext http, string name, [FromServices] NotificationTypeStore store, CancellationToken cancellationToken)
    {
        if (!Caller(http).IsAdmin)
        {
            return AdminOnly("deletes notification types");
        }

        if (!await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return TypeNotFound(name);
        }

        await ApiAudit.WriteAsync(http, "notification_type.delete", name).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>Renders the type's card with the posted data (or its sample data): what recipients would see, checked.</summary>
    private static async Task<IResult> PreviewTypeAsync(HttpContext http, string name, [FromServices] NotificationTypeStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(name, cancellationToken).ConfigureAwait(false) is not { } type)
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

            if (posted.TryGetProperty("data", out var given) && given.ValueKind == JsonValueKind.Object)
            {
                data = given.GetRawText();
            }
        }

        using var document = JsonDocument.Parse(data);
        var problems = new List<NotificationProblem>();
        try
        {
            var card = CardTemplate.Render(JsonNode.Parse(type.Template)!, document.RootElement);
            var recipients = NotificationTypeDefinition.RenderRecipients(JsonNode.Parse(type.Recipients)!, document.RootElement, problems);
            var errors = Larkway.Feishu.Cards.CardValidator.Validate(card).Errors.Select(e => $"{e.Path}: {e.Message}").Concat(problems.Select(p => $"{p.Field}: {p.Message}")).ToArray();
            return TypedResults.Json(
                new NotificationPreviewDto(JsonSerializer.SerializeToElement(card), [.. recipients.Select(r => new NotificationPreviewRecipientDto(r.Type, r.Value))], errors),
                NotificationTypesJsonContext.Default.NotificationPreviewDto);
        }
        catch (CardTemplateException ex)
        {
            return Invalid([new("data", ex.Message)]);
        }
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

    private static IResult TypeNotFound(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification type not found", detail: $"No notification type is named '{name}'.");

    private static string? Text(JsonObject body, string field, List<NotificationProblem> problems)
    {
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length > 1000)
        {
            problems.Add(new(field, "Must be a string of at most 1,000 characters."));
            return null;
        }

        return value.GetValue<string>();
    }

    private static bool? Flag(JsonObject body, string field, List<NotificationProblem> problems)
    {
        if (!body.TryGetPropertyValue(field, out var value) || value is null)
        {
            return null;
        }

        if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            problems.Add(new(field, "Must be true or false."));
            return null;
        }

        return value.GetValue<bool>();
    }

    private static string? Json(JsonObject body, string field, List<NotificationProblem> problems) =>
        body.TryGetPropertyValue(field, out var value) && value is not null ? value.ToJsonString() : null;
}

/// <summary>A notification type as the API shows it.</summary>
public sealed record NotificationTypeDto(
    string Name, string Description, bool Enabled, JsonElement Template, JsonElement SampleData, JsonElement Recipients, JsonElement Actions, DateTimeOffset UpdatedAt);

/// <summary>A rendered card, who it would go to, and what is wrong with it (empty when nothing).</summary>
public sealed record NotificationPreviewDto(JsonElement Card, NotificationPreviewRecipientDto[] Recipients, string[] Errors);

/// <summary>One recipient of a preview.</summary>
public sealed record NotificationPreviewRecipientDto(string Type, string Value);

/// <summary>Source-generated JSON for the notification types API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NotificationTypeDto))]
[JsonSerializable(typeof(NotificationTypeDto[]))]
[JsonSerializable(typeof(NotificationPreviewDto))]
internal sealed partial class NotificationTypesJsonContext : JsonSerializerContext;
