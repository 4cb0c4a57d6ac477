using Larkway.Hub.Platform.Units;
using System.Collections.Concurrent;
using Larkway.Channels.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Bots;

/// <summary>
/// What a platform gives the bot of one of its apps: how it answers, and who the bot is where the platform can say (its
/// own id there, to tell its @-mention apart, and its name; Feishu's room adapts its bot info to it); null where the
/// platform marks mentions itself.
/// </summary>
public sealed record BotSeat(IBotMessenger Messenger, Func<CancellationToken, Task<ChannelBotIdentity?>>? Identity = null)
{
    /// <summary>Only the app's assistant answers (<see cref="AppBot.AssistantOnly"/>): Feishu apps added at run time, which were notification senders before assistants.</summary>
    public bool AssistantOnly { get; init; }
}

/// <summary>
/// One way a platform's apps answer as a bot, registered by the platform's room (<see cref="AppBotsServiceCollectionExtensions.AddBotPlatform"/>):
/// its key (the platform as stored apps name it, or a second way of the same platform, e.g. a WeCom app's AI bot) and
/// the seat of an app's bot, built once per app.
/// </summary>
public sealed record BotPlatformRegistration(string Key, Func<IServiceProvider, string, BotSeat> Seat);

/// <summary>
/// The one door into the bot router: the <see cref="AppBot"/> of any app of any platform, sharing the Hub's commands,
/// conversations and assistant, with the messenger its platform's room supplies. A bot is built once per
/// app and kept: the messengers look their app's client up on every send, so a changed app answers with its new
/// credentials and a deleted one fails its send (the inbox then dead-letters the event).
/// </summary>
public sealed class AppBots
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, BotPlatformRegistration> _platforms;
    private readonly ConcurrentDictionary<(string Platform, string App), AppBot> _bots = new();

    public AppBots(IServiceProvider services, IEnumerable<BotPlatformRegistration> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        _services = services;

        // The last registration of a key wins, as a replaced service does.
        _platforms = new Dictionary<string, BotPlatformRegistration>(StringComparer.Ordinal);
        foreach (var platform in platforms)
        {
            _platforms[platform.Key] = platform;
        }
    }

    /// <summary>The platforms whose apps have bots here.</summary>
    public IReadOnlyCollection<string> Platforms => _platforms.Keys;

    /// <summary>The bot of <paramref name="appName"/> on <paramref name="platform"/> (a key its room registered).</summary>
    /// <exception cref="InvalidOperationException">No room registered <paramref name="platform"/>: a wiring mistake, not an input.</exception>
    public AppBot Get(string platform, string appName)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(appName);
        return _bots.GetOrAdd((platform, appName), key => Build(key.Platform, key.App));
    }

    private AppBot Build(string platform, string appName)
    {
        if (!_platforms.TryGetValue(platform, out var registration))
        {
            throw new InvalidOperationException($"No bot platform '{platform}' is registered; its platform's unit calls SeatBot(\"{platform}\", …).");
        }

        var seat = registration.Seat(_services, appName);
        return new AppBot(
            appName,
            _services.GetRequiredService<BotCommands>(),
            _services.GetRequiredService<IOptions<BotOptions>>().Value,
            seat.Messenger,
            _services.GetRequiredService<IBotConversationStore>(),
            _services.GetRequiredService<TimeProvider>(),
            _services.GetRequiredService<ILogger<AppBot>>(),
            _services.GetService<IBotAssistant>())
        {
            Identity = seat.Identity ?? (_ => Task.FromResult<ChannelBotIdentity?>(null)),
            AssistantOnly = seat.AssistantOnly,
        };
    }
}

/// <summary>Registers the door and the platforms' seats.</summary>
public static class AppBotsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <paramref name="key"/>'s way of seating its apps' bots: <paramref name="seat"/> builds an app's messenger
    /// (and identity) once per app, when its first message arrives.
    /// </summary>
    public static IServiceCollection AddBotPlatform(this IServiceCollection services, string key, Func<IServiceProvider, string, BotSeat> seat)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(seat);
        services.TryAddSingleton<AppBots>();
        services.AddSingleton(new BotPlatformRegistration(key, seat));
        return services;
    }

    /// <summary>
    /// Seats the unit's platform at the bot door: its apps' bots under <paramref name="key"/> (<see cref="AppBots.Get"/>),
    /// answering through the messenger <paramref name="seat"/> makes for an app. A platform may seat several (WeCom's app
    /// messages and its AI bot).
    /// </summary>
    public static HubPlatformUnitBuilder SeatBot(this HubPlatformUnitBuilder unit, string key, Func<IServiceProvider, string, BotSeat> seat)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(seat);
        var registration = new BotPlatformRegistration(key, seat);
        unit.Services.TryAddSingleton<AppBots>();
        unit.Services.AddSingleton(registration);
        return unit.Supply(registration);
    }

    /// <summary>Declares that every platform's unit seats a bot (<see cref="SeatBot"/>).</summary>
    public static IServiceCollection AddBotRequirement(this IServiceCollection services) =>
        services.AddPlatformRequirement<BotPlatformRegistration>("the bots", "its bot: how its apps' messages are answered", ".SeatBot(key, …)");
}
