using System.Collections.Concurrent;
using Larkway.Feishu.Events.Envelopes;
using Microsoft.Extensions.Options;

namespace Larkway.Feishu.AspNetCore;

/// <summary>One verifier per app, rebuilt when the app's options change (a rotated key applies without a restart).</summary>
internal sealed class FeishuVerifierCache : IDisposable
{
    private readonly ConcurrentDictionary<string, FeishuEventRequestVerifier> _verifiers = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<FeishuEventEndpointOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable? _subscription;

    public FeishuVerifierCache(IOptionsMonitor<FeishuEventEndpointOptions> options, TimeProvider? timeProvider = null)
    {
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _subscription = options.OnChange((_, name) => _verifiers.TryRemove(name ?? Microsoft.Extensions.Options.Options.DefaultName, out FeishuEventRequestVerifier? _));
    }

    public FeishuEventEndpointOptions Options(string appName) => _options.Get(appName);

    public FeishuEventRequestVerifier Get(string appName) => _verifiers.GetOrAdd(appName, name =>
    {
        var options = _options.Get(name);
        return new FeishuEventRequestVerifier(new FeishuEventReceiverOptions
        {
            EncryptKey = options.EncryptKey,
            VerificationToken = options.VerificationToken,
            TimestampWindow = options.TimestampWindow,
            TimeProvider = _timeProvider,
        });
    });

    public void Dispose() => _subscription?.Dispose();
}
