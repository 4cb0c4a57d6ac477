using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// Interactive cards on the new API: <c>POST /v1.0/card/instances/createAndDeliver</c>, <c>PUT /v1.0/card/instances</c>
/// (update data) and <c>PUT /v1.0/card/streaming</c> (AI card streaming); the two-step create and deliver are in
/// <see cref="CardInstanceEndpoints"/>. Answers are <c>{"success":true,…}</c>. Card templates are not modelled: any
/// cardTemplateId is accepted.
/// </summary>
internal static class CardEndpoints
{
    /// <summary>Unsure: the code for streaming into a key that was finalized (or ended with isError).</summary>
    public const string StreamingFinished = "invalidParameter.streaming.finished";

    private const string SpacePrefix = "dtv1.card//";

    public static void MapDingTalkCards(this IEndpointRouteBuilder routes)
    {
        const string card = DingTalkApiExtensions.Prefix + "/v1.0/card";
        routes.MapPost(card + "/instances/createAndDeliver", CreateAndDeliverAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPut(card + "/instances", UpdateAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPut(card + "/streaming", StreamAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapDingTalkCardInstances();
        routes.MapDingTalkRobotInteractiveCards();
    }

    /// <summary>
    /// Creates the card and delivers it to each space of <c>openSpaceId</c> ("dtv1.card//IM_GROUP.cid…;IM_ROBOT.alice").
    /// An outTrackId seen before is the same card: its data is kept, and only spaces it did not reach yet are added.
    /// </summary>
    private static async Task<IResult> CreateAndDeliverAsync(HttpContext context, DingTalkOrg org, RobotStore groups, CardStore cards, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var caller = context.DingTalkCaller();
        var templateId = body.RequiredApiString("cardTemplateId");
        var outTrackId = body.RequiredApiString("outTrackId");
        var data = CardParamMap(body, DingTalkCodes.InvalidParameter) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var spaces = Spaces(body.RequiredApiString("openSpaceId"));
        var robotCode = org.FindApp(caller.AppKey)?.RobotCode;
        var now = time.GetUtcNow();

        var results = spaces.Select(space => Deliver(space.Type, space.Id, body, robotCode, org, groups)).ToList();
        var (card, created) = cards.GetOrAdd(new CardInstance(outTrackId, caller.AppKey, templateId, body.String("callbackType"), data, results, [], [], CardInstance.Created, now, now));
        if (!created)
        {
            var reached = card.Deliveries.Where(d => d.Success).Select(d => (d.SpaceType, d.SpaceId)).ToHashSet();
            var fresh = results.Where(r => !reached.Contains((r.SpaceType, r.SpaceId))).ToList();
            if (fresh.Count > 0)
            {
                cards.Update(outTrackId, c => c with { Deliveries = [.. c.Deliveries, .. fresh], UpdatedAt = now });
            }
        }

        return DingTalkJson.Ok(new
        {
            success = true,
            result = new
            {
                outTrackId,
                deliverResults = results.Select(r => new { spaceType = r.SpaceType, spaceId = r.SpaceId, success = r.Success, errorMsg = r.ErrorMsg }),
            },
        });
    }

    /// <summary>
    /// <c>{outTrackId, cardData{cardParamMap}, privateData?, cardUpdateOptions{updateCardDataByKey}}</c>: merge by key
    /// when updateCardDataByKey is true, else replace the whole map. privateData alone is accepted and not modelled.
    /// </summary>
    private static async Task<IResult> UpdateAsync(HttpContext context, CardStore cards, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var outTrackId = Required(body, "outTrackId", CardCodes.OutTrackIdEmpty);
        var data = CardParamMap(body, CardCodes.Invalid);
        if (data is null && !body.TryGetProperty("privateData", out _))
        {
            throw DingTalkException.Api(400, CardCodes.CardDataAndPrivateDataBothEmpty, "cardData.cardParamMap or privateData is mandatory for this action.");
        }

        var byKey = body.TryGetProperty("cardUpdateOptions", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("updateCardDataByKey", out var merge) && merge.ValueKind == JsonValueKind.True;
        var now = time.GetUtcNow();
        _ = cards.Update(outTrackId, card => data is null ? card : card with { Data = byKey ? Merge(card.Data, data) : data, UpdatedAt = now })
            ?? throw UnknownCard(outTrackId);
        return DingTalkJson.Ok(new { success = true, result = true });
    }

    /// <summary>
    /// <c>{outTrackId, guid, key, content, isFull, isFinalize, isError}</c>: isFull replaces the key's value, otherwise
    /// content is appended; isFinalize (or isError) ends the key's stream. A guid the card has seen is ignored.
    /// </summary>
    private static async Task<IResult> StreamAsync(HttpContext context, CardStore cards, CardStreamingLimiter limiter, TimeProvider time)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        if (!limiter.TryAcquire(context.DingTalkCaller().AppKey))
        {
            throw DingTalkException.Api(403, DingTalkCodes.QpsLimit, "为了防止滥用您的应用资源，您的API调用量超过了限制 (card streaming)");
        }

        var outTrackId = Required(body, "outTrackId", CardCodes.StreamUnknownCard);
        var guid = Required(body, "guid", CardCodes.StreamGuidEmpty);
        var key = Required(body, "key", CardCodes.StreamKeyEmpty);
        var content = body.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : string.Empty;
        var update = new CardStreamUpdate(guid, key, content, Flag(body, "isFull"), Flag(body, "isFinalize"), Flag(body, "isError"), Duplicate: false, time.GetUtcNow());

        DingTalkException? refusal = null;
        var card = cards.Update(outTrackId, card =>
        {
            if (card.Stream.Any(s => s.Guid == guid))
            {
                return card with { Stream = [.. card.Stream, update with { Duplicate = true }] };
            }

            if (card.FinalizedKeys.Contains(key))
            {
                refusal = DingTalkException.Api(400, StreamingFinished, $"the stream of '{key}' was finalized; later streaming is refused");
                return card;
            }

            return Apply(card, update);
        }) ?? throw DingTalkException.Api(400, CardCodes.StreamUnknownCard, $"card is not exist: no card has outTrackId '{outTrackId}'");
        return refusal is null ? DingTalkJson.Ok(new { success = true, result = true }) : throw refusal;
    }

    private static CardInstance Apply(CardInstance card, CardStreamUpdate update)
    {
        var data = new Dictionary<string, string>(card.Data, StringComparer.Ordinal);
        data[update.Key] = update.IsFull ? update.Content : data.GetValueOrDefault(update.Key, string.Empty) + update.Content;
        var ended = update.IsFinalize || update.IsError;
        return card with
        {
            Data = data,
            Stream = [.. card.Stream, update],
            FinalizedKeys = ended ? [.. card.FinalizedKeys, update.Key] : card.FinalizedKeys,
            Status = update.IsError ? CardInstance.Failed : update.IsFinalize ? CardInstance.Finished : CardInstance.Streaming,
            UpdatedAt = update.At,
        };
    }

    /// <summary>400 param.cardNotExist, as update, deliver and appendSpace answer an outTrackId no card has.</summary>
    public static DingTalkException UnknownCard(string outTrackId) =>
        DingTalkException.Api(400, CardCodes.CardNotExist, $"no card has outTrackId '{outTrackId}'; create it first (POST /v1.0/card/instances).");

    /// <summary>A required string field; absent or empty → 400 with the card API's own code for it.</summary>
    public static string Required(JsonElement body, string name, string code) =>
        body.String(name) ?? throw DingTalkException.Api(400, code, $"{name} is mandatory for this action.");

    /// <summary>IM_GROUP needs imGroupOpenDeliverModel.robotCode (the app's) and a known group; IM_ROBOT a known user.</summary>
    public static CardDelivery Deliver(string type, string id, JsonElement body, string? robotCode, DingTalkOrg org, RobotStore groups)
    {
        switch (type)
        {
            case "IM_GROUP":
                var model = body.TryGetProperty("imGroupOpenDeliverModel", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
                if (model.ValueKind != JsonValueKind.Object || model.String("robotCode") is not { } code)
                {
                    return new CardDelivery(type, id, false, "imGroupOpenDeliverModel.robotCode is required for IM_GROUP");
                }

                return code != robotCode ? new CardDelivery(type, id, false, "robotCode does not belong to this app")
                    : groups.Conversation(id) is null ? new CardDelivery(type, id, false, "openConversationId not found")
                    : new CardDelivery(type, id, true, null);
            case "IM_ROBOT":
                return org.FindUser(id) is null
                    ? new CardDelivery(type, id, false, "user not found")
                    : new CardDelivery(type, id, true, null);
            default:
                return new CardDelivery(type, id, false, $"unsupported space type {type}");
        }
    }

    /// <summary>
    /// "dtv1.card//IM_GROUP.cid1;im_robot.alice" → [(IM_GROUP, cid1), (IM_ROBOT, alice)]; DingTalk's own examples write the
    /// space type in lower case, so it is read case-insensitively. Malformed → 400 param.openSpaceIdInvalid.
    /// </summary>
    public static List<(string Type, string Id)> Spaces(string openSpaceId)
    {
        if (!openSpaceId.StartsWith(SpacePrefix, StringComparison.Ordinal))
        {
            throw BadSpace($"openSpaceId must look like {SpacePrefix}IM_GROUP.<openConversationId> or {SpacePrefix}IM_ROBOT.<userId>.");
        }

        var spaces = new List<(string, string)>();
        foreach (var part in openSpaceId[SpacePrefix.Length..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dot = part.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || dot == part.Length - 1)
            {
                throw BadSpace($"openSpaceId part '{part}' must be <spaceType>.<spaceId>.");
            }

            spaces.Add((part[..dot].ToUpperInvariant(), part[(dot + 1)..]));
        }

        return spaces.Count > 0 ? spaces : throw BadSpace("openSpaceId names no space.");
    }

    private static DingTalkException BadSpace(string message) => DingTalkException.Api(400, CardCodes.OpenSpaceIdInvalid, message);

    /// <summary>cardData.cardParamMap as strings (DingTalk's map is string → string); null when absent; else 400 <paramref name="invalidCode"/>.</summary>
    public static Dictionary<string, string>? CardParamMap(JsonElement body, string invalidCode)
    {
        if (!body.TryGetProperty("cardData", out var cardData) || cardData.ValueKind != JsonValueKind.Object
            || !cardData.TryGetProperty("cardParamMap", out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (map.ValueKind != JsonValueKind.Object || map.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw DingTalkException.Api(400, invalidCode, "cardData.cardParamMap must be an object of string values (serialize anything else to JSON text).");
        }

        return map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
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

    private static bool Flag(JsonElement body, string name) => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>How the control API shows a card.</summary>
    public static object View(CardInstance card) => new
    {
        outTrackId = card.OutTrackId,
        cardTemplateId = card.CardTemplateId,
        callbackType = card.CallbackType,
        status = card.Status,
        cardParamMap = card.Data,
        openSpaces = card.OpenSpaces,
        deliveries = card.Deliveries.Select(d => new { spaceType = d.SpaceType, spaceId = d.SpaceId, success = d.Success, errorMsg = d.ErrorMsg }),
        finalizedKeys = card.FinalizedKeys,
        stream = card.Stream.Select(s => new { guid = s.Guid, key = s.Key, content = s.Content, isFull = s.IsFull, isFinalize = s.IsFinalize, isError = s.IsError, duplicate = s.Duplicate, at = s.At.ToUnixTimeMilliseconds() }),
        createAt = card.CreatedAt.ToUnixTimeMilliseconds(),
        updateAt = card.UpdatedAt.ToUnixTimeMilliseconds(),
    };
}
