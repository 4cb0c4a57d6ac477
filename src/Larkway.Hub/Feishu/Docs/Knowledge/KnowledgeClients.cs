using System.Collections.Concurrent;
using Larkway.Channels.Backends.Dify.Knowledge;
using Larkway.Hub.Platform.DataProtection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// Each sync's Dify knowledge client, kept while the sync's settings stand: its pacing (a Dify Cloud plan's requests a
/// minute) then spans passes, not just one. The key is decrypted here and only handed to the client.
/// </summary>
internal sealed class KnowledgeClients(HubSecretProtector secrets, IHttpClientFactory http, ILoggerFactory loggers, TimeProvider time)
{
    /// <summary>The named HTTP client the knowledge calls use (each call has its own time limit).</summary>
    public const string HttpClientName = "larkway.dify-knowledge";

    private readonly ConcurrentDictionary<string, (DateTimeOffset Version, DifyKnowledgeClient Client)> _clients = new(StringComparer.Ordinal);

    public DifyKnowledgeClient For(KnowledgeSyncRow sync)
    {
        if (_clients.TryGetValue(sync.Id, out var kept) && kept.Version == sync.UpdatedAt)
        {
            return kept.Client;
        }

        var client = Create(sync.DifyBaseUrl, secrets.Unprotect(sync.DatasetKeyProtected), sync.DifyRequestsPerMinute);
        _clients[sync.Id] = (sync.UpdatedAt, client);
        return client;
    }

    /// <summary>A client for settings not stored yet (the API's check of a new sync).</summary>
    public DifyKnowledgeClient Create(string baseUrl, string key, int? requestsPerMinute) =>
        new(new DifyKnowledgeOptions { BaseUrl = new Uri(baseUrl), ApiKey = key, RequestsPerMinute = requestsPerMinute }, http.CreateClient(HttpClientName), loggers.CreateLogger<DifyKnowledgeClient>(), time);

    public void Forget(string syncId) => _clients.TryRemove(syncId, out _);
}
