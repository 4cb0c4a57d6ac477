namespace Larkway.WeCom.AiBot;

/// <summary>The <c>cmd</c> values of the AI bot's long connection.</summary>
public static class WeComAiBotCommands
{
    /// <summary>Client → server, the first frame: <c>{bot_id, secret}</c>.</summary>
    public const string Subscribe = "aibot_subscribe";

    /// <summary>Client → server, every 30 s; the server answers with the same req_id.</summary>
    public const string Ping = "ping";

    /// <summary>Client → server: a reply to a message, reusing the message's req_id.</summary>
    public const string RespondMessage = "aibot_respond_msg";

    /// <summary>Client → server: the welcome reply to <c>enter_chat</c>, reusing its req_id, within 5 s.</summary>
    public const string RespondWelcome = "aibot_respond_welcome_msg";

    /// <summary>Client → server: replaces a template card after <c>template_card_event</c>, reusing its req_id, within 5 s.</summary>
    public const string RespondUpdate = "aibot_respond_update_msg";

    /// <summary>Client → server: a proactive message to a chat, with its own req_id.</summary>
    public const string SendMessage = "aibot_send_msg";

    /// <summary>Client → server: starts a chunked media upload; answers <c>{upload_id}</c>.</summary>
    public const string UploadMediaInit = "aibot_upload_media_init";

    /// <summary>Client → server: one chunk (≤ 512 KB before base64) of an upload.</summary>
    public const string UploadMediaChunk = "aibot_upload_media_chunk";

    /// <summary>Client → server: ends an upload; answers <c>{type, media_id, created_at}</c>.</summary>
    public const string UploadMediaFinish = "aibot_upload_media_finish";

    /// <summary>Server → client: a message to the bot.</summary>
    public const string MessageCallback = "aibot_msg_callback";

    /// <summary>Server → client: an event (enter_chat, template_card_event, feedback_event, disconnected_event).</summary>
    public const string EventCallback = "aibot_event_callback";
}

/// <summary>The <c>eventtype</c> values of AI bot events.</summary>
public static class WeComAiBotEventTypes
{
    /// <summary>A user opened the bot's single chat (first time that day): answer with a welcome within 5 s.</summary>
    public const string EnterChat = "enter_chat";

    /// <summary>A user clicked a template card's button or submitted it: the card can be replaced within 5 s.</summary>
    public const string TemplateCardEvent = "template_card_event";

    /// <summary>A user gave feedback on a reply that carried a feedback id.</summary>
    public const string FeedbackEvent = "feedback_event";

    /// <summary>Another connection subscribed for the same bot and took over: this one is closed by the server.</summary>
    public const string Disconnected = "disconnected_event";
}
