using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// The Larkway clients of apps given to a sign-in scheme by ClientId and ClientSecret: one per scheme, rebuilt when the
/// scheme's options change, disposed with the container. Their network is <c>BackchannelHttpHandler</c> when set.
/// </summary>
internal sealed class FeishuSignInClients(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory) : IDisposable
{
    private readonly ConcurrentDictionary<string, (FeishuAuthenticationOptions Options, FeishuClient Client)> _clients = new(StringComparer.Ordinal);
    private readonly List<FeishuClient> _created = [];
    private readonly Lock _gate = new();

    public FeishuClient Get(string scheme, FeishuAuthenticationOptions options, TimeProvider timeProvider)
    {
        if (_clients.TryGetValue(scheme, out var cached) && ReferenceEquals(cached.Options, options))
        {
            return cached.Client;
        }

        lock (_gate)
        {
            if (_clients.TryGetValue(scheme, out cached) && ReferenceEquals(cached.Options, options))
            {
                return cached.Client;
            }

            // A client replaced by new options may still be in use by a request: it is disposed with the container, not now.
            var client = new FeishuClient(
                scheme,
                new FeishuAppOptions
                {
                    AppId = options.ClientId,
                    AppSecret = options.ClientSecret,
                    BaseUrl = options.BaseUrl ?? FeishuBaseUrls.Feishu,
                    Timeout = options.BackchannelTimeout,
                },
                loggerFactory,
                timeProvider,
                meterFactory,
                options.BackchannelHttpHandler);
            _created.Add(client);
            _clients[scheme] = (options, client);
            return client;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var client in _created)
            {
                client.Dispose();
            }

            _created.Clear();
            _clients.Clear();
        }
    }
}
