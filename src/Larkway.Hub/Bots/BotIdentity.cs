using Larkway.Feishu;
using Larkway.Feishu.Bot;

namespace Larkway.Hub.Bots;

/// <summary>
/// The bot's own open_id and name, fetched once from <c>bot/v3/info</c>. Until that succeeds the bot
/// cannot tell its own @-mention from another; it then trusts Feishu, which delivers group messages
/// to a bot only when it is mentioned (unless the app has the all-messages scope).
/// </summary>
public sealed class BotIdentity(FeishuClient client)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private BotInfo? _info;

    public async Task<BotInfo?> GetAsync(CancellationToken cancellationToken)
    {
        if (_info is not null)
        {
            return _info;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _info ??= await client.Bot.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            return _info;
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
}
