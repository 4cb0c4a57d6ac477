using Larkway.Hub.Notifications;
using System.Text.Json;
using Larkway.Hub.Notifications.Cards;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.WorkNotifications;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>How a card is rendered for DingTalk.</summary>
internal sealed record DingTalkRenderOptions
{
    /// <summary>
    /// Where the whole notification can be read (https), linked when a message had to be shortened; when null, the
    /// card's own <c>card_link.url</c> when it is https.
    /// </summary>
    public string? FullContentUrl { get; init; }
}

/// <summary>The rendered messages, or the problems that kept the card from rendering.</summary>
internal sealed record DingTalkRenderResult(DingTalkRendering? Rendering, IReadOnlyList<NotificationProblem> Problems)
{
    public static DingTalkRenderResult Problem(string field, string message) => new(null, [new(field, message)]);
}

/// <summary>
/// A card as DingTalk messages: the same content fitted to the app robot's limits (<see cref="Robot"/>) and to a work
/// notification's (<see cref="WorkNotification"/>), and every way it falls short of the card.
/// </summary>
internal sealed record DingTalkRendering(
    string Title,
    DingTalkMessageContent Robot,
    DingTalkMessageContent WorkNotification,
    IReadOnlyList<CardFallback> Fallbacks)
{
    /// <summary>The app robot's message (<c>sampleText</c>, <c>sampleMarkdown</c> or <c>sampleActionCard</c>…<c>6</c>).</summary>
    public DingTalkAppRobotMessage ToAppRobotMessage() => Robot.Kind switch
    {
        DingTalkMessageKind.Text => DingTalkAppRobotMessage.Text(Robot.Text),
        DingTalkMessageKind.Markdown => DingTalkAppRobotMessage.Markdown(Robot.Title, Robot.Text),
        _ when Robot.Buttons.Count == 1 => DingTalkAppRobotMessage.ActionCard(Robot.Title, Robot.Text, Robot.Buttons[0].Title, Robot.Buttons[0].ActionUrl),
        _ => DingTalkAppRobotMessage.ActionCard(Robot.Title, Robot.Text, Robot.Buttons, Robot.Orientation),
    };

    /// <summary>The work notification's <c>msg</c> for asyncsend_v2 (<c>text</c>, <c>markdown</c> or <c>action_card</c>).</summary>
    public DingTalkWorkNotification ToWorkNotification() => WorkNotification.Kind switch
    {
        DingTalkMessageKind.Text => Larkway.DingTalk.WorkNotifications.DingTalkWorkNotification.Text(WorkNotification.Text),
        DingTalkMessageKind.Markdown => Larkway.DingTalk.WorkNotifications.DingTalkWorkNotification.Markdown(WorkNotification.Title, WorkNotification.Text),
        _ when WorkNotification.Buttons.Count == 1 => Larkway.DingTalk.WorkNotifications.DingTalkWorkNotification.ActionCard(
            WorkNotification.Title, WorkNotification.Text, WorkNotification.Buttons[0].Title, WorkNotification.Buttons[0].ActionUrl),
        _ => Larkway.DingTalk.WorkNotifications.DingTalkWorkNotification.ActionCard(
            WorkNotification.Title, WorkNotification.Text, WorkNotification.Buttons, WorkNotification.Orientation),
    };
}

/// <summary>The shape a card took on DingTalk.</summary>
internal enum DingTalkMessageKind
{
    /// <summary>Plain text: the card had something DingTalk cannot show as a card; its buttons are listed with their links.</summary>
    Text,

    /// <summary>Markdown: a card without buttons.</summary>
    Markdown,

    /// <summary>An action card: markdown with one to <see cref="DingTalkMessageLimits.MaxButtons"/> buttons.</summary>
    ActionCard,
}

/// <summary>
/// One message's content: its kind, title (what the conversation list and the notification show), text (DingTalk
/// markdown, or plain text for <see cref="DingTalkMessageKind.Text"/>), buttons and their layout.
/// </summary>
internal sealed record DingTalkMessageContent(
    DingTalkMessageKind Kind,
    string Title,
    string Text,
    IReadOnlyList<DingTalkRobotButton> Buttons,
    DingTalkButtonOrientation Orientation)
{
    /// <summary>The app robot's <c>msgKey</c>.</summary>
    public string RobotKey => Kind switch
    {
        DingTalkMessageKind.Text => "sampleText",
        DingTalkMessageKind.Markdown => "sampleMarkdown",
        _ when Buttons.Count == 1 => "sampleActionCard",
        _ when Orientation == DingTalkButtonOrientation.Horizontal => "sampleActionCard6",
        _ => $"sampleActionCard{Buttons.Count}",
    };

    /// <summary>The work notification's <c>msgtype</c>.</summary>
    public string WorkNotificationType => Kind switch
    {
        DingTalkMessageKind.Text => "text",
        DingTalkMessageKind.Markdown => "markdown",
        _ => "action_card",
    };

    /// <summary>The app robot's <c>msgParam</c> fields, as <see cref="DingTalkAppRobotMessage"/> writes them.</summary>
    public IEnumerable<KeyValuePair<string, string>> RobotParameters()
    {
        if (Kind == DingTalkMessageKind.Text)
        {
            yield return new("content", Text);
            yield break;
        }

        yield return new("title", Title);
        yield return new("text", Text);
        if (Kind == DingTalkMessageKind.Markdown)
        {
            yield break;
        }

        if (Buttons.Count == 1)
        {
            yield return new("singleTitle", Buttons[0].Title);
            yield return new("singleURL", Buttons[0].ActionUrl);
            yield break;
        }

        var horizontal = Orientation == DingTalkButtonOrientation.Horizontal;
        for (var i = 0; i < Buttons.Count; i++)
        {
            yield return new(horizontal ? $"buttonTitle{i + 1}" : $"actionTitle{i + 1}", Buttons[i].Title);
            yield return new(horizontal ? $"buttonUrl{i + 1}" : $"actionURL{i + 1}", Buttons[i].ActionUrl);
        }
    }
}
