namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// The card APIs' refusal codes (all HTTP 400), from the error tables of DingTalk's pages 创建卡片, 投放卡片,
/// 新增或者更新卡片的场域信息, 更新卡片 and AI卡片流式更新 (open.dingtalk.com/document/development, 2026).
/// </summary>
internal static class CardCodes
{
    public const string Empty = "param.empty";
    public const string CardTemplateIdEmpty = "param.cardTemplateIdEmpty";
    public const string OutTrackIdEmpty = "param.outTrackIdEmpty";
    public const string CardPublicDataEmpty = "param.cardPublicDataEmpty";
    public const string UserIdNotExist = "param.userIdNotExist";
    public const string Invalid = "param.invalid";
    public const string CardAlreadyExist = "param.cardAlreadyExist";
    public const string CardNotExist = "param.cardNotExist";
    public const string OpenSpaceModelInvalid = "param.openSpaceModelInvalid";
    public const string EmptyAppendSpaces = "param.emptyAppendSpaces";
    public const string OpenSpaceIdEmpty = "param.openSpaceIdEmpty";
    public const string OpenSpaceIdInvalid = "param.openSpaceIdInvalid";
    public const string OpenDeliverModelEmpty = "param.openDeliverModelEmpty";

    /// <summary>createAndDeliver's table names it so; deliver's table mixes it up with "param.spaceDeliverModelEmpty".</summary>
    public const string OpenDeliverModelError = "param.openDeliverModelError";

    public const string CardDataAndPrivateDataBothEmpty = "param.cardDataAndPrivateDataBothEmpty";

    /// <summary>Streaming into an unknown card; the documented message is "card is not exist".</summary>
    public const string StreamUnknownCard = "param.stream.outTrackId";
    public const string StreamKeyEmpty = "param.stream.keyEmpty";
    public const string StreamGuidEmpty = "param.stream.guidEmpty";

    /// <summary>
    /// Unsure: the robot interactive-card API's refusal of a missing or unusable field. Clients of that API look for
    /// "param.error" in its answers; its pages name no code per field.
    /// </summary>
    public const string RobotCardParamError = "param.error";
}
