using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Cards;
using Larkway.WeCom.Messages;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>How a card is rendered for WeCom.</summary>
internal sealed record WeComRenderOptions
{
    /// <summary>Where the whole notification can be read (http(s)), linked when the text had to be cut; when null, the card's own <c>card_link.url</c>.</summary>
    public string? FullContentUrl { get; init; }
}

/// <summary>The rendered message, or the problems that kept the card from rendering.</summary>
internal sealed record WeComRenderResult(WeComRendering? Rendering, IReadOnlyList<NotificationProblem> Problems)
{
    public static WeComRenderResult Problem(string field, string message) => new(null, [new(field, message)]);
}

/// <summary>The shape a card took on WeCom.</summary>
internal enum WeComMessageKind
{
    /// <summary>A template card: button_interaction (buttons) or text_notice (links only).</summary>
    TemplateCard,

    /// <summary>Markdown: the card could not be a template card.</summary>
    Markdown,
}

/// <summary>A card as a WeCom app message, and every way it falls short of the card.</summary>
internal sealed record WeComRendering(WeComMessageKind Kind, string Title, WeComTemplateCard? Card, string? Markdown, IReadOnlyList<CardFallback> Fallbacks)
{
    /// <summary>The app message to send.</summary>
    public WeComAppMessage ToAppMessage() => Kind == WeComMessageKind.TemplateCard ? WeComAppMessage.TemplateCard(Card!) : WeComAppMessage.Markdown(Markdown!);
}
