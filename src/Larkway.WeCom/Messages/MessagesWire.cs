using System.Text.Json.Serialization;

namespace Larkway.WeCom.Messages;

/// <summary><c>POST /cgi-bin/message/send</c>'s body: the envelope and one payload field, named by msgtype.</summary>
internal sealed class SendRequest
{
    [JsonPropertyName("touser")] public string? ToUser { get; set; }

    [JsonPropertyName("toparty")] public string? ToParty { get; set; }

    [JsonPropertyName("totag")] public string? ToTag { get; set; }

    [JsonPropertyName("msgtype")] public string MsgType { get; set; } = "";

    [JsonPropertyName("agentid")] public long AgentId { get; set; }

    [JsonPropertyName("text")] public ContentPayload? Text { get; set; }

    [JsonPropertyName("markdown")] public ContentPayload? Markdown { get; set; }

    [JsonPropertyName("image")] public MediaPayload? Image { get; set; }

    [JsonPropertyName("voice")] public MediaPayload? Voice { get; set; }

    [JsonPropertyName("file")] public MediaPayload? File { get; set; }

    [JsonPropertyName("video")] public VideoPayload? Video { get; set; }

    [JsonPropertyName("textcard")] public TextCardPayload? TextCard { get; set; }

    [JsonPropertyName("news")] public ArticlesPayload<WeComArticle>? News { get; set; }

    [JsonPropertyName("mpnews")] public ArticlesPayload<WeComMpNewsArticle>? MpNews { get; set; }

    [JsonPropertyName("template_card")] public WeComTemplateCard? TemplateCard { get; set; }

    [JsonPropertyName("safe")] public int? Safe { get; set; }

    [JsonPropertyName("enable_id_trans")] public int? EnableIdTrans { get; set; }

    [JsonPropertyName("enable_duplicate_check")] public int? EnableDuplicateCheck { get; set; }

    [JsonPropertyName("duplicate_check_interval")] public int? DuplicateCheckInterval { get; set; }
}

internal sealed record ContentPayload([property: JsonPropertyName("content")] string Content);

internal sealed record MediaPayload([property: JsonPropertyName("media_id")] string MediaId);

internal sealed record VideoPayload(
    [property: JsonPropertyName("media_id")] string MediaId,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("description")] string? Description);

internal sealed record TextCardPayload(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("btntxt")] string? ButtonText);

internal sealed record ArticlesPayload<T>([property: JsonPropertyName("articles")] IReadOnlyList<T> Articles);

/// <summary><c>message/send</c>'s answer.</summary>
internal sealed record SendAnswer(
    [property: JsonPropertyName("invaliduser")] string? InvalidUser,
    [property: JsonPropertyName("invalidparty")] string? InvalidParty,
    [property: JsonPropertyName("invalidtag")] string? InvalidTag,
    [property: JsonPropertyName("unlicenseduser")] string? UnlicensedUser,
    [property: JsonPropertyName("msgid")] string? MsgId,
    [property: JsonPropertyName("response_code")] string? ResponseCode);

/// <summary><c>POST /cgi-bin/message/recall</c>'s body.</summary>
internal sealed record RecallRequest([property: JsonPropertyName("msgid")] string MsgId);

/// <summary><c>POST /cgi-bin/message/update_template_card</c>'s body.</summary>
internal sealed class UpdateCardRequest
{
    [JsonPropertyName("userids")] public IReadOnlyList<string>? UserIds { get; set; }

    [JsonPropertyName("partyids")] public IReadOnlyList<long>? PartyIds { get; set; }

    [JsonPropertyName("tagids")] public IReadOnlyList<long>? TagIds { get; set; }

    [JsonPropertyName("atall")] public int? AtAll { get; set; }

    [JsonPropertyName("agentid")] public long AgentId { get; set; }

    [JsonPropertyName("response_code")] public string ResponseCode { get; set; } = "";

    [JsonPropertyName("enable_id_trans")] public int? EnableIdTrans { get; set; }

    [JsonPropertyName("button")] public ReplaceButton? Button { get; set; }

    [JsonPropertyName("template_card")] public WeComTemplateCard? TemplateCard { get; set; }
}

internal sealed record ReplaceButton([property: JsonPropertyName("replace_name")] string ReplaceName);

/// <summary><c>update_template_card</c>'s answer.</summary>
internal sealed record UpdateCardAnswer([property: JsonPropertyName("invaliduser")] IReadOnlyList<string>? InvalidUser);
