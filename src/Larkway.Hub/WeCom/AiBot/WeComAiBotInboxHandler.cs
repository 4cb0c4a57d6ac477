using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Hub.Apps;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// The inbox's handler of WeCom AI bot callbacks. Every one is first forwarded to the business webhooks subscribed to its
/// type (<c>wecom.aibot.*</c>, or <c>wecom.*</c>); a message with text (text, voice, mixed) then goes to the bot —
/// commands, /help, conversations — which answers over the bot's long connection by the callback's req_id
/// (<see cref="WeComAiBotMessenger"/>). Runs where the connection is, at once (<see cref="WeComAiBotIngest"/>); a retry
/// the inbox queue runs on a replica without the connection fails and is tried again later.
/// </summary>
internal sealed partial class WeComAiBotInboxHandler(
    HubAppRegistry apps,
    WeComAiBotConnections connections,
    BotCommands commands,
    BotCardActions cardActions,
    IOptions<BotOptions> botOptions,
    IBotConversationStore conversations,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    Webhooks.WebhookStore? webhooks = null)
{
    private readonly ConcurrentDictionary<string, (AppBot Bot, WeComAiBotMessenger Messenger)> _bots = new(StringComparer.Ordinal);

    /// <summary>Handles one stored AI bot callback; throws to have the inbox retry it.</summary>
    public async Task HandleAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (webhooks is not null)
        {
            await webhooks.FanOutAsync(item, cancellationToken).ConfigureAwait(false);
        }

        if (!item.EventType.StartsWith(WeComAiBotIngest.MessageTypePrefix, StringComparison.Ordinal))
        {
            // Events (enter_chat, card clicks, feedback) are stored and forwarded; the bot has nothing to say to them yet.
            return;
        }

        using var document = JsonDocument.Parse(item.Body);
        var frame = document.RootElement;
        var reqId = frame.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("req_id", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()!
            : throw new JsonException("A stored AI bot callback keeps its frame's headers.req_id.");
        var message = WeComAiBotMessage.Parse(frame.GetProperty("body"));
        if (ToBotMessage(message, item) is not { } botMessage)
        {
            return;
        }

        var app = await apps.FindAsync(item.AppName, cancellationToken).ConfigureAwait(false);
        var botId = app?.AiBotId is { Length: > 0 } id ? id : message.AiBotId;
        var (bot, messenger) = BotOf(item.AppName);
        using (messenger.Answering(botMessage.MessageId, botId, reqId))
        {
            await bot.HandleMessageAsync(botMessage, "wa-" + item.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A message as the bot sees it: one-to-one, or a group message that @-mentions the bot (WeCom delivers no other),
    /// its text without the leading @-mention. Null for a message without text (an image, a file).
    /// </summary>
    internal static BotMessage? ToBotMessage(WeComAiBotMessage message, InboxEvent item)
    {
        var text = message.PlainText;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var sender = message.From?.UserId is { Length: > 0 } user ? user : throw new JsonException("An AI bot message names its sender (from.userid).");
        var msgId = message.MsgId.Length > 0 ? message.MsgId : item.DedupKey ?? "inbox-" + item.Id;
        return new BotMessage
        {
            MessageId = msgId,
            ChatId = message.ConversationId,
            ChatType = message.IsGroup ? "group" : "p2p",
            SenderOpenId = sender,
            Text = message.IsGroup ? LeadingMention().Replace(text, "").Trim() : text.Trim(),
            MentionsBot = true,
            EventKey = $"wecom-aibot/{item.AppName}/{msgId}",
        };
    }

    private (AppBot Bot, WeComAiBotMessenger Messenger) BotOf(string appName) => _bots.GetOrAdd(appName, name =>
    {
        var messenger = new WeComAiBotMessenger(connections, loggerFactory.CreateLogger<WeComAiBotMessenger>());
        var bot = new AppBot(
            name,
            commands,
            cardActions,
            botOptions.Value,
            messenger,
            conversations,
            _ => Task.FromResult<Larkway.Feishu.Bot.BotInfo?>(null),
            time,
            loggerFactory.CreateLogger<AppBot>());
        return (bot, messenger);
    });

    [GeneratedRegex(@"^\s*@\S+\s*", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingMention();
}
