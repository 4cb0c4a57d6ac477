using Larkway.Channels.Adapters;
using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.Feishu;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Models.Im;
using FeishuContent = Larkway.Feishu.Im.MessageContent;
using Larkway.Hub.Bots;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Feishu apps added at run time have no bot of their own; an assistant that names one still answers its messages. Only
/// the assistant runs there (no bot commands): a message goes to it when it names the app, else nothing happens.
/// </summary>
internal static class AssistantStoredApps
{
    /// <summary>Hands <paramref name="appName"/>'s received messages to its assistant.</summary>
    public static FeishuEventDispatcher AddAssistant(this FeishuEventDispatcher dispatcher, string appName, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        var inbound = services.GetRequiredService<AssistantInbound>();
        var clients = services.GetRequiredService<IFeishuClientFactory>();
        var time = services.GetRequiredService<TimeProvider>();
        (FeishuClient Client, BotIdentity Identity)? known = null;
        return dispatcher.On<MessageReceivedEvent>(async (e, context, cancellationToken) =>
        {
            // Bots answering bots loop forever.
            if (e.Sender.SenderType == "app" || context.AppId is not { Length: > 0 } appId)
            {
                return;
            }

            // A changed app (new secret) comes with a new client: its bot is asked for again with it.
            var client = await clients.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
            if (known is not { } current || !ReferenceEquals(current.Client, client))
            {
                known = current = (client, new BotIdentity(client));
            }

            // Without the bot's own open_id a mention cannot be told apart. The question is not dropped: the inbox retries it
            // (a Feishu outage passes; wrong credentials end in the dead letters, with this message to say why).
            if (await current.Identity.GetAsync(cancellationToken).ConfigureAwait(false) is not { OpenId: { Length: > 0 } botOpenId })
            {
                throw new BotIdentityUnavailableException(
                    $"The bot of the Feishu app '{appName}' could not be read (bot/v3/info failed), so its message cannot be handled yet; "
                    + "it is retried. If this lasts, check the app's credentials with Test connection on the Apps page.");
            }

            InboundMessage message;
            try
            {
                message = FeishuChannelAdapter.Normalize(e, appId, new ChannelBotIdentity(botOpenId), time.GetUtcNow());
            }
            catch (ChannelInboundException)
            {
                return;
            }

            await inbound.TryAcceptAsync(
                appName,
                message,
                null,
                (text, key, ct) => client.Im.Messages.ReplyAsync(e.Message.MessageId, FeishuContent.Text(text), uuid: Bots.FeishuBotMessenger.Uuid($"{message.DedupKey}/assistant/{key}"), chatId: e.Message.ChatId, cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
        });
    }
}

/// <summary>A stored app's bot could not be read, so its message waits for a retry rather than being dropped.</summary>
internal sealed class BotIdentityUnavailableException(string message) : Exception(message);
