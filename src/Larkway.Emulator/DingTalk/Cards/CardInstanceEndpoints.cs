using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.Robots;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// Cards in two steps, as DingTalk's official SDKs send them: <c>POST /v1.0/card/instances</c> (create),
/// <c>PUT /v1.0/card/instances/spaces</c> (appendSpace) and <c>POST /v1.0/card/instances/deliver</c>. They share the
/// <see cref="CardStore"/> with createAndDeliver, so update, streaming, the chat pages and clicks treat both alike.
/// </summary>
internal static class CardInstanceEndpoints
{
    public static void MapDingTalkCardInstances(this IEndpointRouteBuilder routes)
    {
        const string instances = DingTalkApiExtensions.Prefix + "/v1.0/card/instances";
        routes.MapPost(instances, CreateAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPut(instances + "/spaces", AppendSpaceAsync).AsDingTalk(DingTalkFamily.Api);
        routes.MapPost(instances + "/deliver", DeliverAsync).AsDingTalk(DingTalkFamily.Api);
    }

    /// <summary>
    /// <c>{cardTemplateId, outTrackId, cardData{cardParamMap}, callbackType?, callbackRouteKey?, privateData?, userId?,
    /// im*OpenSpaceModel?…}</c> → <c>{success, result: outTrackId}</c>. The card reaches nobody until it is delivered.
    /// </summary>
    private static async Task<IResult> CreateAsync(HttpContext context, DingTalkOrg org, CardStore cards, TimeProvider time)
    {
        var body = await ReadAsync(context.Request);
        var templateId = CardEndpoints.Required(body, "cardTemplateId", CardCodes.CardTemplateIdEmpty);
        var outTrackId = CardEndpoints.Required(body, "outTrackId", CardCodes.OutTrackIdEmpty);
        if (!body.TryGetProperty("cardData", out var cardData) || cardData.ValueKind != JsonValueKind.Object)
        {
            throw DingTalkException.Api(400, CardCodes.CardPublicDataEmpty, "cardData (the card's public data, {\"cardParamMap\":{…}}) is mandatory.");
        }

        var data = CardEndpoints.CardParamMap(body, CardCodes.Invalid) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var callbackType = CallbackType(body);
        if (body.String("userId") is { } creator && org.FindUser(creator) is null)
        {
            throw DingTalkException.Api(400, CardCodes.UserIdNotExist, $"userId '{creator}' is not a user of this org.");
        }

        var spaces = CardSpaces.Read(body);
        var now = time.GetUtcNow();
        var card = new CardInstance(outTrackId, context.DingTalkCaller().AppKey, templateId, callbackType, data, [], [], [], CardInstance.Created, now, now, spaces);
        return cards.GetOrAdd(card).Created
            ? DingTalkJson.Ok(new { success = true, result = outTrackId })
            : throw DingTalkException.Api(400, CardCodes.CardAlreadyExist, $"a card with outTrackId '{outTrackId}' already exists; a new card needs a new outTrackId.");
    }

    /// <summary><c>{outTrackId, im*OpenSpaceModel…}</c>: the card may now also be delivered to those space types.</summary>
    private static async Task<IResult> AppendSpaceAsync(HttpContext context, CardStore cards, TimeProvider time)
    {
        var body = await ReadAsync(context.Request);
        var outTrackId = CardEndpoints.Required(body, "outTrackId", CardCodes.OutTrackIdEmpty);
        var spaces = CardSpaces.Read(body);
        if (spaces.Count == 0)
        {
            throw DingTalkException.Api(400, CardCodes.EmptyAppendSpaces, "name at least one space model (imGroupOpenSpaceModel, imRobotOpenSpaceModel, topOpenSpaceModel, …).");
        }

        var caller = context.DingTalkCaller().AppKey;
        var now = time.GetUtcNow();
        _ = Owned(cards, outTrackId, caller, card => card with { OpenSpaces = card.OpenSpaces is null ? null : [.. card.OpenSpaces.Union(spaces)], UpdatedAt = now });
        return DingTalkJson.Ok(new { success = true, result = true });
    }

    /// <summary>
    /// <c>{outTrackId, openSpaceId, imGroupOpenDeliverModel?, imRobotOpenDeliverModel?, userIdType?}</c> →
    /// <c>{success, result:[{spaceType, spaceId, success, errorMsg}]}</c>. Each space is delivered or refused on its own;
    /// a space already reached is answered again and not doubled.
    /// </summary>
    private static async Task<IResult> DeliverAsync(HttpContext context, DingTalkOrg org, RobotStore groups, CardStore cards, TimeProvider time)
    {
        var body = await ReadAsync(context.Request);
        var outTrackId = CardEndpoints.Required(body, "outTrackId", CardCodes.OutTrackIdEmpty);
        var spaces = CardEndpoints.Spaces(CardEndpoints.Required(body, "openSpaceId", CardCodes.OpenSpaceIdEmpty));
        foreach (var type in spaces.Select(s => s.Type).Distinct())
        {
            CheckDeliverModel(body, type);
        }

        var caller = context.DingTalkCaller().AppKey;
        var robotCode = org.FindApp(caller)?.RobotCode;
        var known = cards.Find(outTrackId) is { } found && found.AppKey == caller ? found : throw CardEndpoints.UnknownCard(outTrackId);
        var results = spaces.Select(s => Supports(known, s.Type)
            ? CardEndpoints.Deliver(s.Type, s.Id, body, robotCode, org, groups)
            : new CardDelivery(s.Type, s.Id, false, $"the card was created without {s.Type}'s open space model; add it with PUT /v1.0/card/instances/spaces first")).ToList();
        var now = time.GetUtcNow();
        _ = Owned(cards, outTrackId, caller, card =>
        {
            var reached = card.Deliveries.Where(d => d.Success).Select(d => (d.SpaceType, d.SpaceId)).ToHashSet();
            var fresh = results.Where(r => r.Success && reached.Add((r.SpaceType, r.SpaceId))).ToList();
            return fresh.Count == 0 ? card : card with { Deliveries = [.. card.Deliveries, .. fresh], UpdatedAt = now };
        });

        return DingTalkJson.Ok(new
        {
            success = true,
            result = results.Select(r => new { spaceType = r.SpaceType, spaceId = r.SpaceId, success = r.Success, errorMsg = r.ErrorMsg }),
        });
    }

    /// <summary>IM_GROUP needs imGroupOpenDeliverModel{robotCode}; IM_ROBOT a non-empty imRobotOpenDeliverModel ({"spaceType":"IM_ROBOT"}).</summary>
    private static void CheckDeliverModel(JsonElement body, string spaceType)
    {
        var name = spaceType switch
        {
            "IM_GROUP" => "imGroupOpenDeliverModel",
            "IM_ROBOT" => "imRobotOpenDeliverModel",
            _ => null,
        };
        if (name is null)
        {
            return;
        }

        if (!body.TryGetProperty(name, out var model) || model.ValueKind == JsonValueKind.Null
            || (model.ValueKind == JsonValueKind.Object && !model.EnumerateObject().Any()))
        {
            throw DingTalkException.Api(400, CardCodes.OpenDeliverModelEmpty, $"{name} is mandatory to deliver to {spaceType}.");
        }

        if (model.ValueKind != JsonValueKind.Object || (spaceType == "IM_GROUP" && model.String("robotCode") is null))
        {
            throw DingTalkException.Api(400, CardCodes.OpenDeliverModelError, spaceType == "IM_GROUP"
                ? "imGroupOpenDeliverModel must be an object with robotCode (the app's robotCode)."
                : $"{name} must be an object.");
        }
    }

    /// <summary>A card from createAndDeliver (no open spaces recorded) goes anywhere; a created one only to its spaces.</summary>
    private static bool Supports(CardInstance card, string spaceType) => card.OpenSpaces is null || card.OpenSpaces.Contains(spaceType);

    /// <summary>Changes the calling app's card; another app's card is as unknown as a missing one.</summary>
    private static CardInstance Owned(CardStore cards, string outTrackId, string appKey, Func<CardInstance, CardInstance> change)
    {
        var owned = true;
        var card = cards.Update(outTrackId, card =>
        {
            owned = card.AppKey == appKey;
            return owned ? change(card) : card;
        });
        return card is not null && owned ? card : throw CardEndpoints.UnknownCard(outTrackId);
    }

    /// <summary>callbackType is STREAM or HTTP (upper case, as documented); anything else is 400 param.invalid.</summary>
    private static string? CallbackType(JsonElement body) => body.String("callbackType") switch
    {
        null => null,
        var type when type is "STREAM" or "HTTP" => type,
        var other => throw DingTalkException.Api(400, CardCodes.Invalid, $"callbackType '{other}' must be STREAM or HTTP (upper case)."),
    };

    /// <summary>An empty body (or none) is 400 param.empty; a body that is not a JSON object 400 param.invalid.</summary>
    private static async Task<JsonElement> ReadAsync(HttpRequest request) =>
        await DingTalkBody.ReadObjectAsync(request, problem => DingTalkException.Api(400, CardCodes.Invalid, problem)) is { } body
            && body.EnumerateObject().Any()
            ? body
            : throw DingTalkException.Api(400, CardCodes.Empty, "the body is empty; send the request's JSON object.");
}
