using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform.OpenApi;

namespace Larkway.Hub.Notifications;

/// <summary>
/// The body of <c>POST /api/v1/notifications</c>: the members <see cref="NotificationRequest.Parse(ReadOnlySpan{byte}, string?, List{NotificationProblem}, IReadOnlyList{string}, out NotificationRequest?)"/>
/// reads. Its shape is the parser's (<see cref="NotificationRequest.Shape"/>), so a member added here is one the API takes,
/// and the OpenAPI document describes the body from it.
/// </summary>
public sealed record NotificationCreateBody(
    [property: Required, Description("The notification type, e.g. purchase_order.created: letters, digits, '.', '_' and '-'.")] string Type,
    [property: Description("Unique to this notification (e.g. po-4711-created); the same key again answers the first notification instead of sending twice. Or send it in the Idempotency-Key header.")] string? IdempotencyKey,
    [property: Description("Who gets it: each an object naming one recipient by one kind (email, a directory person, an open_id…). Optional when the type names its own recipients.")] IReadOnlyList<NotificationRecipientBody>? Recipients,
    [property: JsonKind(JsonValueKind.Object), Description("The card, as Feishu card JSON (also rendered for DingTalk and WeCom). Leave out card and feishu_template to use the type's template with data.")] JsonElement? Card,
    [property: Description("A card template made in Feishu's card builder, instead of card.")] FeishuTemplateBody? FeishuTemplate,
    [property: JsonKind(JsonValueKind.Object), Description("The values the type's template and its recipients refer to.")] JsonElement? Data,
    [property: Description("The app that sends it (GET /api/v1/apps); leave it out for the default app.")] string? App)
{
    /// <summary>
    /// The body the OpenAPI document shows as the example: a card to Alice about a new purchase order, as
    /// docs/hub-notifications.md sends it (the sandbox has Alice, so it can be sent there as it is).
    /// </summary>
    public static JsonObject Example => new()
    {
        ["type"] = "purchase_order.created",
        ["idempotency_key"] = "po-4711-created",
        ["card"] = new JsonObject
        {
            ["header"] = new JsonObject { ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = "PO-4711 created" } },
            ["elements"] = new JsonArray(new JsonObject { ["tag"] = "div", ["text"] = new JsonObject { ["tag"] = "lark_md", ["content"] = "**Supplier:** ACME" } }),
        },
        ["recipients"] = new JsonArray(new JsonObject { ["email"] = "alice@example.com" }),
    };
}

/// <summary>The body of <c>PATCH /api/v1/notifications/{id}</c>: the new content alone (<see cref="NotificationRequest.UpdateShape"/>).</summary>
public sealed record NotificationUpdateBody(
    [property: JsonKind(JsonValueKind.Object), Description("The new card (Feishu card JSON).")] JsonElement? Card,
    [property: Description("The new card from a Feishu card template.")] FeishuTemplateBody? FeishuTemplate,
    [property: Description("New values for the type's template: an object, read when neither card nor feishu_template is sent.")] JsonElement? Data);

/// <summary>A card template made in Feishu's card builder.</summary>
public sealed record FeishuTemplateBody(
    [property: Required, Description("The template's id (AAq…).")] string TemplateId,
    [property: Description("A published version; the newest when left out.")] string? TemplateVersionName,
    [property: JsonKind(JsonValueKind.Object), Description("The template's variables by name.")] JsonElement? TemplateVariable);

/// <summary>
/// One recipient: an object with one member naming the recipient by its kind (<c>{"email": "…"}</c>,
/// <c>{"person": "per_…"}</c>, <c>{"dingtalk_userid": "…"}</c>…). The kinds are the notification channels' registered ones,
/// so the document lists them from the channels (<see cref="NotificationRecipientSchema"/>) and the parser checks them.
/// </summary>
public sealed class NotificationRecipientBody
{
    /// <summary>The recipient's one kind and value (and, for a department, <c>include_subdepartments</c>).</summary>
    /// <remarks>Settable, not init-only: System.Text.Json binds extension data only through a setter.</remarks>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Members { get; set; }
}
