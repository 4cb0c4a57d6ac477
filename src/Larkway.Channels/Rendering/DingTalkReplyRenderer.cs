using System.Text;
using Larkway.Channels.Messages;
using Larkway.DingTalk.Robots;

namespace Larkway.Channels.Rendering;

/// <summary>
/// Renders a <see cref="ChannelReply"/> as DingTalk app-robot messages (<see cref="DingTalkAppRobotMessage"/>: a
/// <c>msgKey</c> and its <c>msgParam</c>, at most 15,000 bytes as Larkway.DingTalk serializes it), for one-to-one
/// (<c>oToMessages/batchSend</c>) and group (<c>groupMessages/send</c>) chats alike: text as <c>sampleText</c>,
/// markdown as <c>sampleMarkdown</c>, a card as <c>sampleMarkdown</c> parts ending in an action card
/// (<c>sampleActionCard</c> with one button, <c>sampleActionCard2</c>…<c>5</c> with 2 to 5). DingTalk's action-card
/// buttons only open links: callback buttons are dropped (reported; interactive buttons need a DingTalk card template,
/// see the AI card), as are link buttons beyond 5. Media goes as a picture when its key is an image URL; other media
/// go as a text line naming them (reported).
/// </summary>
public static class DingTalkReplyRenderer
{
    /// <summary>The longest notification title kept (DingTalk shows a short one in the chat list).</summary>
    public const int MaxTitleChars = 30;

    /// <summary>The most buttons an app robot's action card holds.</summary>
    public const int MaxActionCardButtons = 5;

    /// <summary>Renders a reply.</summary>
    /// <param name="reply">The reply.</param>
    /// <param name="conversation">Where it goes (both kinds take every shape here).</param>
    /// <param name="maxParamBytes">The msgParam limit (DingTalk: 15,000; lower only to test splitting).</param>
    /// <exception cref="ChannelRenderException">The reply is blank.</exception>
    public static RenderedReply<DingTalkAppRobotMessage> Render(ChannelReply reply, ChannelConversation conversation, int maxParamBytes = DingTalkAppRobotMessage.MaxParamBytes)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(conversation);
        var fallbacks = new List<RenderFallback>();
        var messages = new List<DingTalkAppRobotMessage>();
        switch (reply)
        {
            case TextReply text:
                messages.AddRange(SplitText(RenderGuard.NotBlank(text.Text, "text reply"), maxParamBytes, fallbacks));
                break;
            case MarkdownReply markdown:
                var body = RenderGuard.NotBlank(markdown.Markdown, "markdown reply");
                var title = Title(markdown.Title, body);
                messages.AddRange(SplitMarkdown(body, title, maxParamBytes, fallbacks, (t, part) => DingTalkAppRobotMessage.Markdown(t, part), null));
                break;
            case CardReply card:
                messages.AddRange(Card(card, maxParamBytes, fallbacks));
                break;
            case MediaReply media:
                var key = RenderGuard.NotBlank(media.Key, "media key");
                if (media.Kind == AttachmentKind.Image && Uri.TryCreate(key, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    messages.Add(DingTalkAppRobotMessage.Image(key));
                }
                else
                {
                    fallbacks.Add(new RenderFallback(RenderFallbackKind.MediaAsText, $"DingTalk's app robot sends {media.Kind.ToString().ToLowerInvariant()} here only as a picture URL"));
                    messages.AddRange(SplitText($"[{media.Kind.ToString().ToLowerInvariant()}: {media.Name ?? key}]", maxParamBytes, fallbacks));
                }

                if (!string.IsNullOrWhiteSpace(media.Caption))
                {
                    messages.AddRange(SplitText(media.Caption, maxParamBytes, fallbacks));
                }

                break;
            default:
                throw new ChannelRenderException($"DingTalk cannot render a {reply.GetType().Name}.");
        }

        return new RenderedReply<DingTalkAppRobotMessage>(messages, fallbacks);
    }

    private static List<DingTalkAppRobotMessage> Card(CardReply card, int maxParamBytes, List<RenderFallback> fallbacks)
    {
        var body = RenderGuard.NotBlank(card.Markdown, "card's markdown");
        var title = Title(card.Title, body);
        var links = card.Buttons.Where(b => b.Url is not null && Uri.TryCreate(b.Url, UriKind.Absolute, out _)).ToList();
        if (links.Count < card.Buttons.Count)
        {
            fallbacks.Add(new RenderFallback(RenderFallbackKind.ButtonsDropped, $"DingTalk's action-card buttons only open links; {card.Buttons.Count - links.Count} callback button(s) left out"));
        }

        if (links.Count > MaxActionCardButtons)
        {
            fallbacks.Add(new RenderFallback(RenderFallbackKind.ButtonsDropped, $"a DingTalk app robot's action card holds at most {MaxActionCardButtons} buttons; {links.Count - MaxActionCardButtons} left out"));
            links = links.Take(MaxActionCardButtons).ToList();
        }

        var text = string.IsNullOrWhiteSpace(card.Title) ? body : $"### {card.Title}\n\n{body}";
        if (links.Count == 0)
        {
            return SplitMarkdown(text, title, maxParamBytes, fallbacks, DingTalkAppRobotMessage.Markdown, null);
        }

        Func<string, string, DingTalkAppRobotMessage> last = links.Count == 1
            ? (t, part) => DingTalkAppRobotMessage.ActionCard(t, part, links[0].Text, links[0].Url!)
            : (t, part) => DingTalkAppRobotMessage.ActionCard(t, part, [.. links.Select(b => new DingTalkRobotButton(b.Text, b.Url!))]);
        var buttonBytes = links.Sum(b => TextMeasurer.Measure(b.Text + b.Url, TextMeasure.JsonEscapedBytes) + 40);
        return SplitMarkdown(text, title, maxParamBytes - buttonBytes, fallbacks, DingTalkAppRobotMessage.Markdown, last);
    }

    private static List<DingTalkAppRobotMessage> SplitText(string text, int maxParamBytes, List<RenderFallback> fallbacks)
    {
        var overhead = Encoding.UTF8.GetByteCount(DingTalkAppRobotMessage.Text("x").Param) - 1;
        var parts = TextSplitter.Split(text, maxParamBytes - overhead, TextMeasure.JsonEscapedBytes);
        RenderGuard.NoteSplit(parts.Count, $"a DingTalk robot message's msgParam holds at most {maxParamBytes} bytes", fallbacks);
        return [.. parts.Select(p => DingTalkAppRobotMessage.Text(p.Text))];
    }

    private static List<DingTalkAppRobotMessage> SplitMarkdown(string text, string title, int maxParamBytes, List<RenderFallback> fallbacks,
        Func<string, string, DingTalkAppRobotMessage> make, Func<string, string, DingTalkAppRobotMessage>? makeLast)
    {
        var overhead = Encoding.UTF8.GetByteCount(DingTalkAppRobotMessage.Markdown(title, "x").Param) - 1;
        var parts = TextSplitter.Split(text, maxParamBytes - overhead, TextMeasure.JsonEscapedBytes);
        RenderGuard.NoteSplit(parts.Count, $"a DingTalk robot message's msgParam holds at most {maxParamBytes} bytes", fallbacks);
        return [.. parts.Select((p, i) => i == parts.Count - 1 && makeLast is not null ? makeLast(title, p.Text) : make(title, p.Text))];
    }

    private static string Title(string? title, string body) =>
        FeishuCardJson.Shorten(string.IsNullOrWhiteSpace(title) ? FeishuCardJson.Summary(null, body) is { Length: > 0 } s ? s : "…" : title, MaxTitleChars);
}
