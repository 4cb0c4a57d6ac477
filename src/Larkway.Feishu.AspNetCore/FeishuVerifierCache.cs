using System.Collections.Concurrent;
using Larkway.Feishu.Events.Envelopes;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.AspNetCore;

/// <summary>
/// One verifier per app, rebuilt when the app's options change (a rotated key applies without a restart): on an
/// options change notification, and whenever the monitor hands out a new options instance (an entry evicted from
/// <see cref="IOptionsMonitorCache{TOptions}"/>, as apps configured at run time do).
/// </summary>
internal sealed class FeishuVerifierCache : IDisposable
{
    private readonly ConcurrentDictionary<string, (FeishuEventEndpointOptions Options, FeishuEventRequestVerifier Verifier)> _verifiers = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<FeishuEventEndpointOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable? _subscription;

    public FeishuVerifierCache(IOptionsMonitor<FeishuEventEndpointOptions> options, TimeProvider? timeProvider = null)
    {
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _subscription = options.OnChange((_, name) => _verifiers.TryRemove(name ?? Microsoft.Extensions.Options.Options.DefaultName, out var _));
    }

    public FeishuEventEndpointOptions Options(string appName) => _options.Get(appName);

    public FeishuEventRequestVerifier Get(string appName)
    {
        var options = _options.Get(appName);
        if (_verifiers.TryGetValue(appName, out var cached) && ReferenceEquals(cached.Options, options))
        {
            return cached.Verifier;
        }

        var verifier = new FeishuEventRequestVerifier(new FeishuEventReceiverOptions
        {
            EncryptKey = options.EncryptKey,
            VerificationToken = options.VerificationToken,
            AcceptLegacyCardCallbacks = options.AcceptLegacyCardCallbacks,
            TimestampWindow = options.TimestampWindow,
            TimeProvider = _timeProvider,
        });
        _verifiers[appName] = (options, verifier);
        return verifier;
    }

    public void Dispose() => _subscription?.Dispose();
}
