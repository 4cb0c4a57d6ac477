using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Feishu;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Feishu.Im;
using MessageContent = Larkway.Feishu.Im.MessageContent;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Bots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu's seat at the bot door (<see cref="AppBots"/>): an app's bot answers through its client and knows its own
/// open_id and name from <c>bot/v3/info</c> (<see cref="FeishuBotIdentity"/>); its Feishu events reach it through its
/// <see cref="FeishuAppBot"/>. The configured app's bot runs the commands; a Feishu app added at run time only hands
/// its messages to an assistant that names it (it was a notification sender before assistants; nothing answers otherwise).
/// </summary>
internal static class FeishuBots
{
    /// <summary>The key of Feishu apps' bots: a stored Feishu app's platform.</summary>
    public const string Platform = "feishu";

    /// <summary>
    /// Seats the bots of <paramref name="defaultApp"/> (the configured app; its messenger and identity are services of
    /// their own, so a host may replace them, and its bot and Feishu seat are too, for its app's event dispatcher) and of
    /// the apps added at run time, whose received messages enter the door through their dispatcher.
    /// </summary>
    public static IServiceCollection AddFeishuBots(this IServiceCollection services, string defaultApp)
    {
        services.TryAddSingleton(sp => new FeishuBotIdentity(sp.GetRequiredService<IFeishuClientFactory>().GetClient(defaultApp)));
        services.TryAddSingleton<IBotMessenger>(sp => new FeishuBotMessenger(sp.GetRequiredService<IFeishuClientFactory>().GetClient(defaultApp)));
        services.AddHubPlatformUnit(ChannelPlatform.Feishu).SeatBot(Platform, (sp, app) => app == defaultApp
            ? new BotSeat(sp.GetRequiredService<IBotMessenger>(), sp.GetRequiredService<FeishuBotIdentity>().GetAsync)
            : StoredSeat(new StoredFeishuBotMessenger(sp.GetRequiredService<IFeishuClientFactory>(), app)));
        services.TryAddSingleton<FeishuAppBots>();
        services.TryAddSingleton(sp => sp.GetRequiredService<AppBots>().Get(Platform, defaultApp));
        services.TryAddSingleton(sp => sp.GetRequiredService<FeishuAppBots>().Get(defaultApp));
        services.AddHubStoredAppDispatcher((sp, app, dispatcher) =>
        {
            var bots = sp.GetRequiredService<FeishuAppBots>();
            dispatcher.On<MessageReceivedEvent>((e, context, ct) => bots.Get(app).HandleMessageAsync(e, context, ct));

            // Its card clicks: the ones a room claims (notification cards) and the assistants' answer buttons; any other
            // click gets an empty answer (it still reaches the webhook subscribers).
            var actions = new BotCardActions().Claim(sp.GetServices<IBotCardClaim>());
            if (sp.GetService<AssistantCardActions>() is { } answers)
            {
                actions.AddAssistantCards(answers);
            }

            FeishuAppBot.AnswerClicksWith(dispatcher, app, actions);
        });
        return services;
    }

    private static BotSeat StoredSeat(StoredFeishuBotMessenger messenger) => new(messenger, messenger.IdentityAsync) { AssistantOnly = true };
}

/// <summary>The Feishu seat of each Feishu app's bot, built once per app over its bot at the door (it remembers the bot's identity for the inbox's ignore rule).</summary>
internal sealed class FeishuAppBots(AppBots bots, BotCardActions cardActions, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, FeishuAppBot> _seats = new(StringComparer.Ordinal);

    public FeishuAppBot Get(string appName) =>
        _seats.GetOrAdd(appName, app => new FeishuAppBot(bots.Get(FeishuBots.Platform, app), cardActions, time));
}

/// <summary>
/// Sends through the app's <see cref="FeishuClient"/>: a reply is rendered with Channels' Feishu renderer (text as text, a
/// card as a JSON 2.0 card whose buttons call back with <c>{"action": value}</c>); the key becomes the message <c>uuid</c>
/// Feishu dedupes on.
/// </summary>
public sealed class FeishuBotMessenger(FeishuClient client) : IBotMessenger
{
    public async Task ReplyAsync(BotMessage to, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        var messages = Render(reply, to.ChatId, to.IsDirect ? ConversationKind.Direct : ConversationKind.Group);
        for (var part = 0; part < messages.Count; part++)
        {
            await client.Im.Messages.ReplyAsync(to.MessageId, messages[part], uuid: Uuid(PartKey(idempotencyKey, part)), chatId: to.ChatId, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task SendToChatAsync(string chatId, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        var messages = Render(reply, chatId, ConversationKind.Group);
        for (var part = 0; part < messages.Count; part++)
        {
            await client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), messages[part], Uuid(PartKey(idempotencyKey, part)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Feishu's uuid is at most 50 characters; a hash of the key fits and stays stable across retries.</summary>
    internal static string Uuid(string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];

    private static IReadOnlyList<MessageContent> Render(ChannelReply reply, string chatId, ConversationKind kind)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return FeishuChannelAdapter.Render(reply, new ChannelConversation(chatId, kind)).Messages;
    }

    // A reply too long for one message goes as several: the first keeps the reply's own key, so a reply that fits one is keyed as ever.
    private static string PartKey(string idempotencyKey, int part) => part == 0 ? idempotencyKey : $"{idempotencyKey}/part/{part}";
}

/// <summary>
/// The messenger of a Feishu app added at run time: its client is looked up on every use, so a changed app (a new secret)
/// answers with its new client, and its bot is asked for again with it.
/// </summary>
internal sealed class StoredFeishuBotMessenger(IFeishuClientFactory clients, string appName) : IBotMessenger
{
    private volatile Known? _known;

    public async Task<ChannelBotIdentity?> IdentityAsync(CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Identity.GetAsync(cancellationToken).ConfigureAwait(false);

    public async Task ReplyAsync(BotMessage to, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Messenger.ReplyAsync(to, reply, idempotencyKey, cancellationToken).ConfigureAwait(false);

    public async Task SendToChatAsync(string chatId, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Messenger.SendToChatAsync(chatId, reply, idempotencyKey, cancellationToken).ConfigureAwait(false);

    private async Task<Known> CurrentAsync(CancellationToken cancellationToken)
    {
        var client = await clients.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
        var known = _known;
        if (known is null || !ReferenceEquals(known.Client, client))
        {
            _known = known = new Known(client, new FeishuBotIdentity(client), new FeishuBotMessenger(client));
        }

        return known;
    }

    private sealed record Known(FeishuClient Client, FeishuBotIdentity Identity, FeishuBotMessenger Messenger);
}
