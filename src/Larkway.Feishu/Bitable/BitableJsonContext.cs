using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// Source-generated JSON for the bitable wire types, snake_case like <see cref="FeishuJsonContext"/>; a context of its
/// own so the bitable client's types stay in its folder. Cells are read as <see cref="JsonElement"/> and written by
/// <see cref="BitableRecordFieldsConverter"/>, each in its type's shape.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeishuEnvelope<RecordData>), TypeInfoPropertyName = "RecordEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<RecordsData>), TypeInfoPropertyName = "RecordsEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BatchGetData>), TypeInfoPropertyName = "BatchGetEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<DeletedRecordWire>), TypeInfoPropertyName = "DeletedRecordEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<DeletedRecordsData>), TypeInfoPropertyName = "DeletedRecordsEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BitablePageData<RecordWire>>), TypeInfoPropertyName = "RecordPageEnvelope")]
[JsonSerializable(typeof(RecordBody))]
[JsonSerializable(typeof(RecordsBody))]
[JsonSerializable(typeof(RecordUpdatesBody))]
[JsonSerializable(typeof(RecordIdsBody))]
[JsonSerializable(typeof(BatchGetBody))]
[JsonSerializable(typeof(SearchBody))]
[JsonSerializable(typeof(FeishuEnvelope<AppData>), TypeInfoPropertyName = "AppEnvelope")]
[JsonSerializable(typeof(AppCreateBody))]
[JsonSerializable(typeof(AppUpdateBody))]
[JsonSerializable(typeof(AppCopyBody))]
[JsonSerializable(typeof(FeishuEnvelope<BitablePageData<TableWire>>), TypeInfoPropertyName = "TablePageEnvelope")]
[JsonSerializable(typeof(TableCreateBody))]
[JsonSerializable(typeof(FeishuEnvelope<TableCreatedData>), TypeInfoPropertyName = "TableCreatedEnvelope")]
[JsonSerializable(typeof(TablesBody))]
[JsonSerializable(typeof(FeishuEnvelope<TableIdsData>), TypeInfoPropertyName = "TableIdsEnvelope")]
[JsonSerializable(typeof(TableIdsBody))]
[JsonSerializable(typeof(TableNameWire))]
[JsonSerializable(typeof(FeishuEnvelope<TableNameData>), TypeInfoPropertyName = "TableNameEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BitablePageData<BitableField>>), TypeInfoPropertyName = "FieldPageEnvelope")]
[JsonSerializable(typeof(FieldDefinitionWire))]
[JsonSerializable(typeof(FeishuEnvelope<FieldData>), TypeInfoPropertyName = "FieldEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<FieldDeletedData>), TypeInfoPropertyName = "FieldDeletedEnvelope")]
[JsonSerializable(typeof(BitableField))]
[JsonSerializable(typeof(FeishuEnvelope<BitablePageData<BitableView>>), TypeInfoPropertyName = "ViewPageEnvelope")]
[JsonSerializable(typeof(ViewCreateBody))]
[JsonSerializable(typeof(ViewPatchBody))]
[JsonSerializable(typeof(FeishuEnvelope<ViewData>), TypeInfoPropertyName = "ViewEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<SubscriptionData>), TypeInfoPropertyName = "SubscriptionEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<MediaData>), TypeInfoPropertyName = "MediaEnvelope")]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class BitableJsonContext : JsonSerializerContext
{
    /// <summary>The instance the client uses: CJK text kept as is, like <see cref="FeishuJson.Context"/>.</summary>
    public static BitableJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
