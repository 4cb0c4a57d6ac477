using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.DingTalk.Cards;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.Hosting;

namespace Larkway.Emulator.DingTalk.Chat;

/// <summary>
/// A button on a card as the page shows it. Card templates are not modelled, so buttons come from the card's own data:
/// the <c>buttons</c> key holding a JSON array of <c>{text, actionId, params?}</c> (a callback) or <c>{text, url}</c> (a link).
/// </summary>
internal sealed record CardButton(string Text, string? ActionId, JsonObject? Params, string? Url)
{
    public const string DataKey = "buttons";

    public static IReadOnlyList<CardButton> Of(CardInstance card)
    {
        if (!card.Data.TryGetValue(DataKey, out var raw))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(raw) is JsonArray array
                ? [.. array.OfType<JsonObject>().Select(Read).OfType<CardButton>()]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static CardButton? Read(JsonObject button)
    {
        var text = StringOf(button, "text") ?? StringOf(button, "title");
        var actionId = StringOf(button, "actionId") ?? StringOf(button, "id");
        var url = StringOf(button, "url") ?? StringOf(button, "actionURL");
        return text is null || (actionId is null && url is null) ? null : new CardButton(text, actionId, button["params"] as JsonObject, url);
    }

    private static string? StringOf(JsonObject obj, string name) => obj[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}

/// <summary>How a click ended, as the clicking user sees it.</summary>
internal sealed record CardClickOutcome(bool Ok, string Message);

/// <summary>
/// A click on a card's callback button: the card callback (<c>/v1.0/card/instances/callback</c>) over Stream to the card's
/// app, carrying the user, the outTrackId and the action's id and params; the answer in the ack
/// (<c>{"response":{"cardData":{"cardParamMap"}, "cardUpdateOptions":{"updateCardDataByKey"}}}</c>) updates the card.
/// </summary>
internal sealed class CardClicks(DingTalkStreamHub hub, CardStore cards, EmulatorOptions options, TimeProvider time)
{
    public async Task<CardClickOutcome> ClickAsync(CardInstance card, string userId, CardButton button, CancellationToken cancellationToken)
    {
        var data = CallbackData(hub.CorpIdOf(card.AppKey), card.OutTrackId, userId, button.ActionId!, button.Params);
        var (push, ack) = await hub.PushCallbackForAnswerAsync(card.AppKey, StreamTopics.CardCallback, data, options.DingTalkCardCallbackTimeout, cancellationToken);
        if (push.ConnectionId is null)
        {
            return new CardClickOutcome(false, "The app has no Stream connection for card callbacks: nothing happened.");
        }

        if (ack is null)
        {
            return new CardClickOutcome(false, "The app did not answer the card callback in time.");
        }

        if (ack.Code is not 200)
        {
            return new CardClickOutcome(false, $"The app answered the card callback with code {ack.Code}: {ack.Message}");
        }

        return Apply(card.OutTrackId, ack.Data)
            ? new CardClickOutcome(true, "The card was updated.")
            : new CardClickOutcome(true, "The app acknowledged the click; its answer did not change the card (an app may still update it later).");
    }

    /// <summary>The callback's data (the shape the control endpoint <c>card-callbacks</c> sends too).</summary>
    public static string CallbackData(string corpId, string outTrackId, string userId, string actionId, JsonObject? parameters)
    {
        var content = new JsonObject
        {
            ["cardPrivateData"] = new JsonObject
            {
                ["actionIds"] = new JsonArray(actionId),
                ["params"] = parameters?.DeepClone() ?? new JsonObject(),
            },
        };
        return new JsonObject
        {
            ["corpId"] = corpId,
            ["type"] = "actionCallback",
            ["outTrackId"] = outTrackId,
            ["userId"] = userId,
            ["userIdType"] = 1,
            ["content"] = content.ToJsonString(StreamHttp.Json),
            ["extension"] = "{}",
        }.ToJsonString(StreamHttp.Json);
    }

    /// <summary>Applies the answer's cardParamMap (non-string values as JSON text); false when it carries none.</summary>
    private bool Apply(string outTrackId, string? ackData)
    {
        if (ackData is null || (JsonNodeOrNull(ackData)?["response"] is not JsonObject response))
        {
            return false;
        }

        if (response["cardData"]?["cardParamMap"] is not JsonObject map)
        {
            return false;
        }

        var changes = map.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString() ?? string.Empty, StringComparer.Ordinal);
        var byKey = response["cardUpdateOptions"]?["updateCardDataByKey"] is JsonValue flag && flag.TryGetValue<bool>(out var merge) && merge;
        var now = time.GetUtcNow();
        return cards.Update(outTrackId, card =>
        {
            var data = byKey ? new Dictionary<string, string>(card.Data, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in changes)
            {
                data[key] = value;
            }

            return card with { Data = data, UpdatedAt = now };
        }) is not null;
    }

    private static JsonNode? JsonNodeOrNull(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
