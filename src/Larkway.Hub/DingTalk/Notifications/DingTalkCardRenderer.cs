using Larkway.Hub.Notifications;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Hub.Notifications.Cards;
using Larkway.DingTalk.Robots;
using Limits = Larkway.Hub.DingTalk.Notifications.DingTalkMessageLimits;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// Renders a Feishu card (as the composer renders a type's template, or as a caller sent it) into the richest DingTalk
/// message that expresses it: an action card with its buttons (each opening the link <see cref="CardButtonLinker"/> gives
/// it), markdown when it has none, plain text that lists every button and its link when the card has something an action
/// card cannot carry. Each message is checked against DingTalk's limits (<see cref="DingTalkMessageLimits"/>) and
/// shortened with a marked cut; every way the result falls short of the card is reported.
/// </summary>
internal static class DingTalkCardRenderer
{
    /// <summary>The title when the card has none and no text to take one from.</summary>
    public const string DefaultTitle = "Notification";

    private const int MaxDepth = 64;

    /// <summary>Renders <paramref name="cardJson"/>; problems (never exceptions) for a card that is not valid JSON, not a card, or cannot fit.</summary>
    public static DingTalkRenderResult Render(string cardJson, CardButtonLinker linkButton, DingTalkRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cardJson);
        ArgumentNullException.ThrowIfNull(linkButton);
        options ??= new DingTalkRenderOptions();
        if (Encoding.UTF8.GetByteCount(cardJson) > NotificationLimits.MaxContentBytes)
        {
            return DingTalkRenderResult.Problem("card", $"The card is larger than Feishu's {NotificationLimits.MaxContentBytes / 1024} KB, so it is not one the Hub sends.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(cardJson, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return DingTalkRenderResult.Problem("card", $"Not valid JSON: {Platform.Http.JsonErrorText.Describe(ex)}.");
        }

        using (document)
        {
            var content = FeishuCardReader.Read(document.RootElement, out var notACard, CardContent.DingTalk, DingTalkCardLinks.Schemes);
            return content is null ? DingTalkRenderResult.Problem("card", notACard!) : Render(content, linkButton, options);
        }
    }

    private static DingTalkRenderResult Render(CardContent card, CardButtonLinker linkButton, DingTalkRenderOptions options)
    {
        var fallbacks = card.Fallbacks;
        var buttons = new List<DingTalkRobotButton>(card.Buttons.Count);
        foreach (var (path, button) in card.Buttons)
        {
            var url = linkButton(button);
            if (!IsWebLink(url))
            {
                return DingTalkRenderResult.Problem(path, $"The link for button {button.Index + 1} ('{button.Text}') must be an absolute http(s) URL.");
            }

            var title = Limits.Shorten(button.Text, Limits.ButtonTitleChars);
            if (title != button.Text)
            {
                fallbacks.Add(new(CardFallbackKind.ButtonTitleShortened, path, $"Cut to {Limits.ButtonTitleChars} characters."));
            }

            buttons.Add(new DingTalkRobotButton(title, url));
        }

        var fullTitle = Title(card, fallbacks);
        var shortTitle = Limits.Shorten(fullTitle, Limits.TitleChars);
        if (shortTitle != fullTitle)
        {
            fallbacks.Add(new(CardFallbackKind.TitleShortened, "$.header.title", $"Cut to {Limits.TitleChars} characters."));
        }

        var kind = Kind(card, buttons, fallbacks);
        var fullContentUrl = options.FullContentUrl is { } given && IsWebLink(given) ? given : card.CardLink;
        var draft = kind == DingTalkMessageKind.Text
            ? Draft.PlainText(shortTitle, fullTitle, card, buttons.Select((b, i) => (card.Buttons[i].Button.Text, b.ActionUrl)).ToList(), fullContentUrl)
            : Draft.Markdown(kind, shortTitle, fullTitle, card, buttons, fullContentUrl);

        var robot = draft.Fit(c => Limits.RobotParamSize(c.RobotParameters()) <= Limits.RobotParamBytes);
        var bodyChars = kind == DingTalkMessageKind.ActionCard ? Limits.WorkNotificationActionCardChars : Limits.WorkNotificationTextChars;
        var work = draft.Fit(c => Limits.Chars(c.Text) <= bodyChars && Limits.WorkNotificationSize(c) <= Limits.WorkNotificationMsgBytes);
        if (robot is null || work is null)
        {
            return DingTalkRenderResult.Problem("card", robot is null
                ? $"Even without its text the card's title and buttons take more than the app robot's {Limits.RobotParamBytes} bytes."
                : $"Even without its text the card's title and button links take more than a work notification's {Limits.WorkNotificationMsgBytes} bytes: shorten the button links.");
        }

        if (robot.Text != draft.Complete.Text)
        {
            fallbacks.Add(new(CardFallbackKind.TextShortened, "robot.text", $"Cut to fit the app robot's {Limits.RobotParamBytes} bytes."));
        }

        if (work.Text != draft.Complete.Text)
        {
            fallbacks.Add(new(CardFallbackKind.TextShortened, "work_notification.text",
                $"Cut to fit a work notification's {bodyChars} characters and {Limits.WorkNotificationMsgBytes} bytes."));
        }

        return new DingTalkRenderResult(new DingTalkRendering(shortTitle, robot, work, fallbacks), []);
    }

    private static string Title(CardContent card, List<CardFallback> fallbacks)
    {
        if (card.Title is { Length: > 0 } title && !string.IsNullOrWhiteSpace(title))
        {
            return title.Trim();
        }

        // DingTalk needs a title (it is what the conversation list shows): the card's first line of text will do.
        var first = card.Blocks.SelectMany(b => b.Plain.Split('\n')).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l != LarkMarkdown.PlainSeparator);
        fallbacks.Add(new(CardFallbackKind.TitleMissing, "$.header.title", first is null ? $"Titled '{DefaultTitle}'." : "Titled with the card's first line."));
        return first ?? DefaultTitle;
    }

    private static DingTalkMessageKind Kind(CardContent card, List<DingTalkRobotButton> buttons, List<CardFallback> fallbacks)
    {
        if (card.Interactions.Count > 0)
        {
            foreach (var (path, what) in card.Interactions)
            {
                fallbacks.Add(new(CardFallbackKind.PlainTextForInteraction, path, $"The card has {what}, which DingTalk messages cannot offer: sent as plain text."));
            }

            return DingTalkMessageKind.Text;
        }

        if (buttons.Count > Limits.MaxButtons)
        {
            fallbacks.Add(new(CardFallbackKind.PlainTextForButtons, "$", string.Create(CultureInfo.InvariantCulture,
                $"{buttons.Count} buttons, and a DingTalk action card takes at most {Limits.MaxButtons}: sent as plain text with each button's link.")));
            return DingTalkMessageKind.Text;
        }

        return buttons.Count == 0 ? DingTalkMessageKind.Markdown : DingTalkMessageKind.ActionCard;
    }

    // http too: a sandbox Hub (and its Emulator) serves plain http on the loopback; deployments hand out https links.
    private static bool IsWebLink(string? url) =>
        url is not null && LarkMarkdown.IsWebAddress(url)
        && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A message before its limits: the part that may be cut (the body), what follows it and is never cut (a plain text's
    /// button list), and the marker that says where the cut is and where to read the rest.
    /// </summary>
    private sealed record Draft(DingTalkMessageKind Kind, string Title, string Body, string Tail, string CutMarker,
        IReadOnlyList<DingTalkRobotButton> Buttons, DingTalkButtonOrientation Orientation)
    {
        public DingTalkMessageContent Complete => With(Body);

        public static Draft Markdown(DingTalkMessageKind kind, string title, string fullTitle, CardContent card, IReadOnlyList<DingTalkRobotButton> buttons, string? fullContentUrl)
        {
            // A DingTalk markdown message shows its text only: the title goes on top as a heading, as the card showed it.
            var heading = "#### " + LarkMarkdown.Convert(fullTitle, "$.header.title", [], CardContent.DingTalk, DingTalkCardLinks.Schemes).Markdown.Replace("  \n", " ", StringComparison.Ordinal);
            var body = string.Join("\n\n", card.Blocks.Select(b => b.Markdown).Prepend(heading));
            var marker = Limits.Ellipsis + (fullContentUrl is null ? "" : $"\n\n[Read the full message]({fullContentUrl})");
            // Two buttons sit side by side (sampleActionCard6, btn_orientation 1) as a pair does on Feishu; more are stacked.
            var orientation = buttons.Count == 2 ? DingTalkButtonOrientation.Horizontal : DingTalkButtonOrientation.Vertical;
            return new Draft(kind, title, body, "", marker, buttons, orientation);
        }

        public static Draft PlainText(string title, string fullTitle, CardContent card, IReadOnlyList<(string Text, string Url)> buttons, string? fullContentUrl)
        {
            var body = string.Join("\n\n", card.Blocks.Select(b => b.Plain).Prepend(fullTitle));
            var tail = buttons.Count == 0 ? "" : "\n\n" + string.Join('\n', buttons.Select(b => $"{b.Text}: {b.Url}"));
            var marker = Limits.Ellipsis + (fullContentUrl is null ? "" : $"\nFull message: {fullContentUrl}");
            return new Draft(DingTalkMessageKind.Text, title, body, tail, marker, [], DingTalkButtonOrientation.Vertical);
        }

        /// <summary>The complete message when it fits; else the longest cut of the body that fits with the marker; null when nothing does.</summary>
        public DingTalkMessageContent? Fit(Func<DingTalkMessageContent, bool> fits)
        {
            var complete = Complete;
            if (fits(complete))
            {
                return complete;
            }

            // The longest prefix that fits, by bisection over the body's length (each try is one small serialization).
            int low = 0, high = Body.Length;
            DingTalkMessageContent? best = null;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var candidate = Cut(middle);
                if (fits(candidate))
                {
                    best = candidate;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return best;
        }

        private DingTalkMessageContent Cut(int length) => With(Limits.Prefix(Body, length).TrimEnd() + CutMarker);

        private DingTalkMessageContent With(string body) => new(Kind, Title, body + Tail, Buttons, Orientation);
    }
}
