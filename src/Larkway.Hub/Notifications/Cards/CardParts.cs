using System.Text.Json;

namespace Larkway.Hub.Notifications.Cards;

/// <summary>
/// One button of a Feishu card, as the Hub offers it on another platform (a link on DingTalk, a template card button on WeCom): its place among the card's
/// buttons (from 0, in card order), its text, its callback <c>value</c> (null for a link-only button) and its URL (null
/// for a callback-only button).
/// </summary>
internal sealed record CardButton(int Index, string Text, JsonElement? Value, string? Url);

/// <summary>Returns the absolute http(s) URL a DingTalk click on <paramref name="button"/> opens (a signed action link, or the button's own URL).</summary>
internal delegate string CardButtonLinker(CardButton button);

/// <summary>Something of the card the platform does not get as it is: where in the card (a JSON path, or the message field), and what happened.</summary>
internal sealed record CardFallback(CardFallbackKind Kind, string Path, string Detail);

/// <summary>Ways a card falls short on DingTalk or WeCom, for the Hub to log and count.</summary>
internal enum CardFallbackKind
{
    /// <summary>The whole card became plain text (DingTalk) or markdown (WeCom): it has an input, a select, a date picker, an overflow menu or a form.</summary>
    PlainTextForInteraction,

    /// <summary>The whole card became plain text (DingTalk) or markdown (WeCom): more buttons than the platform's card takes.</summary>
    PlainTextForButtons,

    /// <summary>The card has no title; one was taken from its text, or a generic one used.</summary>
    TitleMissing,

    /// <summary>The title was cut to the platform's limit.</summary>
    TitleShortened,

    /// <summary>The text was cut to fit a message's limits.</summary>
    TextShortened,

    /// <summary>A button's title was cut to the platform's limit.</summary>
    ButtonTitleShortened,

    /// <summary>A Feishu image (an img_key DingTalk cannot load) became a placeholder.</summary>
    ImageNotShown,

    /// <summary>An element DingTalk has no form for (a table, a chart, a person…) became a placeholder.</summary>
    ElementNotShown,

    /// <summary>A link whose address is not http(s) lost its link and kept its text.</summary>
    UnsafeLinkRemoved,

    /// <summary>A Feishu mention (a Feishu user id means nothing on DingTalk or WeCom) became plain text.</summary>
    MentionNotShown,

    /// <summary>A callback button could not be offered (WeCom markdown has no buttons): its text is listed, the action is not available there.</summary>
    ButtonNotOffered,
}

/// <summary>What a card's button asks for.</summary>
internal static class CardButtonActions
{
    /// <summary>The action a button asks for: its value's <c>action</c> (as on Feishu), else its position.</summary>
    public static string ActionOf(CardButton button)
    {
        ArgumentNullException.ThrowIfNull(button);
        return button.Value is { ValueKind: JsonValueKind.Object } value
            && value.TryGetProperty(Bots.BotCardActions.ActionField, out var action) && action.ValueKind == JsonValueKind.String
            ? action.GetString()!
            : button.Url is not null ? "link:" + button.Index : "button:" + button.Index;
    }
}
