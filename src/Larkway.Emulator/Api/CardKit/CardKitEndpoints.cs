using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.CardKit;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.CardKit;

/// <summary>
/// CardKit v1 (tenant token, scope cardkit:card:write): card entities, their settings, full and batch updates, element
/// create / update / patch / delete, streaming text, and message → card id (reference feishu-api.md §5; §(vi) of
/// platforms-and-streaming.md for the rules). Each endpoint's own tier is the common 50/s &amp; 1000/min per app.
/// </summary>
internal static class CardKitEndpoints
{
    private const int Invalid = CardKitCodes.InvalidParameter;

    public static void MapCardKitEndpoints(this IEndpointRouteBuilder routes)
    {
        var cards = routes.MapGroup("/open-apis/cardkit/v1/cards").AsOpenApi();
        cards.MapPost("", CreateAsync);
        cards.MapPost("id_convert", IdConvertAsync);
        cards.MapPatch("{card_id}/settings", SettingsAsync);
        cards.MapPut("{card_id}", FullUpdateAsync);
        cards.MapPost("{card_id}/batch_update", BatchUpdateAsync);
        cards.MapPost("{card_id}/elements", AddElementsAsync);
        cards.MapPut("{card_id}/elements/{element_id}", UpdateElementAsync);
        cards.MapPatch("{card_id}/elements/{element_id}", PatchElementAsync);
        cards.MapDelete("{card_id}/elements/{element_id}", DeleteElementAsync);
        cards.MapPut("{card_id}/elements/{element_id}/content", ContentAsync);
    }

    /// <summary><c>{type: "card_json", data: "&lt;card JSON 2.0&gt;"}</c> → <c>{card_id}</c>.</summary>
    private static async Task<IResult> CreateAsync(HttpContext context, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var card = store.Create(context.CallerApp(), body.RequiredString("type", Invalid), body.RequiredString("data", Invalid));
        return Envelope.Ok(new { card_id = card.CardId });
    }

    /// <summary><c>{message_id}</c> → <c>{card_id}</c>.</summary>
    private static async Task<IResult> IdConvertAsync(HttpContext context, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        return Envelope.Ok(new { card_id = store.IdConvert(context.CallerApp(), body.RequiredString("message_id", Invalid)) });
    }

    /// <summary><c>{settings: "{config?, card_link?}", uuid?, sequence}</c>; <c>config.streaming_mode: true</c> switches streaming on (again).</summary>
    private static async Task<IResult> SettingsAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var settings = CardJson.ParseObject(body.RequiredString("settings", Invalid), "settings");
        store.Update(context.CallerApp(), cardId, "settings", Sequence(body), Uuid(body), null, (card, _) => Settings(card, settings));
        return Envelope.Ok();
    }

    /// <summary><c>{card: {type: "card_json", data}, uuid?, sequence}</c>: the whole card replaced.</summary>
    private static async Task<IResult> FullUpdateAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        if (!body.TryGetProperty("card", out var card) || card.ValueKind != JsonValueKind.Object)
        {
            throw CardJson.Invalid("field 'card' is required: {\"type\": \"card_json\", \"data\": \"<card JSON 2.0>\"}");
        }

        if (card.RequiredString("type", Invalid) != "card_json")
        {
            throw CardJson.Invalid("card.type must be card_json");
        }

        var replacement = CardJson.ParseObject(card.RequiredString("data", Invalid), "card.data");
        store.Update(context.CallerApp(), cardId, "update", Sequence(body), Uuid(body), null, (current, _) =>
        {
            current.Clear();
            foreach (var (name, value) in replacement.ToList())
            {
                current[name] = value?.DeepClone();
            }

            return new CardChange();
        });
        return Envelope.Ok();
    }

    /// <summary>
    /// <c>{actions: "[{action, params}]", uuid?, sequence}</c>: partial_update_setting, add_elements, delete_elements,
    /// partial_update_element, update_element — all or nothing, one sequence.
    /// </summary>
    private static async Task<IResult> BatchUpdateAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var actions = CardJson.ParseArray(body.RequiredString("actions", Invalid), "actions");
        if (actions.Count == 0)
        {
            throw CardJson.Invalid("actions must hold at least one action");
        }

        store.Update(context.CallerApp(), cardId, "batch_update", Sequence(body), Uuid(body), null, (card, _) =>
        {
            var switchesOn = false;
            foreach (var node in actions)
            {
                if (node is not JsonObject action || action["action"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
                {
                    throw CardJson.Invalid("every action must be {\"action\": \"<name>\", \"params\": {…}}");
                }

                var parameters = action["params"] as JsonObject ?? throw CardJson.Invalid($"action '{name}' needs a params object");
                switch (name.GetValue<string>())
                {
                    case "partial_update_setting":
                        switchesOn |= Settings(card, ObjectParam(parameters, "settings")).SwitchesStreamingOn;
                        break;
                    case "add_elements":
                        CardJson.Insert(card, StringParam(parameters, "type") ?? "append", StringParam(parameters, "target_element_id"), ArrayParam(parameters, "elements"));
                        break;
                    case "delete_elements":
                        foreach (var id in ArrayParam(parameters, "element_ids"))
                        {
                            CardJson.Remove(card, id is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw CardJson.Invalid("element_ids must be strings"));
                        }

                        break;
                    case "partial_update_element":
                        CardJson.Patch(card, RequiredParam(parameters, "element_id"), ObjectParam(parameters, "partial_element"));
                        break;
                    case "update_element":
                        CardJson.Replace(card, RequiredParam(parameters, "element_id"), ObjectParam(parameters, "element"));
                        break;
                    default:
                        throw CardJson.Invalid($"action '{name}' is not one of partial_update_setting, add_elements, delete_elements, partial_update_element, update_element");
                }
            }

            return new CardChange(SwitchesStreamingOn: switchesOn);
        });
        return Envelope.Ok();
    }

    /// <summary><c>{type: insert_before|insert_after|append, target_element_id?, elements: "[…]", uuid?, sequence}</c>.</summary>
    private static async Task<IResult> AddElementsAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var type = body.RequiredString("type", Invalid);
        var target = body.OptionalString("target_element_id", Invalid);
        var elements = CardJson.ParseArray(body.RequiredString("elements", Invalid), "elements");
        store.Update(context.CallerApp(), cardId, "add_elements", Sequence(body), Uuid(body), target, (card, _) =>
        {
            CardJson.Insert(card, type, target, elements);
            return new CardChange();
        });
        return Envelope.Ok();
    }

    /// <summary><c>{element: "{…}", uuid?, sequence}</c>: the element replaced.</summary>
    private static async Task<IResult> UpdateElementAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, [FromRoute(Name = "element_id")] string elementId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var element = CardJson.ParseObject(body.RequiredString("element", Invalid), "element");
        store.Update(context.CallerApp(), cardId, "update_element", Sequence(body), Uuid(body), elementId, (card, _) =>
        {
            CardJson.Replace(card, elementId, element);
            return new CardChange();
        });
        return Envelope.Ok();
    }

    /// <summary><c>{partial_element: "{…}", uuid?, sequence}</c>: the given properties replaced (not the tag).</summary>
    private static async Task<IResult> PatchElementAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, [FromRoute(Name = "element_id")] string elementId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var partial = CardJson.ParseObject(body.RequiredString("partial_element", Invalid), "partial_element");
        store.Update(context.CallerApp(), cardId, "patch_element", Sequence(body), Uuid(body), elementId, (card, _) =>
        {
            CardJson.Patch(card, elementId, partial);
            return new CardChange();
        });
        return Envelope.Ok();
    }

    /// <summary><c>{uuid?, sequence}</c> as a JSON body.</summary>
    private static async Task<IResult> DeleteElementAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, [FromRoute(Name = "element_id")] string elementId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        store.Update(context.CallerApp(), cardId, "delete_element", Sequence(body), Uuid(body), elementId, (card, _) =>
        {
            CardJson.Remove(card, elementId);
            return new CardChange();
        });
        return Envelope.Ok();
    }

    /// <summary><c>{content, uuid?, sequence}</c>: the element's full text (1–100,000 characters).</summary>
    private static async Task<IResult> ContentAsync(HttpContext context, [FromRoute(Name = "card_id")] string cardId, [FromRoute(Name = "element_id")] string elementId, CardKitStore store)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var content = body.RequiredString("content", Invalid);
        if (content.Length > 100_000)
        {
            throw CardJson.Invalid($"content is {content.Length} characters; at most 100000");
        }

        store.Update(context.CallerApp(), cardId, "content", Sequence(body), Uuid(body), elementId, (card, entity) => CardKitStore.StreamText(card, entity, elementId, content));
        return Envelope.Ok();
    }

    private static CardChange Settings(JsonObject card, JsonObject settings)
    {
        CardJson.ApplySettings(card, settings);
        var switchesOn = settings["config"] is JsonObject config && config["streaming_mode"] is JsonValue mode && mode.GetValueKind() == JsonValueKind.True;
        return new CardChange(SwitchesStreamingOn: switchesOn);
    }

    private static int Sequence(JsonElement body) =>
        body.OptionalInt("sequence", Invalid) ?? throw CardJson.Invalid("field 'sequence' is required: an integer from 1 to 2147483647, strictly increasing per card");

    private static string? Uuid(JsonElement body) => body.OptionalString("uuid", Invalid);

    /// <summary>A batch action's object parameter, given as an object or as a JSON string.</summary>
    private static JsonObject ObjectParam(JsonObject parameters, string name) => parameters[name] switch
    {
        JsonObject obj => obj,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => CardJson.ParseObject(text.GetValue<string>(), name),
        _ => throw CardJson.Invalid($"params.{name} must be an object"),
    };

    private static JsonArray ArrayParam(JsonObject parameters, string name) => parameters[name] switch
    {
        JsonArray array => array,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => CardJson.ParseArray(text.GetValue<string>(), name),
        _ => throw CardJson.Invalid($"params.{name} must be an array"),
    };

    private static string? StringParam(JsonObject parameters, string name) =>
        parameters[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string RequiredParam(JsonObject parameters, string name) =>
        StringParam(parameters, name) ?? throw CardJson.Invalid($"params.{name} is required");
}
