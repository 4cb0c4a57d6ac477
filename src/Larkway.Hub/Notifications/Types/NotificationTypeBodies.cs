using System.ComponentModel;
using System.Text.Json;
using Larkway.Hub.Platform.OpenApi;

namespace Larkway.Hub.Notifications.Types;

/// <summary>
/// The body of <c>PUT /api/v1/notification-types/{name}</c>: every member optional, a member left out keeping the type's
/// current value (so <c>{"enabled": false}</c> is the switch); a new type needs <c>template</c>. The members are the ones
/// the endpoint accepts (its shape is this type's), and the OpenAPI document describes the body from it.
/// </summary>
public sealed record NotificationTypeBody(
    [property: Description("What the type is for, shown in the console.")] string? Description,
    [property: Description("Whether notifications of the type are sent; a switched-off type answers a send with status disabled and sends nothing.")] bool? Enabled,
    [property: JsonKind(JsonValueKind.Object), Description("The card, as Feishu card JSON whose strings may hold Handlebars placeholders ({{po.number}}) filled from a notification's data. Required for a new type.")] JsonElement? Template,
    [property: JsonKind(JsonValueKind.Object), Description("Data the template is checked with when the type is saved, and previewed with when a preview sends none: it must fill every placeholder.")] JsonElement? SampleData,
    [property: JsonKind(JsonValueKind.Array), Description("Recipients every notification of the type goes to, besides the caller's: an array of recipient objects ({\"email\": \"{{buyer.email}}\"}), placeholders allowed.")] JsonElement? Recipients,
    [property: JsonKind(JsonValueKind.Object), Description("What a click on each of the card's buttons does, keyed by the button value's action: a toast, an after-card, a decision, an approval to open.")] JsonElement? Actions);

/// <summary>The body of <c>POST /api/v1/notification-types/{name}/preview</c>, which may also be left out (the type's sample data is used).</summary>
public sealed record NotificationTypePreviewBody(
    [property: JsonKind(JsonValueKind.Object), Description("The values for the type's template, as a notification would send them; the type's sample data when left out.")] JsonElement? Data);
