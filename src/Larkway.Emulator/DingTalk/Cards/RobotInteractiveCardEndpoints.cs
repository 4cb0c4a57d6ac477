using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// The robot's older interactive-card API, which the Python Stream SDK's <c>ChatbotHandler.reply_card</c> /
/// <c>update_card</c> call: <c>POST /v1.0/im/v1.0/robot/interactiveCards/send</c> and
/// <c>PUT /v1.0/im/robots/interactiveCards</c>. The card's <c>cardBizId</c> names the same <see cref="CardInstance"/>
/// the newer card API keeps (DingTalk's models call it outTrackId too), so the chat pages and the control API show both
/// alike. Answers are <c>{processQueryKey}</c>.
/// </summary>
internal static class RobotInteractiveCardEndpoints
{
    private const string GroupSpace = "IM_GROUP";
    private const string RobotSpace = "IM_ROBOT";

    public static void MapDingTalkRobotInteractiveCards(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/im/v1.0/robot/interactiveCards/send", SendAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPut(DingTalkApiExtensions.Prefix + "/v1.0/im/robots/interactiveCards", UpdateAsync).AsDingTalk(DingTalkFamily.Api);
    }

    /// <summary>
    /// <c>{cardTemplateId, cardBizId, robotCode, cardData (JSON text), openConversationId | singleChatReceiver
    /// ("{\"userId\":…}"), callbackUrl?, sendOptions?, userIdPrivateDataMap?, …}</c> → <c>{processQueryKey}</c>. A
    /// cardBizId seen before is the same card sent to one more chat: its data is kept, as DingTalk documents.
    /// </summary>
    private static async Task<IResult> SendAsync(HttpContext context, DingTalkOrg org, RobotStore groups, CardStore cards, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var caller = context.DingTalkCaller().AppKey;
        var templateId = Required(body, "cardTemplateId");
        var cardBizId = Required(body, "cardBizId");
        var robotCode = Required(body, "robotCode");
        if (org.FindApp(caller)?.RobotCode != robotCode)
        {
            throw Refused($"robotCode '{robotCode}' is not this app's robot; an internal app's robotCode is its appKey.");
        }

        var data = CardData(body) ?? throw Refused("cardData is mandatory: the card's JSON as a string.");
        var delivery = Target(body, org, groups);
        var now = time.GetUtcNow();
        var (card, created) = cards.GetOrAdd(new CardInstance(cardBizId, caller, templateId, null, data, [delivery], [], [], CardInstance.Created, now, now));
        if (card.AppKey != caller)
        {
            throw UnknownCard(cardBizId);
        }

        if (!created)
        {
            _ = cards.Update(cardBizId, c => c.Deliveries.Any(d => (d.SpaceType, d.SpaceId) == (delivery.SpaceType, delivery.SpaceId))
                ? c
                : c with { Deliveries = [.. c.Deliveries, delivery], UpdatedAt = now });
        }

        return DingTalkJson.Ok(new { processQueryKey = Ids.Hex(40) });
    }

    /// <summary>
    /// <c>{cardBizId, cardData (JSON text), updateOptions{updateCardDataByKey}?, userIdPrivateDataMap?, …}</c> →
    /// <c>{processQueryKey}</c>: replaces the card's data, or merges it key by key when updateCardDataByKey is true.
    /// Private data alone is accepted and not modelled.
    /// </summary>
    private static async Task<IResult> UpdateAsync(HttpContext context, CardStore cards, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var cardBizId = Required(body, "cardBizId");
        var data = CardData(body);
        if (data is null && body.String("userIdPrivateDataMap") is null && body.String("unionIdPrivateDataMap") is null)
        {
            throw Refused("cardData (the card's JSON as a string) or a private data map is mandatory for an update.");
        }

        var byKey = body.TryGetProperty("updateOptions", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("updateCardDataByKey", out var merge) && merge.ValueKind == JsonValueKind.True;
        var caller = context.DingTalkCaller().AppKey;
        var owned = true;
        var now = time.GetUtcNow();
        var card = cards.Update(cardBizId, c =>
        {
            owned = c.AppKey == caller;
            return !owned || data is null ? c : c with { Data = byKey ? Merge(c.Data, data) : data, UpdatedAt = now };
        });
        return card is not null && owned ? DingTalkJson.Ok(new { processQueryKey = Ids.Hex(40) }) : throw UnknownCard(cardBizId);
    }

    /// <summary>One of openConversationId (a known group) or singleChatReceiver (a user of the org), not both.</summary>
    private static CardDelivery Target(JsonElement body, DingTalkOrg org, RobotStore groups)
    {
        var conversationId = body.String("openConversationId");
        var receiver = body.String("singleChatReceiver");
        if ((conversationId is null) == (receiver is null))
        {
            throw Refused("name exactly one receiver: openConversationId (a group) or singleChatReceiver (\"{\\\"userId\\\":\\\"…\\\"}\").");
        }

        if (conversationId is not null)
        {
            return groups.Conversation(conversationId) is not null
                ? new CardDelivery(GroupSpace, conversationId, true, null)
                : throw Refused($"openConversationId '{conversationId}' is not a group this robot is in.");
        }

        var userId = ReceiverUserId(receiver!);
        return org.FindUser(userId) is not null
            ? new CardDelivery(RobotSpace, userId, true, null)
            : throw Refused($"singleChatReceiver names user '{userId}', who is not a user of this org.");
    }

    /// <summary>singleChatReceiver is JSON text <c>{"userId":"…"}</c>; clients also write <c>userid</c>, so both are read.</summary>
    private static string ReceiverUserId(string receiver)
    {
        try
        {
            using var document = JsonDocument.Parse(receiver);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && (root.String("userId") ?? root.String("userid")) is { } userId)
            {
                return userId;
            }
        }
        catch (JsonException)
        {
            // Answered below like any other unusable receiver.
        }

        throw Refused("singleChatReceiver must be JSON text like {\"userId\":\"…\"}.");
    }

    /// <summary>
    /// cardData is JSON text. A StandardCard's header.title.text becomes the card's title and the text of its contents
    /// (markdown and text blocks) its content, which the chat pages draw; any other top-level field is kept as a field
    /// (strings as they are, other values as JSON text). Null when absent.
    /// </summary>
    private static Dictionary<string, string>? CardData(JsonElement body)
    {
        if (!body.TryGetProperty("cardData", out var raw) || raw.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        const string problem = "cardData must be a string holding the card's JSON object (json.dumps / JSON.stringify it).";
        if (raw.ValueKind != JsonValueKind.String)
        {
            throw Refused(problem);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw.GetString()!);
        }
        catch (JsonException)
        {
            throw Refused(problem);
        }

        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object ? Flatten(document.RootElement) : throw Refused(problem);
        }
    }

    private static Dictionary<string, string> Flatten(JsonElement card)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in card.EnumerateObject())
        {
            switch (field.Name)
            {
                case "config":
                    break;
                case "header" when field.Value.ValueKind == JsonValueKind.Object:
                    if (field.Value.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.Object && title.String("text") is { } text)
                    {
                        data["title"] = text;
                    }

                    break;
                case "contents" when field.Value.ValueKind == JsonValueKind.Array:
                    var blocks = field.Value.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object).Select(b => b.String("text")).OfType<string>().ToList();
                    if (blocks.Count > 0)
                    {
                        data["content"] = string.Join("\n\n", blocks);
                    }

                    break;
                default:
                    data[field.Name] = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
                    break;
            }
        }

        return data;
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> current, Dictionary<string, string> changes)
    {
        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            merged[name] = value;
        }

        return merged;
    }

    private static string Required(JsonElement body, string name) =>
        body.String(name) ?? throw Refused($"{name} is mandatory for this action.");

    private static DingTalkException Refused(string message) => DingTalkException.Api(400, CardCodes.RobotCardParamError, message);

    private static DingTalkException UnknownCard(string cardBizId) =>
        DingTalkException.Api(400, CardCodes.CardNotExist, $"no card of this app has cardBizId '{cardBizId}'; send it first (POST /v1.0/im/v1.0/robot/interactiveCards/send).");
}
