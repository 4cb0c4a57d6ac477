using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Channels.Messages;
using Larkway.Feishu.Cards;

namespace Larkway.Channels.Rendering;

/// <summary>What a click on a final answer card's feedback buttons says.</summary>
public enum AnswerFeedback
{
    /// <summary>The answer helped.</summary>
    Helpful,

    /// <summary>The answer did not help.</summary>
    NotHelpful,

    /// <summary>Answer the same question again.</summary>
    Regenerate,
}

/// <summary>Options of <see cref="FeishuStreamingCard"/>.</summary>
public sealed record FeishuStreamingCardOptions
{
    /// <summary>The markdown component's <c>element_id</c>, which CardKit's content updates name (at most 20 characters).</summary>
    public string ElementId { get; init; } = FeishuStreamingCard.DefaultElementId;

    /// <summary>The card's title, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary><c>streaming_config.print_frequency_ms</c>: how fast new text types out (Feishu's default 70).</summary>
    public int PrintFrequencyMs { get; init; } = 70;

    /// <summary><c>streaming_config.print_step</c>: characters per step (Feishu's default 1).</summary>
    public int PrintStep { get; init; } = 1;

    /// <summary><c>streaming_config.print_strategy</c>: <c>fast</c> (catch up at once when new text arrives) or <c>delay</c>.</summary>
    public string PrintStrategy { get; init; } = "fast";

    /// <summary>The "helpful" button's text.</summary>
    public string HelpfulText { get; init; } = "👍 Helpful";

    /// <summary>The "not helpful" button's text.</summary>
    public string NotHelpfulText { get; init; } = "👎 Not helpful";

    /// <summary>The "regenerate" button's text.</summary>
    public string RegenerateText { get; init; } = "🔄 Regenerate";

    /// <summary>The most a card holds, in bytes (Feishu: 30 KB; lower only to test continuation).</summary>
    public int MaxCardBytes { get; init; } = CardLimits.MaxCardBytes;
}

/// <summary>A card's size against Feishu's card entity limits.</summary>
/// <param name="Bytes">Bytes of the compact card JSON.</param>
/// <param name="Elements">Components and elements (objects with a <c>tag</c>).</param>
/// <param name="MaxBytes">The byte limit it was measured against.</param>
public readonly record struct FeishuCardSize(int Bytes, int Elements, int MaxBytes)
{
    /// <summary>True when the card is within both limits (≤ 30 KB, ≤ 200 elements).</summary>
    public bool Fits => Bytes <= MaxBytes && Elements <= CardLimits.MaxV2Components;
}

/// <summary>
/// The card of a streamed answer on Feishu (JSON 2.0, for CardKit): while streaming, <c>streaming_mode</c> on, a
/// <c>streaming_config</c>, a <c>config.summary</c> so the chat list shows the summary instead of "[生成中...]", and a
/// markdown component with a stable <c>element_id</c> that content updates name; at the end, the final form with
/// streaming off and feedback buttons (helpful / not helpful / regenerate) whose callback value names the answer.
/// <see cref="SplitAnswer"/> tells where an answer that outgrows one card (30 KB / 200 elements) must continue in the next.
/// </summary>
public static class FeishuStreamingCard
{
    /// <summary>The default <c>element_id</c> of the answer's markdown component.</summary>
    public const string DefaultElementId = "answer";

    /// <summary>The <c>action</c> of the helpful / not helpful buttons' callback value.</summary>
    public const string FeedbackAction = "assistant.feedback";

    /// <summary>The <c>action</c> of the regenerate button's callback value.</summary>
    public const string RegenerateAction = "assistant.regenerate";

    /// <summary>The <c>element_id</c> limit: 20 characters.</summary>
    public const int MaxElementIdLength = 20;

    /// <summary>
    /// The card to create as a CardKit entity at the start: streaming on, <paramref name="summary"/> in the chat
    /// list, <paramref name="initialMarkdown"/> (e.g. a "thinking" line; "…" when blank) in the answer component.
    /// </summary>
    /// <exception cref="ArgumentException">The element id is not 1–20 letters, digits, '_' or '-', starting with a letter; or the summary is blank.</exception>
    public static JsonObject Streaming(string summary, string initialMarkdown, FeishuStreamingCardOptions? options = null)
    {
        options ??= new FeishuStreamingCardOptions();
        CheckElementId(options.ElementId);
        ArgumentException.ThrowIfNullOrWhiteSpace(summary);
        var config = new JsonObject
        {
            ["streaming_mode"] = true,
            ["update_multi"] = true,
            ["summary"] = new JsonObject { ["content"] = FeishuCardJson.Shorten(summary, 60) },
            ["streaming_config"] = new JsonObject
            {
                ["print_frequency_ms"] = new JsonObject { ["default"] = options.PrintFrequencyMs },
                ["print_step"] = new JsonObject { ["default"] = options.PrintStep },
                ["print_strategy"] = options.PrintStrategy,
            },
        };
        return FeishuCardJson.Checked(FeishuCardJson.Card(config, options.Title, [FeishuCardJson.Markdown(string.IsNullOrWhiteSpace(initialMarkdown) ? "…" : initialMarkdown, options.ElementId)]), options.MaxCardBytes);
    }

    /// <summary>
    /// The final card (a full update at the end): streaming off, the summary taken from the answer, the whole answer
    /// (or this card's part of it) in the same component, and, when <paramref name="withFeedback"/>, the feedback buttons.
    /// </summary>
    /// <param name="answer">The answer's text in this card (see <see cref="SplitAnswer"/> when it outgrows one).</param>
    /// <param name="answerId">What the feedback buttons' value names (the Hub's answer id); at most 256 characters.</param>
    /// <param name="withFeedback">False for a card that is continued in the next (only the last carries the buttons) or an answer that failed.</param>
    /// <param name="options">Options; the same as the streaming card's.</param>
    /// <exception cref="ArgumentException">The answer or its id is blank, or the element id is malformed.</exception>
    public static JsonObject Final(string answer, string answerId, bool withFeedback = true, FeishuStreamingCardOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(answer);
        options ??= new FeishuStreamingCardOptions();
        return FeishuCardJson.Checked(FinalCard(answer, answerId, withFeedback, options), options.MaxCardBytes);
    }

    private static JsonObject FinalCard(string answer, string answerId, bool withFeedback, FeishuStreamingCardOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(answerId);
        CheckElementId(options.ElementId);
        var summary = FeishuCardJson.Summary(null, answer);
        var config = new JsonObject
        {
            ["streaming_mode"] = false,
            ["update_multi"] = true,
            ["summary"] = new JsonObject { ["content"] = summary.Length > 0 ? summary : options.Title ?? "…" },
        };
        var elements = new List<JsonNode> { FeishuCardJson.Markdown(answer, options.ElementId) };
        if (withFeedback)
        {
            elements.Add(FeishuCardJson.ButtonRow(FeedbackButtons(answerId, options)));
        }

        return FeishuCardJson.Card(config, options.Title, elements);
    }

    /// <summary>The card's size against the 30 KB and 200-element limits.</summary>
    public static FeishuCardSize Measure(JsonObject card, int maxBytes = CardLimits.MaxCardBytes)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new FeishuCardSize(FeishuCardJson.Bytes(card), FeishuCardJson.Elements(card), maxBytes);
    }

    /// <summary>
    /// The most answer one card holds, in bytes of JSON-escaped UTF-8 (<see cref="TextMeasure.JsonRelaxedUtf8Bytes"/>):
    /// the card limit less what the final card (title, feedback buttons with this answer id) takes around the answer.
    /// </summary>
    public static int MaxAnswerBytes(string answerId, FeishuStreamingCardOptions? options = null)
    {
        options ??= new FeishuStreamingCardOptions();
        return options.MaxCardBytes - FeishuCardJson.Bytes(FinalCard("", answerId, withFeedback: true, options));
    }

    /// <summary>True when <paramref name="answer"/> fits one final card.</summary>
    public static bool FitsOneCard(string answer, string answerId, FeishuStreamingCardOptions? options = null) =>
        TextMeasurer.Measure(answer ?? throw new ArgumentNullException(nameof(answer)), TextMeasure.JsonRelaxedUtf8Bytes) <= MaxAnswerBytes(answerId, options);

    /// <summary>
    /// The answer cut into one part per card, each within <see cref="MaxAnswerBytes"/>, on the splitter's safe
    /// boundaries (a code block cut in two is closed and reopened). While streaming, send the first part's text to
    /// the first card; once it is full, finalize that card (without feedback) and stream the rest into a new card.
    /// </summary>
    public static IReadOnlyList<TextPart> SplitAnswer(string answer, string answerId, FeishuStreamingCardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return TextSplitter.Split(answer, MaxAnswerBytes(answerId, options), TextMeasure.JsonRelaxedUtf8Bytes);
    }

    /// <summary>Reads a feedback button's callback value (the card action's <c>action.value</c>); false when it is not one of these buttons.</summary>
    public static bool TryReadFeedback(JsonElement value, out AnswerFeedback feedback, out string answerId)
    {
        feedback = default;
        answerId = "";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty(ReplyButton.CallbackValueKey, out var action) || action.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("answer_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } answer)
        {
            return false;
        }

        switch (action.GetString())
        {
            case RegenerateAction:
                feedback = AnswerFeedback.Regenerate;
                break;
            case FeedbackAction when value.TryGetProperty("feedback", out var kind) && kind.ValueKind == JsonValueKind.String:
                switch (kind.GetString())
                {
                    case "helpful": feedback = AnswerFeedback.Helpful; break;
                    case "not_helpful": feedback = AnswerFeedback.NotHelpful; break;
                    default: return false;
                }

                break;
            default:
                return false;
        }

        answerId = answer;
        return true;
    }

    private static IEnumerable<JsonObject> FeedbackButtons(string answerId, FeishuStreamingCardOptions options)
    {
        yield return FeishuCardJson.Button(new ReplyButton(options.HelpfulText, FeedbackAction), options.HelpfulText, new JsonObject { ["feedback"] = "helpful", ["answer_id"] = answerId });
        yield return FeishuCardJson.Button(new ReplyButton(options.NotHelpfulText, FeedbackAction), options.NotHelpfulText, new JsonObject { ["feedback"] = "not_helpful", ["answer_id"] = answerId });
        yield return FeishuCardJson.Button(new ReplyButton(options.RegenerateText, RegenerateAction), options.RegenerateText, new JsonObject { ["answer_id"] = answerId });
    }

    private static void CheckElementId(string elementId)
    {
        if (string.IsNullOrEmpty(elementId) || elementId.Length > MaxElementIdLength || !char.IsAsciiLetter(elementId[0])
            || !elementId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"A card element_id is 1 to {MaxElementIdLength} letters, digits, '_' or '-', starting with a letter; '{elementId}' is not.", nameof(elementId));
        }
    }
}
