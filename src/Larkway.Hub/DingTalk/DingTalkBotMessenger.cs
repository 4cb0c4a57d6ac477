using System.Text;
using System.Text.Json.Nodes;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Stream;
using Larkway.Feishu.Im;
using Larkway.Hub.Bots;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// How the bot answers on DingTalk: through the message's session webhook while it lives and is on the app's own host
/// (<see cref="DingTalkSessionWebhook"/>; no token, no rate of its own), else through the app robot (one-to-one to the
/// sender, or to the group). DingTalk has no idempotency key on sends, so a handling retried after a crash between the
/// send and its completion may answer twice.
/// </summary>
internal sealed class DingTalkBotMessenger(HubDingTalkClients clients, string appName, TimeProvider time, ILogger logger) : IBotMessenger
{
    public async Task ReplyAsync(BotMessage to, MessageContent content, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(content);
        // The room keeps the robot message (its session webhook) as the reply context, as the assistant's replies read it.
        var inbound = to.ReplyContext is { Length: > 0 } json
            ? DingTalkRobotInboundMessage.Parse(json)
            : throw new InvalidOperationException("Not a DingTalk message: the DingTalk messenger answers DingTalk robot messages only.");
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        var (title, text) = DingTalkBotContent.From(content);
        if (DingTalkSessionWebhook.CanReply(client, inbound, time, logger))
        {
            await client.Robot.ReplyAsync(inbound, title is null ? DingTalkRobotMessage.Text(text) : DingTalkRobotMessage.Markdown(title, text), cancellationToken).ConfigureAwait(false);
            return;
        }

        var message = title is null ? DingTalkAppRobotMessage.Text(text) : DingTalkAppRobotMessage.Markdown(title, text);
        if (inbound.IsGroup)
        {
            await client.Robot.SendToGroupAsync(inbound.ConversationId, message, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await client.Robot.SendToUsersAsync([inbound.SenderStaffId ?? to.SenderOpenId], message, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task SendToChatAsync(string chatId, MessageContent content, string idempotencyKey, CancellationToken cancellationToken)
    {
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        var (title, text) = DingTalkBotContent.From(content);
        await client.Robot.SendToGroupAsync(chatId, title is null ? DingTalkAppRobotMessage.Text(text) : DingTalkAppRobotMessage.Markdown(title, text), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// A bot's Feishu-shaped answer as DingTalk shows it: a text stays text; a card becomes markdown (its header the title,
/// its text elements the body, its buttons named) — the bot's cards are small; notifications render cards fully.
/// </summary>
internal static class DingTalkBotContent
{
    public static (string? Title, string Text) From(MessageContent content) => content switch
    {
        TextContent text => (null, text.Text),
        CardContent card => Markdown(card.ToJsonNode()),
        _ => (null, $"(a {content.MessageType} message, which DingTalk cannot show)"),
    };

    private static (string Title, string Text) Markdown(JsonNode card)
    {
        var title = card["header"]?["title"]?["content"]?.GetValue<string>() ?? "Larkway";
        var text = new StringBuilder();
        Collect(card["body"]?["elements"] ?? card["elements"], text);
        return (title, text.Length == 0 ? title : text.ToString().TrimEnd());
    }

    private static void Collect(JsonNode? elements, StringBuilder text)
    {
        if (elements is not JsonArray array)
        {
            return;
        }

        foreach (var element in array.OfType<JsonObject>())
        {
            switch (element["tag"]?.GetValue<string>())
            {
                case "markdown" or "lark_md":
                    text.Append(element["content"]?.GetValue<string>()).Append("\n\n");
                    break;
                case "div":
                    text.Append(element["text"]?["content"]?.GetValue<string>()).Append("\n\n");
                    break;
                case "button":
                    text.Append("[").Append(element["text"]?["content"]?.GetValue<string>()).Append("]\n\n");
                    break;
                case "action":
                    Collect(element["actions"], text);
                    break;
                default:
                    Collect(element["elements"], text);
                    break;
            }
        }
    }
}
