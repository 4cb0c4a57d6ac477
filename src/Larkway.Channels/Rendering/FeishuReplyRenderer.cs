using System.Text.Json.Nodes;
using Larkway.Channels.Messages;
using Larkway.Feishu.Cards;
using Larkway.Feishu.Im;
using FeishuContent = Larkway.Feishu.Im.MessageContent;

namespace Larkway.Channels.Rendering;

/// <summary>How markdown goes on Feishu.</summary>
public enum FeishuMarkdownShape
{
    /// <summary>A card (JSON 2.0) with a markdown component: the richest form (code blocks, tables, colours).</summary>
    Card,

    /// <summary>A rich-text post with an <c>md</c> node: forwardable and searchable like a message.</summary>
    Post,
}

/// <summary>Options of <see cref="FeishuReplyRenderer"/>.</summary>
public sealed record FeishuRenderOptions
{
    /// <summary>How markdown replies go (cards replies are always cards).</summary>
    public FeishuMarkdownShape MarkdownAs { get; init; } = FeishuMarkdownShape.Card;

    /// <summary>The post locale (<c>zh_cn</c>, <c>en_us</c>, <c>ja_jp</c>).</summary>
    public string PostLocale { get; init; } = PostContent.ZhCn;

    /// <summary>The most a card or post holds, in bytes of content JSON (Feishu: 30 KB; lower only to test splitting).</summary>
    public int MaxCardBytes { get; init; } = FeishuContent.MaxPostOrCardBytes;

    /// <summary>The most a text message holds, in bytes of content JSON (Feishu: 150 KB).</summary>
    public int MaxTextBytes { get; init; } = FeishuContent.MaxTextBytes;
}

/// <summary>
/// Renders a <see cref="ChannelReply"/> as Feishu message contents (Larkway.Feishu <see cref="FeishuContent"/>, for
/// <c>client.Im.Messages.SendAsync</c> / <c>ReplyAsync</c>): text as <c>text</c>, markdown as a JSON 2.0 card with a
/// markdown component (or a post), a card as a JSON 2.0 card with a header, the markdown body and buttons whose
/// callback value is <c>{"action": value}</c>, media by key. Every conversation kind on Feishu takes cards. Long
/// content is split into several messages within 30 KB (cards, posts) or 150 KB (text); the header goes on the first
/// card, the buttons on the last. Every card is checked with <see cref="CardValidator"/>.
/// </summary>
public static class FeishuReplyRenderer
{
    /// <summary>Renders a reply.</summary>
    /// <exception cref="ChannelRenderException">The reply is blank, or a media key is empty.</exception>
    public static RenderedReply<FeishuContent> Render(ChannelReply reply, ChannelConversation conversation, FeishuRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(conversation);
        options ??= new FeishuRenderOptions();
        var fallbacks = new List<RenderFallback>();
        IReadOnlyList<FeishuContent> messages = reply switch
        {
            TextReply text => Text(RenderGuard.NotBlank(text.Text, "text reply"), options, fallbacks),
            MarkdownReply markdown when options.MarkdownAs == FeishuMarkdownShape.Post => Post(markdown, options, fallbacks),
            MarkdownReply markdown => Cards(markdown.Title, RenderGuard.NotBlank(markdown.Markdown, "markdown reply"), [], options, fallbacks),
            CardReply card => Cards(card.Title, RenderGuard.NotBlank(card.Markdown, "card's markdown"), card.Buttons, options, fallbacks),
            MediaReply media => Media(media, options, fallbacks),
            _ => throw new ChannelRenderException($"Feishu cannot render a {reply.GetType().Name}."),
        };
        return new RenderedReply<FeishuContent>(messages, fallbacks);
    }

    private static List<FeishuContent> Text(string text, FeishuRenderOptions options, List<RenderFallback> fallbacks)
    {
        var overhead = System.Text.Encoding.UTF8.GetByteCount(FeishuContent.Text("x").ContentJson) - 1;
        var parts = TextSplitter.Split(text, options.MaxTextBytes - overhead, TextMeasure.JsonRelaxedUtf8Bytes);
        RenderGuard.NoteSplit(parts.Count, $"a Feishu text message holds at most {options.MaxTextBytes / 1024} KB", fallbacks);
        return [.. parts.Select(p => (FeishuContent)FeishuContent.Text(p.Text))];
    }

    private static List<FeishuContent> Post(MarkdownReply markdown, FeishuRenderOptions options, List<RenderFallback> fallbacks)
    {
        var body = RenderGuard.NotBlank(markdown.Markdown, "markdown reply");
        var title = markdown.Title;
        PostContent Build(string title, string text) => PostContent.Builder().Locale(options.PostLocale, title, p => p.Paragraph(PostNode.Markdown(text))).Build();
        var overhead = System.Text.Encoding.UTF8.GetByteCount(Build(title ?? "", "x").ContentJson) - 1;
        var parts = TextSplitter.Split(body, options.MaxCardBytes - overhead, TextMeasure.JsonRelaxedUtf8Bytes);
        RenderGuard.NoteSplit(parts.Count, $"a Feishu post holds at most {options.MaxCardBytes / 1024} KB", fallbacks);
        return [.. parts.Select((p, i) => (FeishuContent)Build(i == 0 ? title ?? "" : "", p.Text))];
    }

    private static List<FeishuContent> Cards(string? title, string markdown, IReadOnlyList<ReplyButton> buttons, FeishuRenderOptions options, List<RenderFallback> fallbacks)
    {
        var buttonElements = new List<JsonObject>();
        foreach (var button in buttons)
        {
            var text = RenderGuard.NotBlank(button.Text, "button text");
            if (text.Length > CardLimits.MaxButtonTextLength)
            {
                text = FeishuCardJson.Shorten(text, CardLimits.MaxButtonTextLength);
                fallbacks.Add(new RenderFallback(RenderFallbackKind.Truncated, $"a Feishu button's text holds at most {CardLimits.MaxButtonTextLength} characters"));
            }

            buttonElements.Add(FeishuCardJson.Button(button, text));
        }

        var summary = FeishuCardJson.Summary(title, markdown);
        JsonObject Build(string body, bool first, bool last)
        {
            var elements = new List<JsonNode> { FeishuCardJson.Markdown(body) };
            if (last && buttonElements.Count > 0)
            {
                elements.Add(buttonElements.Count == 1 ? buttonElements[0].DeepClone() : FeishuCardJson.ButtonRow(buttonElements.Select(b => b.DeepClone().AsObject())));
            }

            var config = new JsonObject { ["update_multi"] = true, ["summary"] = new JsonObject { ["content"] = summary } };
            return FeishuCardJson.Card(config, first ? title : null, elements);
        }

        var overhead = FeishuCardJson.Bytes(Build("", first: true, last: true));
        var budget = options.MaxCardBytes - overhead;
        if (budget < TextSplitter.MinimumLimit * 4)
        {
            throw new ChannelRenderException($"The card's title and buttons alone take {overhead} bytes of Feishu's {options.MaxCardBytes}; shorten them.");
        }

        var parts = TextSplitter.Split(markdown, budget, TextMeasure.JsonRelaxedUtf8Bytes);
        RenderGuard.NoteSplit(parts.Count, $"a Feishu card holds at most {options.MaxCardBytes / 1024} KB", fallbacks);
        return [.. parts.Select((p, i) => (FeishuContent)FeishuContent.Card(FeishuCardJson.Checked(Build(p.Text, i == 0, i == parts.Count - 1), options.MaxCardBytes)))];
    }

    private static List<FeishuContent> Media(MediaReply media, FeishuRenderOptions options, List<RenderFallback> fallbacks)
    {
        var key = RenderGuard.NotBlank(media.Key, "media key");
        FeishuContent content = media.Kind switch
        {
            AttachmentKind.Image => FeishuContent.Image(key),
            AttachmentKind.File => FeishuContent.File(key),
            AttachmentKind.Audio => FeishuContent.Audio(key),
            _ => FeishuContent.Media(key),
        };
        var messages = new List<FeishuContent> { content };
        if (!string.IsNullOrWhiteSpace(media.Caption))
        {
            messages.AddRange(Text(media.Caption, options, fallbacks));
        }

        return messages;
    }
}
