using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Approval;

/// <summary>
/// Source-generated JSON for the approval wire types, snake_case like <see cref="FeishuJsonContext"/>; a context of
/// its own so the approval client's types stay in its folder.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeishuEnvelope<DefinitionWire>), TypeInfoPropertyName = "DefinitionEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<CreateDefinitionData>), TypeInfoPropertyName = "CreateDefinitionEnvelope")]
[JsonSerializable(typeof(CreateDefinitionBody))]
[JsonSerializable(typeof(FeishuEnvelope<CreateInstanceData>), TypeInfoPropertyName = "CreateInstanceEnvelope")]
[JsonSerializable(typeof(CreateInstanceBody))]
[JsonSerializable(typeof(FeishuEnvelope<InstanceWire>), TypeInfoPropertyName = "InstanceEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<InstanceCodePageData>), TypeInfoPropertyName = "InstanceCodePageEnvelope")]
[JsonSerializable(typeof(InstanceActionBody))]
[JsonSerializable(typeof(TaskDecisionBody))]
internal sealed partial class ApprovalJsonContext : JsonSerializerContext
{
    /// <summary>The instance the client uses: CJK text kept as is, like <see cref="FeishuJson.Context"/>.</summary>
    public static ApprovalJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
