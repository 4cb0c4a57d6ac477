using System.Collections.Concurrent;
using Larkway.WeCom.AiBot;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// The AI bot connections open on this replica, by bot id: a reply goes over the connection its callback came on (WeCom
/// matches it by req_id), and only the replica holding the bot's lease has one.
/// </summary>
internal sealed class WeComAiBotConnections
{
    private readonly ConcurrentDictionary<string, WeComAiBotClient> _clients = new(StringComparer.Ordinal);

    /// <summary>The bot's client on this replica while it is connected (or reconnecting), else null.</summary>
    public WeComAiBotClient? Find(string botId) => _clients.GetValueOrDefault(botId);

    internal void Set(string botId, WeComAiBotClient client) => _clients[botId] = client;

    internal void Remove(string botId, WeComAiBotClient client) => _clients.TryRemove(new KeyValuePair<string, WeComAiBotClient>(botId, client));
}
