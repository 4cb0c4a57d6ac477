using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Docs;

/// <summary>Source-generated JSON for the docs, wiki and drive wire types, snake_case like <see cref="FeishuJsonContext"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DocumentCreateBody))]
[JsonSerializable(typeof(FeishuEnvelope<DocumentData>), TypeInfoPropertyName = "DocumentEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<RawContentData>), TypeInfoPropertyName = "RawContentEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BlockPageData>), TypeInfoPropertyName = "BlockPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BlockData>), TypeInfoPropertyName = "BlockEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<DescendantData>), TypeInfoPropertyName = "DescendantEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BatchUpdateData>), TypeInfoPropertyName = "BatchUpdateEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<RevisionData>), TypeInfoPropertyName = "RevisionEnvelope")]
[JsonSerializable(typeof(DeleteChildrenBody))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(FeishuEnvelope<WikiNodeData>), TypeInfoPropertyName = "WikiNodeEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<WikiSpaceData>), TypeInfoPropertyName = "WikiSpaceEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<DocsPageData<WikiNodeWire>>), TypeInfoPropertyName = "WikiNodePageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<DocsPageData<WikiSpaceWire>>), TypeInfoPropertyName = "WikiSpacePageEnvelope")]
[JsonSerializable(typeof(MemberBody))]
[JsonSerializable(typeof(FeishuEnvelope<MemberData>), TypeInfoPropertyName = "MemberEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<MembersData>), TypeInfoPropertyName = "MembersEnvelope")]
[JsonSerializable(typeof(MemberRemoveBody))]
[JsonSerializable(typeof(FeishuEnvelope<AuthData>), TypeInfoPropertyName = "AuthEnvelope")]
[JsonSerializable(typeof(OwnerBody))]
[JsonSerializable(typeof(PublicWire))]
[JsonSerializable(typeof(FeishuEnvelope<PublicData>), TypeInfoPropertyName = "PublicEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<FilesData>), TypeInfoPropertyName = "FilesEnvelope")]
[JsonSerializable(typeof(MetasBody))]
[JsonSerializable(typeof(FeishuEnvelope<MetasData>), TypeInfoPropertyName = "MetasEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<RootFolderData>), TypeInfoPropertyName = "RootFolderEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<DocsSubscriptionData>), TypeInfoPropertyName = "SubscriptionEnvelope")]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class DocsJsonContext : JsonSerializerContext
{
    /// <summary>The context's options (snake_case, nulls left out).</summary>
    public static DocsJsonContext Wire { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
