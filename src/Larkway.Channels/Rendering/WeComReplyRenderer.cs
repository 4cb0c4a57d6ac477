using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Larkway.Channels.Messages;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Messages;

namespace Larkway.Channels.Rendering;

/// <summary>
/// Renders a <see cref="ChannelReply"/> for WeCom, in two shapes that differ on the wire: app messages
/// (<see cref="WeComAppMessage"/>, <c>/cgi-bin/message/send</c>: markdown and text at most 2,048 bytes, a
/// <c>button_interaction</c> template card in one-to-one chats) and AI bot replies (<see cref="WeComAiBotReply"/>:
/// markdown at most 20,480 bytes, template cards as JSON in single and group chats). A card's markdown body goes in
/// the card's <c>sub_title_text</c> when it is short plain text, else as markdown message(s) before a card holding the
/// title and the buttons; at most 6 buttons (<c>button_list</c>).
/// </summary>
public static partial class WeComReplyRenderer
{
    /// <summary>An app message's text and markdown limit: 2,048 bytes of UTF-8.</summary>
    public const int AppMessageMaxBytes = 2048;

    /// <summary>The AI bot's markdown limit: 20,480 bytes of UTF-8.</summary>
    public const int AiBotMarkdownMaxBytes = WeComAiBotReply.MaxContentBytes;

    /// <summary>A template card's <c>button_list</c> holds 1 to 6 buttons.</summary>
    public const int MaxCardButtons = 6;

    /// <summary>A template card's <c>main_title.title</c> holds at most 128 bytes.</summary>
    public const int MaxCardTitleBytes = 128;

    /// <summary>A template card's <c>task_id</c> holds at most 128 bytes of digits, letters and <c>_-@</c>.</summary>
    public const int MaxTaskIdBytes = 128;

    /// <summary>A button's <c>key</c> holds at most 1,024 bytes.</summary>
    public const int MaxButtonKeyBytes = 1024;

    /// <summary>The longest body kept inside a card as <c>sub_title_text</c> (WeCom advises at most 112 characters).</summary>
    public const int MaxCardSubtitleChars = 112;

    /// <summary>
    /// Renders a reply as app messages. One-to-one chats take a template card; an app's group chats (<c>appchat</c>)
    /// take no template card, so there a card goes as markdown with its link buttons as links, and its callback
    /// buttons are dropped (reported).
    /// </summary>
    /// <param name="reply">The reply.</param>
    /// <param name="conversation">Where it goes.</param>
    /// <param name="taskId">The template card's task id (unique per app); a new one when null.</param>
    /// <exception cref="ChannelRenderException">The reply is blank, a button key is over 1,024 bytes, or the task id is malformed.</exception>
    public static RenderedReply<WeComAppMessage> RenderAppMessage(ChannelReply reply, ChannelConversation conversation, string? taskId = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(conversation);
        var fallbacks = new List<RenderFallback>();
        var messages = new List<WeComAppMessage>();
        switch (reply)
        {
            case TextReply text:
                messages.AddRange(Split(RenderGuard.NotBlank(text.Text, "text reply"), AppMessageMaxBytes, "a WeCom app text message", fallbacks).Select(WeComAppMessage.Text));
                break;
            case MarkdownReply markdown:
                messages.AddRange(Split(RenderGuard.NotBlank(markdown.Markdown, "markdown reply"), AppMessageMaxBytes, "a WeCom app markdown message", fallbacks).Select(WeComAppMessage.Markdown));
                break;
            case CardReply card when conversation.Kind == ConversationKind.Direct:
                var plan = Plan(card, taskId, AppMessageMaxBytes, "a WeCom app markdown message", fallbacks);
                messages.AddRange(plan.Before.Select(WeComAppMessage.Markdown));
                if (plan.Buttons.Count == 0)
                {
                    break;
                }

                messages.Add(WeComAppMessage.TemplateCard(WeComTemplateCard.ButtonInteraction(plan.TaskId, new WeComCardTitle(plan.Title), plan.Buttons.Select(b =>
                    b.Url is { } url ? new WeComCardButton(b.Text, Type: 1, Url: url) : new WeComCardButton(b.Text, Key: b.Value ?? "")).ToArray()) with
                {
                    SubTitleText = plan.Subtitle,
                }));
                break;
            case CardReply card:
                fallbacks.Add(new RenderFallback(RenderFallbackKind.CardAsText, "a WeCom app's group chat (appchat) takes no template card"));
                messages.AddRange(Split(CardAsMarkdown(card, fallbacks), AppMessageMaxBytes, "a WeCom app markdown message", fallbacks).Select(WeComAppMessage.Markdown));
                break;
            case MediaReply media:
                var key = RenderGuard.NotBlank(media.Key, "media key");
                messages.Add(media.Kind switch
                {
                    AttachmentKind.Image => WeComAppMessage.Image(key),
                    AttachmentKind.Audio => WeComAppMessage.Voice(key),
                    AttachmentKind.Video => WeComAppMessage.Video(key, media.Name),
                    _ => WeComAppMessage.File(key),
                });
                if (!string.IsNullOrWhiteSpace(media.Caption))
                {
                    messages.AddRange(Split(media.Caption, AppMessageMaxBytes, "a WeCom app text message", fallbacks).Select(WeComAppMessage.Text));
                }

                break;
            default:
                throw new ChannelRenderException($"WeCom cannot render a {reply.GetType().Name}.");
        }

        return new RenderedReply<WeComAppMessage>(messages, fallbacks);
    }

    /// <summary>
    /// Renders a reply as AI bot replies (for <c>aibot_send_msg</c> / <c>aibot_respond_msg</c> or <c>response_url</c>):
    /// text and markdown as markdown (the AI bot sends no plain text but its welcome), a card as a
    /// <c>button_interaction</c> template card (single and group chats), media by media_id.
    /// </summary>
    /// <param name="reply">The reply.</param>
    /// <param name="conversation">Where it goes.</param>
    /// <param name="taskId">The template card's task id; a new one when null.</param>
    /// <exception cref="ChannelRenderException">The reply is blank, a button key is over 1,024 bytes, or the task id is malformed.</exception>
    public static RenderedReply<WeComAiBotReply> RenderAiBot(ChannelReply reply, ChannelConversation conversation, string? taskId = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(conversation);
        var fallbacks = new List<RenderFallback>();
        var messages = new List<WeComAiBotReply>();
        const string limit = "a WeCom AI bot markdown message";
        switch (reply)
        {
            case TextReply text:
                messages.AddRange(Split(RenderGuard.NotBlank(text.Text, "text reply"), AiBotMarkdownMaxBytes, limit, fallbacks).Select(WeComAiBotReply.Markdown));
                break;
            case MarkdownReply markdown:
                messages.AddRange(Split(RenderGuard.NotBlank(markdown.Markdown, "markdown reply"), AiBotMarkdownMaxBytes, limit, fallbacks).Select(WeComAiBotReply.Markdown));
                break;
            case CardReply card:
                var plan = Plan(card, taskId, AiBotMarkdownMaxBytes, limit, fallbacks);
                messages.AddRange(plan.Before.Select(WeComAiBotReply.Markdown));
                if (plan.Buttons.Count == 0)
                {
                    break;
                }

                var json = new JsonObject
                {
                    ["card_type"] = "button_interaction",
                    ["main_title"] = new JsonObject { ["title"] = plan.Title },
                };
                if (plan.Subtitle is not null)
                {
                    json["sub_title_text"] = plan.Subtitle;
                }

                json["task_id"] = plan.TaskId;
                json["button_list"] = new JsonArray([.. plan.Buttons.Select(b => (JsonNode)(b.Url is { } url
                    ? new JsonObject { ["text"] = b.Text, ["type"] = 1, ["url"] = url }
                    : new JsonObject { ["text"] = b.Text, ["key"] = b.Value ?? "" }))]);
                messages.Add(WeComAiBotReply.TemplateCard(json));
                break;
            case MediaReply media:
                var key = RenderGuard.NotBlank(media.Key, "media key");
                messages.Add(WeComAiBotReply.Media(media.Kind switch
                {
                    AttachmentKind.Image => WeComAiBotMediaTypes.Image,
                    AttachmentKind.Audio => WeComAiBotMediaTypes.Voice,
                    AttachmentKind.Video => WeComAiBotMediaTypes.Video,
                    _ => WeComAiBotMediaTypes.File,
                }, key));
                if (!string.IsNullOrWhiteSpace(media.Caption))
                {
                    messages.AddRange(Split(media.Caption, AiBotMarkdownMaxBytes, limit, fallbacks).Select(WeComAiBotReply.Markdown));
                }

                break;
            default:
                throw new ChannelRenderException($"WeCom cannot render a {reply.GetType().Name}.");
        }

        return new RenderedReply<WeComAiBotReply>(messages, fallbacks);
    }

    /// <summary>How a card goes: markdown before it, its title, subtitle, task id and (at most 6) buttons.</summary>
    private sealed record CardPlan(IReadOnlyList<string> Before, string Title, string? Subtitle, string TaskId, IReadOnlyList<ReplyButton> Buttons);

    private static CardPlan Plan(CardReply card, string? taskId, int markdownLimit, string limit, List<RenderFallback> fallbacks)
    {
        var body = RenderGuard.NotBlank(card.Markdown, "card's markdown");
        taskId ??= "lw_" + Guid.NewGuid().ToString("N");
        if (Encoding.UTF8.GetByteCount(taskId) > MaxTaskIdBytes || !TaskIdChars().IsMatch(taskId))
        {
            throw new ChannelRenderException($"A WeCom template card's task_id is 1 to {MaxTaskIdBytes} bytes of digits, letters, '_', '-' and '@'; '{taskId}' is not.");
        }

        var buttons = card.Buttons.Select(b => b with { Text = RenderGuard.NotBlank(b.Text, "button text") }).ToList();
        foreach (var button in buttons.Where(b => b.IsCallback))
        {
            if (string.IsNullOrEmpty(button.Value) || Encoding.UTF8.GetByteCount(button.Value) > MaxButtonKeyBytes)
            {
                throw new ChannelRenderException($"A WeCom button's key (the reply button's value) is 1 to {MaxButtonKeyBytes} bytes; button '{button.Text}' has {Encoding.UTF8.GetByteCount(button.Value ?? "")}.");
            }
        }

        if (buttons.Count > MaxCardButtons)
        {
            fallbacks.Add(new RenderFallback(RenderFallbackKind.ButtonsDropped, $"a WeCom template card holds at most {MaxCardButtons} buttons; {buttons.Count - MaxCardButtons} left out"));
            buttons = buttons.Take(MaxCardButtons).ToList();
        }

        var title = string.IsNullOrWhiteSpace(card.Title) ? FeishuCardJson.Summary(null, body) : card.Title;
        if (Encoding.UTF8.GetByteCount(title) > MaxCardTitleBytes)
        {
            title = ShortenBytes(title, MaxCardTitleBytes);
            fallbacks.Add(new RenderFallback(RenderFallbackKind.Truncated, $"a WeCom template card's title holds at most {MaxCardTitleBytes} bytes"));
        }

        var fitsInCard = body.Length <= MaxCardSubtitleChars && !MarkdownSyntax().IsMatch(body);
        if (buttons.Count == 0)
        {
            // button_interaction needs a button: with none, the card is its title and body as markdown, and no card follows.
            var text = string.IsNullOrWhiteSpace(card.Title) ? body : $"**{card.Title}**\n{body}";
            return new CardPlan(Split(text, markdownLimit, limit, fallbacks), "", null, taskId, []);
        }

        return fitsInCard
            ? new CardPlan([], title, body, taskId, buttons)
            : new CardPlan(Split(body, markdownLimit, limit, fallbacks), title, null, taskId, buttons);
    }

    private static string CardAsMarkdown(CardReply card, List<RenderFallback> fallbacks)
    {
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(card.Title))
        {
            text.Append("**").Append(card.Title).Append("**\n");
        }

        text.Append(RenderGuard.NotBlank(card.Markdown, "card's markdown"));
        var links = card.Buttons.Where(b => b.Url is not null).ToList();
        if (links.Count > 0)
        {
            text.Append("\n\n").AppendJoin("  ", links.Select(b => $"[{b.Text}]({b.Url})"));
        }

        if (links.Count < card.Buttons.Count)
        {
            fallbacks.Add(new RenderFallback(RenderFallbackKind.ButtonsDropped, $"{card.Buttons.Count - links.Count} callback button(s) need a template card, which this conversation cannot take"));
        }

        return text.ToString();
    }

    private static IReadOnlyList<string> Split(string text, int maxBytes, string limit, List<RenderFallback> fallbacks)
    {
        var parts = TextSplitter.Split(text, maxBytes, TextMeasure.Utf8Bytes);
        RenderGuard.NoteSplit(parts.Count, $"{limit} holds at most {maxBytes} bytes", fallbacks);
        return [.. parts.Select(p => p.Text)];
    }

    private static string ShortenBytes(string text, int maxBytes)
    {
        var parts = TextSplitter.Split(text, maxBytes - 3, TextMeasure.Utf8Bytes);
        return parts[0].Body + "…";
    }

    [GeneratedRegex(@"^[0-9A-Za-z_\-@]+$")]
    private static partial Regex TaskIdChars();

    [GeneratedRegex(@"[*_`#\[>|~]|^\s*[-+] |^\s*\d+\. ", RegexOptions.Multiline)]
    private static partial Regex MarkdownSyntax();
}
