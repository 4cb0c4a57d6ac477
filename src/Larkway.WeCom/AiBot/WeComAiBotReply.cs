using System.Text;
using System.Text.Json.Nodes;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// The body of a reply, a welcome, a card update or a proactive message, checked against WeCom's limits when it is made
/// (so a reply WeCom would refuse is never sent). Template cards are given as JSON (<c>template_card</c>'s object as
/// WeCom documents it).
/// </summary>
public sealed class WeComAiBotReply
{
    /// <summary>The most a stream reply's content or a markdown message holds: 20,480 bytes of UTF-8.</summary>
    public const int MaxContentBytes = 20480;

    /// <summary>The most a feedback id holds: 256 bytes of UTF-8.</summary>
    public const int MaxFeedbackIdBytes = 256;

    private WeComAiBotReply(string msgType, JsonObject body)
    {
        MsgType = msgType;
        Body = body;
    }

    /// <summary>The reply's <c>msgtype</c> (or <c>update_template_card</c> for a card update).</summary>
    public string MsgType { get; }

    /// <summary>The body as it goes on the wire.</summary>
    internal JsonObject Body { get; }

    /// <summary>A copy of a template card reply's card, to send again as an update (<see cref="UpdateTemplateCard"/>); null for any other reply.</summary>
    public JsonObject? TemplateCardJson => MsgType == "template_card" && Body["template_card"] is JsonObject card ? (JsonObject)card.DeepClone() : null;

    /// <summary>
    /// One frame of a stream reply: the whole text so far (markdown; <c>&lt;think&gt;…&lt;/think&gt;</c> shows as reasoning).
    /// The first frame of a stream sets its id; later frames with the same id replace the text; <paramref name="finish"/>
    /// ends it. Prefer <see cref="WeComAiBotStream"/>, which keeps the text and paces the frames.
    /// </summary>
    /// <exception cref="WeComApiException">The content is over 20,480 bytes, the id is empty, or the feedback id is over 256 bytes (code <c>Larkway.InvalidRequest</c>).</exception>
    public static WeComAiBotReply Stream(string streamId, string content, bool finish, string? feedbackId = null)
    {
        if (string.IsNullOrEmpty(streamId))
        {
            throw Invalid("A stream reply needs its stream id (the same on every frame of one stream).");
        }

        CheckContent(content, "A stream reply's content");
        var stream = new JsonObject { ["id"] = streamId, ["finish"] = finish, ["content"] = content };
        if (feedbackId is not null)
        {
            CheckFeedbackId(feedbackId);
            stream["feedback"] = new JsonObject { ["id"] = feedbackId };
        }

        return new WeComAiBotReply("stream", new JsonObject { ["msgtype"] = "stream", ["stream"] = stream });
    }

    /// <summary>A markdown message (proactive sends and <c>response_url</c>): at most 20,480 bytes.</summary>
    /// <exception cref="WeComApiException">The content is empty or over 20,480 bytes.</exception>
    public static WeComAiBotReply Markdown(string content)
    {
        CheckContent(content, "A markdown message");
        if (content.Length == 0)
        {
            throw Invalid("A markdown message needs content.");
        }

        return new WeComAiBotReply("markdown", new JsonObject { ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = content } });
    }

    /// <summary>A text welcome (the answer to <c>enter_chat</c>).</summary>
    /// <exception cref="WeComApiException">The content is empty or over 20,480 bytes.</exception>
    public static WeComAiBotReply Text(string content)
    {
        CheckContent(content, "A text reply");
        if (content.Length == 0)
        {
            throw Invalid("A text reply needs content.");
        }

        return new WeComAiBotReply("text", new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = content } });
    }

    /// <summary>A template card (<c>{card_type, main_title, button_list, task_id…}</c> as WeCom documents it).</summary>
    /// <exception cref="WeComApiException">The card has no <c>card_type</c>.</exception>
    public static WeComAiBotReply TemplateCard(JsonObject card) =>
        new("template_card", new JsonObject { ["msgtype"] = "template_card", ["template_card"] = CheckCard(card) });

    /// <summary>A media message by a <c>media_id</c> from <see cref="WeComAiBotClient.UploadMediaAsync"/> (file, image, voice or video).</summary>
    /// <exception cref="WeComApiException">The type is not one of the four, or the media id is empty.</exception>
    public static WeComAiBotReply Media(string mediaType, string mediaId)
    {
        WeComAiBotMediaTypes.ThrowIfUnknown(mediaType);
        if (string.IsNullOrEmpty(mediaId))
        {
            throw Invalid("A media message needs the media_id an upload returned.");
        }

        return new WeComAiBotReply(mediaType, new JsonObject { ["msgtype"] = mediaType, [mediaType] = new JsonObject { ["media_id"] = mediaId } });
    }

    /// <summary>The new card of a <c>template_card_event</c>: its <c>task_id</c> must be the clicked card's. No userids: it changes for everyone.</summary>
    /// <exception cref="WeComApiException">The card has no <c>card_type</c> or no <c>task_id</c>.</exception>
    public static WeComAiBotReply UpdateTemplateCard(JsonObject card, IReadOnlyList<string>? userIds = null)
    {
        CheckCard(card);
        if (card["task_id"] is null)
        {
            throw Invalid("An updated template card needs the task_id of the card that was clicked (WeComAiBotEventData.CardTaskId).");
        }

        var body = new JsonObject { ["response_type"] = "update_template_card", ["template_card"] = card };
        if (userIds is { Count: > 0 })
        {
            body["userids"] = new JsonArray([.. userIds.Select(u => (JsonNode?)JsonValue.Create(u))]);
        }

        return new WeComAiBotReply("update_template_card", body);
    }

    /// <summary>Any other body, as JSON with its <c>msgtype</c> (an escape hatch for shapes added by WeCom after this client).</summary>
    /// <exception cref="WeComApiException">The body has no <c>msgtype</c>.</exception>
    public static WeComAiBotReply Raw(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var msgType = body["msgtype"]?.GetValue<string>() ?? body["response_type"]?.GetValue<string>();
        return msgType is { Length: > 0 } ? new WeComAiBotReply(msgType, body) : throw Invalid("A reply body needs its msgtype.");
    }

    /// <summary>The body with <c>chatid</c> first, for a proactive send.</summary>
    internal JsonObject WithChatId(string chatId)
    {
        var copy = new JsonObject { ["chatid"] = chatId };
        foreach (var (name, value) in Body)
        {
            copy[name] = value?.DeepClone();
        }

        return copy;
    }

    internal static void CheckContent(string content, string what)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = Encoding.UTF8.GetByteCount(content);
        if (bytes > MaxContentBytes)
        {
            throw Invalid($"{what} is {bytes} bytes of UTF-8; WeCom takes at most {MaxContentBytes}. Shorten it, or send the rest as another message.");
        }
    }

    private static void CheckFeedbackId(string id)
    {
        if (id.Length == 0 || Encoding.UTF8.GetByteCount(id) > MaxFeedbackIdBytes)
        {
            throw Invalid($"A feedback id must be 1 to {MaxFeedbackIdBytes} bytes of UTF-8.");
        }
    }

    private static JsonObject CheckCard(JsonObject card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card["card_type"] is null)
        {
            throw Invalid("A template card needs its card_type (text_notice, news_notice, button_interaction, vote_interaction or multiple_interaction).");
        }

        return card.Parent is null ? card : card.DeepClone().AsObject();
    }

    internal static WeComApiException Invalid(string message) => new(WeComErrorCodes.InvalidRequest, message);
}

/// <summary>The media types the AI bot sends and uploads.</summary>
public static class WeComAiBotMediaTypes
{
    /// <summary>A file.</summary>
    public const string File = "file";

    /// <summary>An image.</summary>
    public const string Image = "image";

    /// <summary>A voice message.</summary>
    public const string Voice = "voice";

    /// <summary>A video.</summary>
    public const string Video = "video";

    internal static void ThrowIfUnknown(string type)
    {
        if (type is not (File or Image or Voice or Video))
        {
            throw WeComAiBotReply.Invalid($"The media type '{type}' is not one of file, image, voice, video.");
        }
    }
}
