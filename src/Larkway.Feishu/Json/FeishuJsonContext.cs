using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Contact;
using Larkway.Feishu.Im;

namespace Larkway.Feishu.Json;

/// <summary>Source-generated (reflection-free, trimmable) JSON for every wire type, snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FeishuEnvelope<JsonElement>), TypeInfoPropertyName = "FeishuEnvelopeJsonElement")]
[JsonSerializable(typeof(FeishuErrorEnvelope))]
[JsonSerializable(typeof(Larkway.Feishu.Bot.BotInfoEnvelope))]
[JsonSerializable(typeof(FeishuEnvelope<Larkway.Feishu.Authen.JsapiTicketWire>), TypeInfoPropertyName = "JsapiTicketEnvelope")]
[JsonSerializable(typeof(Larkway.Feishu.Http.OAuthErrorWire))]
[JsonSerializable(typeof(Larkway.Feishu.Authen.OAuthTokenBody))]
[JsonSerializable(typeof(Larkway.Feishu.Authen.UserTokenWire))]
[JsonSerializable(typeof(Larkway.Feishu.Authen.LegacyTokenBody))]
[JsonSerializable(typeof(FeishuEnvelope<Larkway.Feishu.Authen.UserTokenWire>), TypeInfoPropertyName = "LegacyUserTokenEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<Larkway.Feishu.Authen.UserInfo>), TypeInfoPropertyName = "UserInfoEnvelope")]
[JsonSerializable(typeof(Larkway.Feishu.Authen.MiniProgramLoginBody))]
[JsonSerializable(typeof(FeishuEnvelope<Larkway.Feishu.Authen.MiniProgramSessionWire>), TypeInfoPropertyName = "MiniProgramSessionEnvelope")]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(AppCredentialsBody))]
[JsonSerializable(typeof(FeishuEnvelope<MessageWire>), TypeInfoPropertyName = "MessageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<MessageItemsData>), TypeInfoPropertyName = "MessageItemsEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<PageData<MessageWire>>), TypeInfoPropertyName = "MessagePageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<PageData<ReadUserWire>>), TypeInfoPropertyName = "ReadUserPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<PageData<ChatWire>>), TypeInfoPropertyName = "ChatPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<PageData<ChatMemberWire>>), TypeInfoPropertyName = "ChatMemberPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<ChatWire>), TypeInfoPropertyName = "ChatEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<AddMembersData>), TypeInfoPropertyName = "AddMembersEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<RemoveMembersData>), TypeInfoPropertyName = "RemoveMembersEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<IsInChatData>), TypeInfoPropertyName = "IsInChatEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<ImageKeyData>), TypeInfoPropertyName = "ImageKeyEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<FileKeyData>), TypeInfoPropertyName = "FileKeyEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<BatchGetIdData>), TypeInfoPropertyName = "BatchGetIdEnvelope")]
[JsonSerializable(typeof(BatchGetIdBody))]
[JsonSerializable(typeof(FeishuEnvelope<PageData<ContactUser>>), TypeInfoPropertyName = "ContactUserPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<PageData<ContactDepartment>>), TypeInfoPropertyName = "ContactDepartmentPageEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<ContactUserData>), TypeInfoPropertyName = "ContactUserEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<ContactDepartmentData>), TypeInfoPropertyName = "ContactDepartmentEnvelope")]
[JsonSerializable(typeof(FeishuEnvelope<ContactScopeData>), TypeInfoPropertyName = "ContactScopeEnvelope")]
[JsonSerializable(typeof(SendMessageBody))]
[JsonSerializable(typeof(ReplyMessageBody))]
[JsonSerializable(typeof(EditMessageBody))]
[JsonSerializable(typeof(UpdateCardBody))]
[JsonSerializable(typeof(MembersBody))]
[JsonSerializable(typeof(CreateChatRequest))]
[JsonSerializable(typeof(UpdateChatRequest))]
internal sealed partial class FeishuJsonContext : JsonSerializerContext;

/// <summary>The context instance the client uses.</summary>
internal static class FeishuJson
{
    /// <summary>
    /// Same options as the generated defaults, plus an encoder that keeps CJK text as is
    /// (the default escapes it to \uXXXX, tripling the size of Chinese messages on the wire).
    /// Immutable once built.
    /// </summary>
    public static FeishuJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
