using System.Text.Json.Serialization;

namespace Larkway.DingTalk.Cards;

internal sealed record CardData([property: JsonPropertyName("cardParamMap")] IReadOnlyDictionary<string, string> CardParamMap);

internal sealed record OpenSpaceModel([property: JsonPropertyName("supportForward")] bool SupportForward);

internal sealed record GroupDeliverModel(
    [property: JsonPropertyName("robotCode")] string RobotCode,
    [property: JsonPropertyName("atUserIds")] IReadOnlyDictionary<string, string>? AtUserIds,
    [property: JsonPropertyName("recipients")] IReadOnlyList<string>? Recipients);

internal sealed record RobotDeliverModel([property: JsonPropertyName("spaceType")] string SpaceType, [property: JsonPropertyName("robotCode")] string RobotCode);

internal sealed record CreateAndDeliverRequest(
    [property: JsonPropertyName("cardTemplateId")] string CardTemplateId,
    [property: JsonPropertyName("outTrackId")] string OutTrackId,
    [property: JsonPropertyName("cardData")] CardData CardData,
    [property: JsonPropertyName("callbackType")] string CallbackType,
    [property: JsonPropertyName("openSpaceId")] string OpenSpaceId,
    [property: JsonPropertyName("userIdType")] int UserIdType,
    [property: JsonPropertyName("imGroupOpenSpaceModel")] OpenSpaceModel? GroupSpace,
    [property: JsonPropertyName("imRobotOpenSpaceModel")] OpenSpaceModel? RobotSpace,
    [property: JsonPropertyName("imGroupOpenDeliverModel")] GroupDeliverModel? GroupDeliver,
    [property: JsonPropertyName("imRobotOpenDeliverModel")] RobotDeliverModel? RobotDeliver);

internal sealed record DeliverResultWire(
    [property: JsonPropertyName("spaceType")] string? SpaceType,
    [property: JsonPropertyName("spaceId")] string? SpaceId,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("errorMsg")] string? ErrorMsg);

internal sealed record CreateAndDeliverResult(
    [property: JsonPropertyName("outTrackId")] string? OutTrackId,
    [property: JsonPropertyName("deliverResults")] IReadOnlyList<DeliverResultWire>? DeliverResults);

internal sealed record CreateAndDeliverAnswer([property: JsonPropertyName("success")] bool? Success, [property: JsonPropertyName("result")] CreateAndDeliverResult? Result);

internal sealed record CardUpdateOptions([property: JsonPropertyName("updateCardDataByKey")] bool UpdateCardDataByKey);

internal sealed record UpdateCardRequest(
    [property: JsonPropertyName("outTrackId")] string OutTrackId,
    [property: JsonPropertyName("cardData")] CardData CardData,
    [property: JsonPropertyName("cardUpdateOptions")] CardUpdateOptions Options);

internal sealed record StreamingRequest(
    [property: JsonPropertyName("outTrackId")] string OutTrackId,
    [property: JsonPropertyName("guid")] string Guid,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("isFull")] bool IsFull,
    [property: JsonPropertyName("isFinalize")] bool IsFinalize,
    [property: JsonPropertyName("isError")] bool IsError);

internal sealed record SuccessAnswer([property: JsonPropertyName("success")] bool? Success);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateAndDeliverRequest))]
[JsonSerializable(typeof(CreateAndDeliverAnswer))]
[JsonSerializable(typeof(UpdateCardRequest))]
[JsonSerializable(typeof(StreamingRequest))]
[JsonSerializable(typeof(SuccessAnswer))]
internal sealed partial class CardJson : JsonSerializerContext;
