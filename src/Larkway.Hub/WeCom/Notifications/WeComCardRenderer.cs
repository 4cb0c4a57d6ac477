using Larkway.Hub.Notifications;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Larkway.Hub.Notifications.Cards;
using Larkway.WeCom.Messages;
using Limits = Larkway.Hub.WeCom.Notifications.WeComMessageLimits;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>
/// Renders a Feishu card (as the composer renders a type's template, or as a caller sent it) into the richest WeCom app
/// message that expresses it: a <c>button_interaction</c> template card when it has buttons (callback buttons call back
/// with <c>template_card_event</c>, link buttons open their URL), a <c>text_notice</c> template card when it has only
/// links to open, and markdown when it cannot be a template card — an input, a drop-down or another interaction a
/// template card does not take, more buttons than <see cref="WeComMessageLimits.MaxButtons"/>, or nothing to open.
/// Markdown cannot call back, so a callback button there is listed by name and reported
/// (<see cref="CardFallbackKind.ButtonNotOffered"/>). Template card fields are plain text; each is fitted to WeCom's
/// limits (<see cref="WeComMessageLimits"/>) with a marked cut, and every way the result falls short is reported.
/// Decision: no plain-text kind — WeCom's markdown carries everything the reader produces (its placeholders included).
/// </summary>
internal static class WeComCardRenderer
{
    /// <summary>The title when the card has none and no text to take one from.</summary>
    public const string DefaultTitle = "Notification";

    private const int MaxDepth = 64;

    /// <summary>Renders <paramref name="cardJson"/> as the card <paramref name="taskId"/>; problems (never exceptions) for a card that is not one or cannot fit.</summary>
    public static WeComRenderResult Render(string cardJson, string taskId, WeComRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cardJson);
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        options ??= new WeComRenderOptions();
        if (Limits.Bytes(taskId) > Limits.TaskIdBytes || !taskId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@'))
        {
            return WeComRenderResult.Problem("task_id", $"A WeCom task_id is at most {Limits.TaskIdBytes} bytes of letters, digits and _-@.");
        }

        if (Encoding.UTF8.GetByteCount(cardJson) > NotificationLimits.MaxContentBytes)
        {
            return WeComRenderResult.Problem("card", $"The card is larger than Feishu's {NotificationLimits.MaxContentBytes / 1024} KB, so it is not one the Hub sends.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(cardJson, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return WeComRenderResult.Problem("card", $"Not valid JSON: {Platform.Http.JsonErrorText.Describe(ex)}.");
        }

        using (document)
        {
            var content = FeishuCardReader.Read(document.RootElement, out var notACard, CardContent.WeCom);
            return content is null ? WeComRenderResult.Problem("card", notACard!) : Render(content, taskId, options);
        }
    }

    /// <summary>The key a callback button calls back with: its place and its action, <c>{index}:{action}</c>, within 1024 bytes.</summary>
    public static string KeyOf(CardButton button)
    {
        ArgumentNullException.ThrowIfNull(button);
        var prefix = button.Index.ToString(CultureInfo.InvariantCulture) + ":";
        return prefix + Limits.PrefixBytes(CardButtonActions.ActionOf(button), Limits.ButtonKeyBytes - prefix.Length);
    }

    /// <summary>The button's place and action a clicked <c>EventKey</c> names, or null for a key the Hub did not make.</summary>
    public static (int Index, string Action)? ReadKey(string? eventKey)
    {
        var colon = eventKey?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && colon < eventKey!.Length - 1
            && int.TryParse(eventKey.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (index, eventKey[(colon + 1)..])
            : null;
    }

    private static WeComRenderResult Render(CardContent card, string taskId, WeComRenderOptions options)
    {
        var fallbacks = card.Fallbacks;
        var fullTitle = Title(card, fallbacks);
        var fullContentUrl = options.FullContentUrl is { } given && LarkMarkdown.IsWebAddress(given) ? given : card.CardLink;
        var callbacks = card.Buttons.Count(b => b.Button.Url is null || b.Button.Value is not null);
        var links = card.Buttons.Where(b => b.Button is { Url: { } url, Value: null } && LarkMarkdown.IsWebAddress(url)).ToList();

        if (card.Interactions.Count > 0)
        {
            foreach (var (path, what) in card.Interactions)
            {
                fallbacks.Add(new(CardFallbackKind.PlainTextForInteraction, path, $"The card has {what}, which a WeCom template card cannot offer: sent as markdown."));
            }

            return Markdown(card, fullTitle, fullContentUrl);
        }

        if (card.Buttons.Count > Limits.MaxButtons)
        {
            fallbacks.Add(new(CardFallbackKind.PlainTextForButtons, "$", string.Create(CultureInfo.InvariantCulture,
                $"{card.Buttons.Count} buttons, and a WeCom template card takes at most {Limits.MaxButtons}: sent as markdown.")));
            return Markdown(card, fullTitle, fullContentUrl);
        }

        if (callbacks == 0 && links.Count == 0 && fullContentUrl is null)
        {
            // A text_notice needs card_action (what a tap opens): with nothing to open, markdown says the same.
            return Markdown(card, fullTitle, fullContentUrl);
        }

        if (callbacks == 0 && links.Count > Limits.MaxJumps + (fullContentUrl is null ? 1 : 0))
        {
            fallbacks.Add(new(CardFallbackKind.PlainTextForButtons, "$", string.Create(CultureInfo.InvariantCulture,
                $"{links.Count} links, and a WeCom text notice card opens one and lists at most {Limits.MaxJumps}: sent as markdown.")));
            return Markdown(card, fullTitle, fullContentUrl);
        }

        var title = Fit(fullTitle, Limits.MainTitleChars, "template_card.main_title.title", CardFallbackKind.TitleShortened, fallbacks);
        if (Limits.Bytes(title) > Limits.MainTitleBytes)
        {
            title = Limits.PrefixBytes(title, Limits.MainTitleBytes - Limits.Bytes(Limits.Ellipsis)).TrimEnd() + Limits.Ellipsis;
        }

        var body = string.Join("\n", card.Blocks.Select(b => b.Plain));
        var subTitle = body.Length == 0 ? null : Fit(body, Limits.SubTitleChars, "template_card.sub_title_text", CardFallbackKind.TextShortened, fallbacks);
        var cut = subTitle is not null && subTitle != body;
        var action = fullContentUrl is null ? null : WeComCardAction.OpenUrl(fullContentUrl);

        if (callbacks == 0)
        {
            // Links only: a text notice; the first link is what a tap opens when the card has no link of its own, the others are listed.
            var open = action ?? WeComCardAction.OpenUrl(links[0].Button.Url!);
            var jumps = (action is null ? links.Skip(1) : links)
                .Select(l => new WeComCardJump(Fit(l.Button.Text, Limits.JumpTitleChars, l.Path, CardFallbackKind.ButtonTitleShortened, fallbacks), 1, l.Button.Url))
                .ToList();
            var notice = WeComTemplateCard.TextNotice(new WeComCardTitle(title), open) with
            {
                TaskId = taskId,
                SubTitleText = subTitle,
                JumpList = jumps.Count == 0 ? null : jumps,
            };
            return new WeComRenderResult(new WeComRendering(WeComMessageKind.TemplateCard, fullTitle, notice, null, fallbacks), []);
        }

        var buttons = new List<WeComCardButton>(card.Buttons.Count);
        foreach (var (path, button) in card.Buttons)
        {
            var text = Fit(button.Text, Limits.ButtonTextChars, path, CardFallbackKind.ButtonTitleShortened, fallbacks);
            if (button is { Url: { } url, Value: null })
            {
                if (!LarkMarkdown.IsWebAddress(url))
                {
                    return WeComRenderResult.Problem(path, $"The link of button {button.Index + 1} ('{button.Text}') must be an absolute http(s) URL.");
                }

                buttons.Add(new WeComCardButton(text, Type: 1, Url: url));
            }
            else
            {
                // Primary look for the first callback button, as Feishu's templates put the decision first.
                buttons.Add(new WeComCardButton(text, KeyOf(button), Style: buttons.Count == 0 ? 1 : 2));
            }
        }

        var card2 = WeComTemplateCard.ButtonInteraction(taskId, new WeComCardTitle(title), buttons) with
        {
            SubTitleText = subTitle,
            CardAction = action,
            JumpList = cut && fullContentUrl is not null ? [new WeComCardJump("Read the full message", 1, fullContentUrl)] : null,
        };
        return new WeComRenderResult(new WeComRendering(WeComMessageKind.TemplateCard, fullTitle, card2, null, fallbacks), []);
    }

    private static WeComRenderResult Markdown(CardContent card, string fullTitle, string? fullContentUrl)
    {
        var fallbacks = card.Fallbacks;
        var heading = "#### " + LarkMarkdown.Convert(fullTitle, "$.header.title", [], CardContent.WeCom).Markdown.Replace("  \n", " ", StringComparison.Ordinal);
        var lines = new List<string>();
        foreach (var (path, button) in card.Buttons)
        {
            if (button is { Url: { } url, Value: null } && LarkMarkdown.IsWebAddress(url))
            {
                lines.Add($"[{Bracketless(button.Text)}]({url})");
                continue;
            }

            fallbacks.Add(new(CardFallbackKind.ButtonNotOffered, path, $"'{button.Text}' calls back, which WeCom markdown cannot: listed by name."));
            lines.Add($"{button.Text} — not available on WeCom");
        }

        var tail = lines.Count == 0 ? "" : "\n\n" + string.Join("\n", lines);
        var body = string.Join("\n\n", card.Blocks.Select(b => b.Markdown).Prepend(heading));
        var full = body + tail;
        if (Limits.Bytes(full) > Limits.MarkdownBytes)
        {
            var marker = Limits.Ellipsis + (fullContentUrl is null ? "" : $"\n\n[Read the full message]({fullContentUrl})");
            var room = Limits.MarkdownBytes - Limits.Bytes(marker) - Limits.Bytes(tail);
            if (room < Limits.Bytes(heading))
            {
                return WeComRenderResult.Problem("card", $"Even without its text the card's title and buttons take more than WeCom markdown's {Limits.MarkdownBytes} bytes.");
            }

            full = Limits.PrefixBytes(body, room).TrimEnd() + marker + tail;
            fallbacks.Add(new(CardFallbackKind.TextShortened, "markdown.content", $"Cut to fit WeCom markdown's {Limits.MarkdownBytes} bytes."));
        }

        return new WeComRenderResult(new WeComRendering(WeComMessageKind.Markdown, fullTitle, null, full, fallbacks), []);
    }

    private static string Title(CardContent card, List<CardFallback> fallbacks)
    {
        if (card.Title is { Length: > 0 } title && !string.IsNullOrWhiteSpace(title))
        {
            return title.Trim();
        }

        var first = card.Blocks.SelectMany(b => b.Plain.Split('\n')).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l != LarkMarkdown.PlainSeparator);
        fallbacks.Add(new(CardFallbackKind.TitleMissing, "$.header.title", first is null ? $"Titled '{DefaultTitle}'." : "Titled with the card's first line."));
        return first ?? DefaultTitle;
    }

    private static string Fit(string text, int maxChars, string path, CardFallbackKind kind, List<CardFallback> fallbacks)
    {
        var fitted = Limits.Shorten(text, maxChars);
        if (fitted != text)
        {
            fallbacks.Add(new(kind, path, string.Create(CultureInfo.InvariantCulture, $"Cut to {maxChars} 字 (WeCom's recommended length; a Latin letter counts half).")));
        }

        return fitted;
    }

    private static string Bracketless(string text) => text.Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);
}
