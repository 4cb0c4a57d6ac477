using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Channels.Messages;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Bots;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu's door for card clicks: a <c>card.action.trigger</c> callback read once into the Hub's click
/// (<see cref="BotCardContext"/>), and the Hub's answer (<see cref="CardClickAnswer"/>) written as Feishu's callback
/// response (a toast and a raw card).
/// </summary>
internal static class FeishuCardClicks
{
    private static readonly ChannelConversation ClickedCard = new("clicked-card", ConversationKind.Direct);

    /// <summary>The click as every handler sees it.</summary>
    public static BotCardContext Read(string app, CardActionTriggerEvent e, string? eventId)
    {
        ArgumentNullException.ThrowIfNull(e);

        // A model built in code (or bound leniently) may hold a null action: no action, not a crash.
        var value = e.Action?.Value;
        return new BotCardContext(app, ChannelPlatform.Feishu, BotCardContext.ActionOf(value))
        {
            EventId = eventId,
            ClickId = ClickId(e, eventId),
            Operator = e.Operator is { } who ? new CardClickOperator(who.OpenId ?? "", who.UserId, who.UnionId) : null,
            MessageId = e.Context?.OpenMessageId,
            ChatId = e.Context?.OpenChatId,
            Value = value ?? default,
            Form = e.Action is null ? [] : FormValues(e.Action),
        };
    }

    /// <summary>The answer in Feishu's form; null leaves the card as it is.</summary>
    public static CardActionResponse? Respond(CardClickAnswer? answer)
    {
        if (answer is null)
        {
            return null;
        }

        var response = answer.Toast is { } toast ? CardActionResponse.WithToast(ToastType(toast.Kind), toast.Text) : CardActionResponse.Empty;
        if (answer.PlatformCard is { } raw)
        {
            return response.AndRawCard(raw);
        }

        if (answer.Card is { } card)
        {
            // A card answer is one card: what the renderer would split into several messages is cut to its first. The
            // conversation only says where a message goes; this card replaces the clicked one where it is.
            var rendered = Larkway.Channels.Adapters.FeishuChannelAdapter.Render(card, ClickedCard).Messages[0];
            using var document = JsonDocument.Parse(rendered.ContentJson);
            return response.AndRawCard(document.RootElement.Clone());
        }

        return response;
    }

    private static CardToastType ToastType(CardToastKind kind) => kind switch
    {
        CardToastKind.Success => CardToastType.Success,
        CardToastKind.Warning => CardToastType.Warning,
        CardToastKind.Error => CardToastType.Error,
        _ => CardToastType.Info,
    };

    /// <summary>What the click sent besides its value: a form's inputs by name, or a single component's option / input.</summary>
    internal static JsonObject FormValues(CardAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var values = action.FormValue is { ValueKind: JsonValueKind.Object } form ? JsonNode.Parse(form.GetRawText())!.AsObject() : [];
        if (action.Option is { } option)
        {
            values["option"] = option;
        }

        if (action.Options is { } options)
        {
            values["options"] = new JsonArray([.. options.Select(o => (JsonNode?)JsonValue.Create(o))]);
        }

        if (action.InputValue is { } input)
        {
            values["input"] = input;
        }

        if (action.Checked is { } isChecked)
        {
            values["checked"] = isChecked;
        }

        return values;
    }

    /// <summary>The callback's identity: its event id, else the legacy callback's token, else a hash of what was clicked where by whom.</summary>
    private static string ClickId(CardActionTriggerEvent e, string? eventId)
    {
        if (eventId is { Length: > 0 })
        {
            return eventId;
        }

        if (e.Token is { Length: > 0 } token)
        {
            // The card-update token is a credential for 30 minutes: kept hashed.
            return "token:" + Inbound.FeishuInboxRedaction.Fingerprint(token);
        }

        return "click:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{e.Operator?.OpenId}\n{e.Context?.OpenMessageId}\n{e.Action?.Value?.GetRawText()}")))[..40];
    }
}
