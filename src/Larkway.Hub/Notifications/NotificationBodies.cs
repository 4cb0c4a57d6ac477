using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

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
    [property: Description("The card, as Feishu card JSON (also rendered for DingTalk and WeCom). Leave out card and feishu_template to use the type's template with data.")] JsonElement? Card,
    [property: Description("A card template made in Feishu's card builder, instead of card.")] FeishuTemplateBody? FeishuTemplate,
    [property: Description("The values the type's template and its recipients refer to.")] JsonElement? Data,
    [property: Description("The app that sends it (GET /api/v1/apps); leave it out for the default app.")] string? App);

/// <summary>The body of <c>PATCH /api/v1/notifications/{id}</c>: the new content alone (<see cref="NotificationRequest.UpdateShape"/>).</summary>
public sealed record NotificationUpdateBody(
    [property: Description("The new card (Feishu card JSON).")] JsonElement? Card,
    [property: Description("The new card from a Feishu card template.")] FeishuTemplateBody? FeishuTemplate,
    [property: Description("New values for the type's template.")] JsonElement? Data);

/// <summary>A card template made in Feishu's card builder.</summary>
public sealed record FeishuTemplateBody(
    [property: Required, Description("The template's id (AAq…).")] string TemplateId,
    [property: Description("A published version; the newest when left out.")] string? TemplateVersionName,
    [property: Description("The template's variables by name.")] JsonElement? TemplateVariable);

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
