using Larkway.Channels.Messages;
using Larkway.Feishu;
using Larkway.Feishu.Bot;

namespace Larkway.Hub.Feishu;

/// <summary>
/// A Feishu app's bot as its seat knows it (<see cref="Bots.BotSeat.Identity"/>): its open_id and name, read once from
/// <c>bot/v3/info</c>. Until that succeeds the bot cannot tell its own @-mention from another; it then trusts Feishu,
/// which delivers group messages to a bot only when it is mentioned (unless the app has the all-messages scope).
/// </summary>
public sealed class FeishuBotIdentity(FeishuClient client)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ChannelBotIdentity? _identity;

    public async Task<ChannelBotIdentity?> GetAsync(CancellationToken cancellationToken)
    {
        if (_identity is not null)
        {
            return _identity;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _identity ??= Of(await client.Bot.GetInfoAsync(cancellationToken).ConfigureAwait(false));
            return _identity;
        }
        catch (FeishuApiException)
        {
            return null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>What the bot core needs of Feishu's <see cref="BotInfo"/>: the open_id messages mention it by, and its name.</summary>
    internal static ChannelBotIdentity Of(BotInfo info) => new(info.OpenId, info.AppName);
}
