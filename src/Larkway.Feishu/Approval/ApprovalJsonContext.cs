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
[JsonSerializable(typeof(CcBody))]
[JsonSerializable(typeof(ExternalDefinitionWire))]
[JsonSerializable(typeof(FeishuEnvelope<ExternalDefinitionWire>), TypeInfoPropertyName = "ExternalDefinitionEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<ExternalDefinitionCreatedData>), TypeInfoPropertyName = "ExternalDefinitionCreatedEnvelope")]
[JsonSerializable(typeof(ExternalInstanceBody))]
[JsonSerializable(typeof(ExternalCheckBody))]
[JsonSerializable(typeof(FeishuEnvelope<ExternalCheckData>), TypeInfoPropertyName = "ExternalCheckEnvelope")]
[JsonSerializable(typeof(ExternalTaskListBody))]
[JsonSerializable(typeof(FeishuEnvelope<ExternalTaskPageData>), TypeInfoPropertyName = "ExternalTaskPageEnvelope")]
[JsonSerializable(typeof(CommentContentWire))]
[JsonSerializable(typeof(CreateCommentBody))]
[JsonSerializable(typeof(FeishuEnvelope<CommentIdData>), TypeInfoPropertyName = "CommentIdEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<CommentPageData>), TypeInfoPropertyName = "CommentPageEnvelope")]
[JsonSerializable(typeof(PreviewBody))]
[JsonSerializable(typeof(FeishuEnvelope<PreviewData>), TypeInfoPropertyName = "PreviewEnvelope")]
[JsonSerializable(typeof(AddSignBody))]
[JsonSerializable(typeof(RollbackBody))]
[JsonSerializable(typeof(TransferBody))]
[JsonSerializable(typeof(ResubmitBody))]
[JsonSerializable(typeof(SearchBody))]
[JsonSerializable(typeof(FeishuEnvelope<SearchPageData>), TypeInfoPropertyName = "SearchPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<UserTaskPageData>), TypeInfoPropertyName = "UserTaskPageEnvelope")]
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
