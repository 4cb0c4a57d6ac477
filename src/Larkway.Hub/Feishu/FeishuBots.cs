using Larkway.Feishu;
using Larkway.Feishu.Bot;
using Larkway.Feishu.Events.Models.Im;
using MessageContent = Larkway.Feishu.Im.MessageContent;
using Larkway.Hub.Bots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Feishu's seat at the bot door (<see cref="AppBots"/>): an app's bot answers through its client and knows its own
/// open_id from <c>bot/v3/info</c>. The configured app's bot runs the commands; a Feishu app added at run time only hands
/// its messages to an assistant that names it (it was a notification sender before assistants; nothing answers otherwise).
/// </summary>
internal static class FeishuBots
{
    /// <summary>The key of Feishu apps' bots: a stored Feishu app's platform.</summary>
    public const string Platform = "feishu";

    /// <summary>
    /// Seats the bots of <paramref name="defaultApp"/> (the configured app; its messenger and identity are services of
    /// their own, so a host may replace them, and the bot is one too, for its app's event dispatcher) and of the apps
    /// added at run time, whose received messages enter the door through their dispatcher.
    /// </summary>
    public static IServiceCollection AddFeishuBots(this IServiceCollection services, string defaultApp)
    {
        services.TryAddSingleton(sp => new BotIdentity(sp.GetRequiredService<IFeishuClientFactory>().GetClient(defaultApp)));
        services.TryAddSingleton<IBotMessenger>(sp => new FeishuBotMessenger(sp.GetRequiredService<IFeishuClientFactory>().GetClient(defaultApp)));
        services.AddHubPlatformUnit(Larkway.Channels.Messages.ChannelPlatform.Feishu).SeatBot(Platform, (sp, app) => app == defaultApp
            ? new BotSeat(sp.GetRequiredService<IBotMessenger>(), sp.GetRequiredService<BotIdentity>().GetAsync)
            : StoredSeat(new StoredFeishuBotMessenger(sp.GetRequiredService<IFeishuClientFactory>(), app)));
        services.TryAddSingleton(sp => sp.GetRequiredService<AppBots>().Get(Platform, defaultApp));
        services.AddHubStoredAppDispatcher((sp, app, dispatcher) =>
        {
            var bots = sp.GetRequiredService<AppBots>();
            dispatcher.On<MessageReceivedEvent>((e, context, ct) => bots.Get(Platform, app).HandleMessageAsync(e, context, ct));
        });
        return services;
    }

    private static BotSeat StoredSeat(StoredFeishuBotMessenger messenger) => new(messenger, messenger.IdentityAsync) { AssistantOnly = true };
}

/// <summary>
/// The messenger of a Feishu app added at run time: its client is looked up on every use, so a changed app (a new secret)
/// answers with its new client, and its bot is asked for again with it.
/// </summary>
internal sealed class StoredFeishuBotMessenger(IFeishuClientFactory clients, string appName) : IBotMessenger
{
    private volatile Known? _known;

    public async Task<BotInfo?> IdentityAsync(CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Identity.GetAsync(cancellationToken).ConfigureAwait(false);

    public async Task ReplyAsync(BotMessage to, MessageContent content, string idempotencyKey, CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Messenger.ReplyAsync(to, content, idempotencyKey, cancellationToken).ConfigureAwait(false);

    public async Task SendToChatAsync(string chatId, MessageContent content, string idempotencyKey, CancellationToken cancellationToken) =>
        await (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Messenger.SendToChatAsync(chatId, content, idempotencyKey, cancellationToken).ConfigureAwait(false);

    private async Task<Known> CurrentAsync(CancellationToken cancellationToken)
    {
        var client = await clients.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
        var known = _known;
        if (known is null || !ReferenceEquals(known.Client, client))
        {
            _known = known = new Known(client, new BotIdentity(client), new FeishuBotMessenger(client));
        }

        return known;
    }

    private sealed record Known(FeishuClient Client, BotIdentity Identity, FeishuBotMessenger Messenger);
}
