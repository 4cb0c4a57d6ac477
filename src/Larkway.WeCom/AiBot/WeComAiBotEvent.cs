using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// An event of the AI bot (<c>aibot_event_callback</c>'s body, or a decrypted URL callback with <c>msgtype</c> <c>event</c>).
/// Fields of an event type this client does not model stay readable in <see cref="WeComAiBotEventData.Raw"/>.
/// </summary>
public sealed record WeComAiBotEvent
{
    /// <summary>The callback's id: the key to drop a repeat.</summary>
    [JsonPropertyName("msgid")]
    public string MsgId { get; init; } = "";

    /// <summary>When it happened (Unix seconds).</summary>
    public long? CreateTime { get; init; }

    /// <summary>The bot's id.</summary>
    [JsonPropertyName("aibotid")]
    public string AiBotId { get; init; } = "";

    /// <summary>The group chat's id; null in a single chat.</summary>
    [JsonPropertyName("chatid")]
    public string? ChatId { get; init; }

    /// <summary><c>single</c> or <c>group</c>, when given.</summary>
    [JsonPropertyName("chattype")]
    public string? ChatType { get; init; }

    /// <summary>Who caused it.</summary>
    public WeComAiBotSender? From { get; init; }

    /// <summary>A URL for one later reply, when given.</summary>
    public string? ResponseUrl { get; init; }

    /// <summary>Always <c>event</c>.</summary>
    [JsonPropertyName("msgtype")]
    public string MsgType { get; init; } = "event";

    /// <summary>What happened.</summary>
    public WeComAiBotEventData? Event { get; init; }

    /// <summary>The event's type (<see cref="WeComAiBotEventTypes"/>), or empty.</summary>
    [JsonIgnore]
    public string EventType => Event?.EventType ?? "";

    /// <summary>Reads an event body; a clear error when it is not one.</summary>
    /// <exception cref="WeComApiException">The JSON is not an AI bot event (code <c>Larkway.MalformedResponse</c>).</exception>
    public static WeComAiBotEvent Parse(JsonElement body) => AiBotJson.Read(body, AiBotJson.Default.WeComAiBotEvent, "an AI bot event");

    /// <summary>Reads an event body from its JSON text.</summary>
    /// <exception cref="WeComApiException">The JSON is not an AI bot event.</exception>
    public static WeComAiBotEvent Parse(string json) => AiBotJson.Read(json, AiBotJson.Default.WeComAiBotEvent, "an AI bot event");
}

/// <summary>The <c>event</c> object: its type and the type's details.</summary>
public sealed record WeComAiBotEventData
{
    /// <summary>The event's type (<see cref="WeComAiBotEventTypes"/>).</summary>
    [JsonPropertyName("eventtype")]
    public string EventType { get; init; } = "";

    /// <summary>A template card click: WeCom's documentation nests it under <c>template_card_event</c>.</summary>
    public WeComAiBotCardAction? TemplateCardEvent { get; init; }

    /// <summary>A card click's button key when it comes flat on the event (as some frames carry it).</summary>
    public string? EventKey { get; init; }

    /// <summary>A card click's task id when it comes flat on the event.</summary>
    public string? TaskId { get; init; }

    /// <summary>A feedback event's details.</summary>
    public WeComAiBotFeedback? FeedbackEvent { get; init; }

    /// <summary>Everything else the event carried.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Raw { get; set; }

    /// <summary>The clicked button's key, wherever the frame put it.</summary>
    [JsonIgnore]
    public string? CardEventKey => TemplateCardEvent?.EventKey ?? EventKey;

    /// <summary>The clicked card's task id, wherever the frame put it: an update must carry the same one.</summary>
    [JsonIgnore]
    public string? CardTaskId => TemplateCardEvent?.TaskId ?? TaskId;
}

/// <summary>A click or submit on a template card.</summary>
public sealed record WeComAiBotCardAction
{
    /// <summary>The card's type (<c>button_interaction</c>, <c>vote_interaction</c>, <c>multiple_interaction</c>…).</summary>
    public string? CardType { get; init; }

    /// <summary>The clicked button's key.</summary>
    public string? EventKey { get; init; }

    /// <summary>The card's task id.</summary>
    public string? TaskId { get; init; }

    /// <summary>Choices made on a vote or multiple-choice card, as WeCom sent them.</summary>
    public JsonElement? SelectedItems { get; init; }
}

/// <summary>A user's feedback on a reply that carried a feedback id.</summary>
public sealed record WeComAiBotFeedback
{
    /// <summary>The feedback id the reply carried.</summary>
    public string? Id { get; init; }

    /// <summary>The kind of feedback (1 accurate, 2 inaccurate, 3 cancelled, as WeCom numbers them).</summary>
    public int? Type { get; init; }

    /// <summary>The user's words, when any.</summary>
    public string? Content { get; init; }

    /// <summary>The reasons ticked for an inaccurate answer, as WeCom sent them.</summary>
    public JsonElement? InaccurateReasonList { get; init; }
}
