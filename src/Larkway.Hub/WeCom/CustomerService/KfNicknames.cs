using System.Collections.Concurrent;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.WeCom;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// Customers' WeChat nicknames for the console (<c>kf/customer/batchget</c>, 100 ids a call), kept an hour so a page
/// shown again calls WeCom for no one it knows. A customer WeCom no longer describes (not seen for 48 hours), or a call
/// that fails or takes over 3 seconds, leaves the id alone on the page: a nickname is never needed to act.
/// </summary>
internal sealed partial class KfNicknames(HubWeComClients clients, TimeProvider time, ILogger<KfNicknames> logger)
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);
    private const int MaxKept = 10_000;

    private readonly ConcurrentDictionary<(string App, string Customer), (string? Name, DateTimeOffset At)> _kept = new();

    /// <summary>The nicknames WeCom gives for <paramref name="customers"/> of <paramref name="app"/>, by customer.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string app, IEnumerable<string> customers, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var wanted = customers.Distinct(StringComparer.Ordinal).ToList();
        var missing = wanted.Where(c => !_kept.TryGetValue((app, c), out var kept) || now - kept.At > Keep).ToList();
        if (_kept.Count + missing.Count > MaxKept)
        {
            _kept.Clear();
        }

        foreach (var chunk in missing.Chunk(Larkway.WeCom.CustomerService.WeComCustomerServiceClient.MaxCustomers))
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(Patience);
            try
            {
                var client = (await clients.GetAsync(app, patience.Token).ConfigureAwait(false)).CustomerService;
                var found = (await client.GetCustomersAsync(chunk, cancellationToken: patience.Token).ConfigureAwait(false)).Customers
                    .ToDictionary(c => c.ExternalUserId, c => c.Nickname, StringComparer.Ordinal);
                foreach (var customer in chunk)
                {
                    _kept[(app, customer)] = (found.GetValueOrDefault(customer) is { Length: > 0 } name ? name : null, now);
                }
            }
            catch (Exception ex) when (ex is WeComApiException or HttpRequestException or HubAppNotFoundException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                LogNotRead(logger, app, ex.GetType().Name);
                break;
            }
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var customer in wanted)
        {
            if (_kept.TryGetValue((app, customer), out var kept) && kept.Name is { } name)
            {
                names[customer] = name;
            }
        }

        return names;
    }

    [LoggerMessage(EventId = LogEvents.WeComKfNicknamesNotRead, Level = LogLevel.Information,
        Message = "WeCom customer service on {App}: customers' nicknames could not be read ({Reason}); the console shows their ids.")]
    private static partial void LogNotRead(ILogger logger, string app, string reason);
}
