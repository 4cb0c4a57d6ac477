using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;

namespace Larkway.Emulator.DingTalk.Cards;

/// <summary>
/// The "open space models" of create and appendSpace: each names a space type the card may be delivered to
/// (imGroupOpenSpaceModel → IM_GROUP, imRobotOpenSpaceModel → IM_ROBOT, …). Their display settings (lastMessageI18n,
/// searchSupport, notification) are accepted and not modelled.
/// </summary>
internal static class CardSpaces
{
    private static readonly (string Model, string SpaceType)[] Models =
    [
        ("imGroupOpenSpaceModel", "IM_GROUP"),
        ("imRobotOpenSpaceModel", "IM_ROBOT"),
        ("imSingleOpenSpaceModel", "IM_SINGLE"),
        ("topOpenSpaceModel", "ONE_BOX"),
        ("coFeedOpenSpaceModel", "COOPERATION_FEED"),
    ];

    /// <summary>The space types whose model the body carries; a malformed model is 400 param.openSpaceModelInvalid.</summary>
    public static List<string> Read(JsonElement body)
    {
        var types = new List<string>();
        foreach (var (name, spaceType) in Models)
        {
            if (!body.TryGetProperty(name, out var model) || model.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (Problem(name, model) is { } problem)
            {
                throw DingTalkException.Api(400, CardCodes.OpenSpaceModelInvalid, problem);
            }

            types.Add(spaceType);
        }

        return types;
    }

    /// <summary>What the documentation makes mandatory inside each model ("若使用…对象，则该字段必填").</summary>
    private static string? Problem(string name, JsonElement model) => name switch
    {
        _ when model.ValueKind != JsonValueKind.Object => $"{name} must be an object.",
        "topOpenSpaceModel" => model.String("spaceType") == "ONE_BOX" ? null : "topOpenSpaceModel.spaceType must be \"ONE_BOX\".",
        "coFeedOpenSpaceModel" => model.String("title") is null ? "coFeedOpenSpaceModel.title is mandatory." : null,
        "imSingleOpenSpaceModel" => null,
        _ => model.TryGetProperty("supportForward", out var forward) && forward.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? null
            : $"{name}.supportForward (true or false) is mandatory when {name} is given.",
    };
}
